import { isStorageError } from '@stowage/core';
import { openStorage, parseStorageUrl } from 'stowage';
import { describe, expect, it } from 'vitest';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('layers as storage URL parameters', () => {
  it('prefix= keeps every key under the prefix of the same store', async () => {
    const name = `layers-${Math.random().toString(36).slice(2, 8)}`;
    const plain = await openStorage(`memory://${name}`);
    const scoped = await openStorage(`memory://${name}?prefix=tenant-a/`);
    await plain.createBucket('b1b');
    await scoped.putObject('b1b', 'k.txt', 'mine');
    expect(await (await plain.getObject('b1b', 'tenant-a/k.txt')).text()).toBe('mine');
    const keys: string[] = [];
    for await (const entry of scoped.listObjects('b1b')) if (entry.type === 'object') keys.push(entry.key);
    expect(keys).toEqual(['k.txt']);
  });

  it('timeout= gives each call a deadline (Timeout), on any scheme', async () => {
    const storage = await openStorage('memory://?timeout=50ms');
    await storage.createBucket('b1b');
    async function* stalls(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(1);
      await new Promise(() => undefined);
    }
    expect(isStorageError(await rejection(storage.putObject('b1b', 'k', stalls())), 'Timeout')).toBe(true);
  });

  it('readOnly=true refuses every write with AccessDenied', async () => {
    const name = `ro-${Math.random().toString(36).slice(2, 8)}`;
    await (await openStorage(`memory://${name}`)).createBucket('b1b');
    const storage = await openStorage(`memory://${name}?readOnly=true&retries=3`);
    expect(isStorageError(await rejection(storage.putObject('b1b', 'k', 'x')), 'AccessDenied')).toBe(true);
    expect(await storage.bucketExists('b1b')).toBe(true);
  });

  it('parses each parameter with its unit, beside the scheme’s own', () => {
    expect(parseStorageUrl('file:///tmp/x?fsync=true&prefix=p/&retries=5&timeout=2m').layers).toEqual({
      prefix: 'p/',
      retries: 5,
      timeoutMs: 120_000,
    });
    expect(parseStorageUrl('s3://?region=eu-west-1&timeout=1500ms').layers).toEqual({ timeoutMs: 1500 });
    expect(parseStorageUrl('memory://').layers).toBeUndefined();
  });

  it('refuses a bad value with InvalidArgument naming the parameter, not the value', async () => {
    for (const [url, name] of [
      ['memory://?retries=many', 'retries'],
      ['memory://?timeout=30', 'timeout'],
      ['memory://?timeout=0s', 'timeout'],
      ['memory://?prefix=', 'prefix'],
      ['memory://?readOnly=yes', 'readOnly'],
    ] as const) {
      const error = await rejection(openStorage(url));
      expect(isStorageError(error, 'InvalidArgument'), url).toBe(true);
      expect((error as Error).message).toContain(`"${name}"`);
    }
  });
});
