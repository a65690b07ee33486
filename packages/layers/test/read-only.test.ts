import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type Storage, isStorageError } from '@stowage/core';
import { MemoryStorage } from '@stowage/memory';
import { readOnly } from '../src/read-only.js';

/** A store that counts every call that reaches it, by method. */
function counted(inner: Storage): { store: Storage; calls: string[] } {
  const calls: string[] = [];
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(property));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, calls };
}

/** Bodies of every kind that fail the test if anything reads them. */
function untouchable(): { bodies: [string, Parameters<Storage['putObject']>[2]][]; touched: string[] } {
  const touched: string[] = [];
  const stream = new Readable({
    read() {
      touched.push('readable');
      this.destroy(new Error('the body was read'));
    },
  });
  const iterable: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]() {
      touched.push('async iterable');
      throw new Error('the body was read');
    },
  };
  // highWaterMark 0: a web stream would otherwise pull once on its own, before anyone reads it.
  const web = new ReadableStream<Uint8Array>(
    {
      pull() {
        touched.push('web stream');
        throw new Error('the body was read');
      },
    },
    { highWaterMark: 0 },
  );
  return {
    bodies: [
      ['a Node stream', stream],
      ['an async iterable', iterable],
      ['a web stream', web],
      ['a string', 'text'],
    ],
    touched,
  };
}

async function expectDenied(run: () => Promise<unknown>, where: { bucket?: string; key?: string } = {}): Promise<void> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isStorageError(error, 'AccessDenied'), String(error)).toBe(true);
  if (where.bucket !== undefined) expect((error as { bucket?: string }).bucket).toBe(where.bucket);
  if (where.key !== undefined) expect((error as { key?: string }).key).toBe(where.key);
}

async function seeded(): Promise<MemoryStorage> {
  const memory = new MemoryStorage();
  await memory.createBucket('docs');
  await memory.putObject('docs', 'a.txt', 'alpha', { contentType: 'text/plain', metadata: { owner: 'ann' } });
  await memory.putObject('docs', 'dir/b.txt', 'beta');
  return memory;
}

describe('readOnly', () => {
  it('refuses every write with AccessDenied without calling the store', async () => {
    const { store, calls } = counted(await seeded());
    const ro = readOnly()(store);
    calls.length = 0;
    await expectDenied(() => ro.createBucket('fresh'), { bucket: 'fresh' });
    await expectDenied(() => ro.deleteBucket('docs'), { bucket: 'docs' });
    await expectDenied(() => ro.putObject('docs', 'a.txt', 'changed'), { bucket: 'docs', key: 'a.txt' });
    await expectDenied(() => ro.copyObject({ bucket: 'docs', key: 'a.txt' }, { bucket: 'docs', key: 'c.txt' }), {
      bucket: 'docs',
      key: 'c.txt',
    });
    await expectDenied(() => ro.deleteObject('docs', 'a.txt'), { bucket: 'docs', key: 'a.txt' });
    await expectDenied(() => ro.deleteObjects('docs', ['a.txt', 'dir/b.txt']), { bucket: 'docs' });
    expect(calls).toEqual([]);
    // Nothing changed beneath.
    const inner = store as MemoryStorage;
    expect(await (await inner.getObject('docs', 'a.txt')).text()).toBe('alpha');
    expect(await inner.bucketExists('fresh')).toBe(false);
    const keys: string[] = [];
    for await (const entry of inner.listObjects('docs')) if (entry.type === 'object') keys.push(entry.key);
    expect(keys).toEqual(['a.txt', 'dir/b.txt']);
  });

  it('never reads the body of a refused put, of any kind', async () => {
    const { store, calls } = counted(await seeded());
    const ro = readOnly()(store);
    calls.length = 0;
    const { bodies, touched } = untouchable();
    for (const [, body] of bodies) {
      await expectDenied(() => ro.putObject('docs', 'new', body, { size: 4, onProgress: () => touched.push('progress') }));
    }
    // Give a stream that would be read a chance to be read.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(touched).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('refuses writes even with bad arguments or an aborted signal: nothing is checked, nothing is done', async () => {
    const { store, calls } = counted(await seeded());
    const ro = readOnly()(store);
    calls.length = 0;
    const aborted = { signal: AbortSignal.abort() };
    await expectDenied(() => ro.putObject('docs', '', 'x', aborted));
    await expectDenied(() => ro.createBucket(7 as never));
    await expectDenied(() => ro.copyObject(undefined as never, undefined as never));
    await expectDenied(() => ro.deleteObjects('docs', 'not an array' as never, aborted));
    expect(calls).toEqual([]);
  });

  it('passes reads through unchanged', async () => {
    const ro = readOnly()(await seeded());
    expect(await ro.bucketExists('docs')).toBe(true);
    expect((await ro.listBuckets()).map((b) => b.name)).toEqual(['docs']);
    const got = await ro.getObject('docs', 'a.txt');
    expect(await got.text()).toBe('alpha');
    expect(got.info).toMatchObject({ key: 'a.txt', contentType: 'text/plain', metadata: { owner: 'ann' } });
    expect(await (await ro.getObject('docs', 'a.txt', { range: { offset: 1, length: 2 } })).text()).toBe('lp');
    expect((await ro.headObject('docs', 'dir/b.txt')).size).toBe(4);
    const entries: unknown[] = [];
    for await (const entry of ro.listObjects('docs', { delimiter: '/' })) entries.push(entry.type === 'object' ? entry.key : entry.prefix);
    expect(entries).toEqual(['a.txt', 'dir/']);
    await expect(ro.getObject('docs', 'missing')).rejects.toSatisfy((e: unknown) => isStorageError(e, 'NoSuchKey'));
  });

  it('keeps the store name and capabilities, and has presign only when the store has it', async () => {
    const memory = new MemoryStorage();
    const ro = readOnly()(memory);
    expect(ro.name).toBe(memory.name);
    expect(ro.capabilities).toEqual(memory.capabilities);
    expect(ro.presign).toBeUndefined();
  });

  it('refuses a presigned PUT URL and passes a presigned GET through', async () => {
    const memory = await seeded();
    const signed: string[] = [];
    const withPresign: Storage = Object.assign(Object.create(memory) as MemoryStorage, {
      presign: async (bucket: string, key: string, options: { method: string }) => {
        signed.push(options.method);
        return `https://example.test/${bucket}/${key}?method=${options.method}`;
      },
    });
    const ro = readOnly()(withPresign);
    const presign = ro.presign?.bind(ro);
    if (!presign) throw new Error('readOnly dropped presign');
    await expectDenied(() => presign('docs', 'a.txt', { method: 'PUT', expiresIn: 60 }), { bucket: 'docs', key: 'a.txt' });
    expect(await presign('docs', 'a.txt', { method: 'GET', expiresIn: 60 })).toBe('https://example.test/docs/a.txt?method=GET');
    expect(signed).toEqual(['GET']);
  });
});
