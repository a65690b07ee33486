import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ListOptions, type ObjectRef, type Storage, isStorageError } from '@stowage/core';
import { MemoryStorage } from '@stowage/memory';
import { hostileKey } from '@stowage/testing';
import { prefixed } from '../src/prefixed.js';

const PREFIX = 'p/';

/** Objects written beside the prefix, on the store itself: near misses of it included. */
const OUTSIDE = ['outside', 'p', 'p0', 'p.', 'p\u0000', 'p\\x', 'P/x', 'o/p/x', 'q/', '..', '../p/x', 'pp/x', '/p/x'];

/** Every key, listing prefix and `startAfter` that reaches the store beneath, by operation. */
function watched(inner: Storage): { store: Storage; seen: [operation: string, name: string][] } {
  const seen: [string, string][] = [];
  const note = (operation: string, name: unknown) => seen.push([operation, String(name)]);
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const operation = String(property);
      return (...args: unknown[]) => {
        if (['putObject', 'getObject', 'headObject', 'deleteObject', 'presign'].includes(operation)) note(operation, args[1]);
        if (operation === 'deleteObjects') for (const key of args[1] as string[]) note(operation, key);
        if (operation === 'copyObject') for (const ref of args.slice(0, 2) as ObjectRef[]) note(operation, ref.key);
        if (operation === 'listObjects') {
          const options = (args[1] ?? {}) as ListOptions;
          note(operation, options.prefix);
          if (options.startAfter !== undefined) note('listObjects startAfter', options.startAfter);
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, seen };
}

async function listAll(storage: Storage, bucket: string, options: ListOptions = {}): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of storage.listObjects(bucket, options)) out.push(entry.type === 'object' ? entry.key : `prefix:${entry.prefix}`);
  return out;
}

describe('prefixed: 10,000 hostile keys never reach outside the prefix', () => {
  it('reads, lists, writes, copies and deletes only under the prefix, and sees nothing outside it', async () => {
    const memory = new MemoryStorage();
    await memory.createBucket('bkt');
    const before = new Map<string, string>();
    for (const key of OUTSIDE) before.set(key, (await memory.putObject('bkt', key, `outside:${key}`)).etag);
    const { store, seen } = watched(memory);
    const scoped = prefixed(PREFIX)(store);
    let accepted = 0;
    let refused = 0;

    await fc.assert(
      fc.asyncProperty(hostileKey, async (key) => {
        let stored = true;
        try {
          await scoped.putObject('bkt', key, key);
        } catch (error) {
          // Refused as the caller wrote it, before anything reached the store.
          expect(isStorageError(error, 'InvalidKey'), String(error)).toBe(true);
          if (typeof key === 'string' && key !== '') expect((error as { key?: string }).key).toBe(key);
          stored = false;
        }
        if (stored) {
          accepted += 1;
          const got = await scoped.getObject('bkt', key);
          expect(got.info.key).toBe(key);
          expect(await got.text()).toBe(key);
          expect((await scoped.headObject('bkt', key)).key).toBe(key);
          const listed = await listAll(scoped, 'bkt', { prefix: key });
          expect(listed[0]).toBe(key);
          for (const entry of listed) expect(entry.startsWith(key)).toBe(true);
          await scoped.copyObject({ bucket: 'bkt', key }, { bucket: 'bkt', key: `${key}~` }).catch((error: unknown) => {
            // Only a copy whose target is too long for the store may fail, and only as InvalidKey.
            expect(isStorageError(error, 'InvalidKey'), String(error)).toBe(true);
          });
        } else {
          refused += 1;
          for (const read of [
            () => scoped.getObject('bkt', key),
            () => scoped.headObject('bkt', key),
            () => scoped.deleteObject('bkt', key),
          ]) {
            await expect(read()).rejects.toSatisfy((e: unknown) => isStorageError(e, 'InvalidKey'));
          }
        }
        // Listings from and after the key, rolled up at '/', and a batch delete naming neighbours outside.
        // Only what this run stored can show: the key's copy, or a common prefix of it.
        const mine = stored ? [key, `${key}~`] : [];
        for (const entry of await listAll(scoped, 'bkt', { startAfter: key, delimiter: '/', pageSize: 7 })) {
          const shows = mine.some((k) => entry === k || (entry.startsWith('prefix:') && k.startsWith(entry.slice('prefix:'.length))));
          expect(shows, `listed ${JSON.stringify(entry)} after ${JSON.stringify(key)}`).toBe(true);
        }
        const result = await scoped.deleteObjects('bkt', [key, `${key}~`, '../outside', `../../${key}`]);
        for (const done of result.deleted) expect([key, `${key}~`, '../outside', `../../${key}`]).toContain(done);
        for (const failed of result.errors) expect(failed.code).toBe('InvalidKey');
        const left = await listAll(scoped, 'bkt');
        expect(left).toEqual([]);
      }),
      { numRuns: 10_000, seed: 20_241_014, endOnFailure: true },
    );

    expect(accepted).toBeGreaterThan(1000);
    expect(refused).toBeGreaterThan(100);
    // Every name that reached the store was under the prefix...
    const outside = seen.filter(([, name]) => !name.startsWith(PREFIX));
    expect(outside).toEqual([]);
    expect(seen.length).toBeGreaterThan(40_000);
    // ...and what lies outside it is exactly as it was.
    const now = new Map<string, string>();
    for await (const entry of memory.listObjects('bkt')) if (entry.type === 'object') now.set(entry.key, entry.etag);
    expect(now).toEqual(before);
    for (const key of OUTSIDE) expect(await (await memory.getObject('bkt', key)).text()).toBe(`outside:${key}`);
    // Through the prefix, none of it is visible.
    expect(await listAll(scoped, 'bkt')).toEqual([]);
  }, 600_000);
});
