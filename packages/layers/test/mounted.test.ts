import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type ErrorCode, type Storage, isStorageError } from '@stowage/core';
import { LocalStorage } from '@stowage/local';
import { MemoryStorage } from '@stowage/memory';
import { mounted } from '../src/mounted.js';

async function expectCode(run: Promise<unknown> | (() => unknown), code: ErrorCode): Promise<void> {
  const error = await (async () => (typeof run === 'function' ? run() : run))().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isStorageError(error, code), `expected ${code}, got ${String(error)}`).toBe(true);
}

async function keys(storage: Storage, bucket: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of storage.listObjects(bucket)) if (entry.type === 'object') out.push(entry.key);
  return out;
}

/** A store that remembers the body of every put that reaches it. */
function recordingPuts(inner: Storage): { store: Storage; bodies: unknown[] } {
  const bodies: unknown[] = [];
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property === 'putObject') {
        return (bucket: string, key: string, body: unknown, options: object) => {
          bodies.push(body);
          return target.putObject(bucket, key, body as never, options);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store, bodies };
}

describe('mounted: routing', () => {
  it('sends each bucket to its store, and the rest to the fallback', async () => {
    const photos = new MemoryStorage();
    const scratch = new MemoryStorage();
    const fallback = new MemoryStorage();
    const storage = mounted({ photos, scratch }, { fallback });
    for (const bucket of ['photos', 'scratch', 'other']) {
      await storage.createBucket(bucket);
      await storage.putObject(bucket, 'k', bucket);
    }
    expect(await photos.bucketExists('photos')).toBe(true);
    expect(await photos.bucketExists('scratch')).toBe(false);
    expect(await photos.bucketExists('other')).toBe(false);
    expect(await (await scratch.getObject('scratch', 'k')).text()).toBe('scratch');
    expect(await (await fallback.getObject('other', 'k')).text()).toBe('other');
    expect(await fallback.bucketExists('photos')).toBe(false);
    expect(await (await storage.getObject('photos', 'k')).text()).toBe('photos');
    expect((await storage.headObject('scratch', 'k')).size).toBe('scratch'.length);
    expect(await keys(storage, 'other')).toEqual(['k']);
    await storage.deleteObject('photos', 'k');
    expect(await keys(photos, 'photos')).toEqual([]);
    expect(await storage.deleteObjects('scratch', ['k'])).toEqual({ deleted: ['k'], errors: [] });
    expect(await keys(scratch, 'scratch')).toEqual([]);
    await storage.deleteBucket('photos');
    expect(await photos.bucketExists('photos')).toBe(false);
  });

  it('does not find an Object property for a bucket named like one', async () => {
    const storage = mounted({ photos: new MemoryStorage() });
    await expectCode(storage.getObject('constructor', 'k'), 'NoSuchBucket');
    expect(await storage.bucketExists('constructor')).toBe(false);
  });
});

describe('mounted: listBuckets', () => {
  it("merges the stores' buckets in name order: routed ones where they exist, the fallback's unless a route takes the name", async () => {
    const a = new MemoryStorage();
    const b = new MemoryStorage();
    const fallback = new MemoryStorage();
    await a.createBucket('mango');
    await a.createBucket('zebra'); // in a, but not routed to a: hidden
    await b.createBucket('banana');
    await fallback.createBucket('apple');
    await fallback.createBucket('mango'); // shadowed by the route to a
    await fallback.createBucket('cherry');
    await fallback.createBucket('zucchini');
    const storage = mounted({ mango: a, banana: b, kiwi: b /* kiwi does not exist in b */ }, { fallback });
    const listed = await storage.listBuckets();
    expect(listed.map((x) => x.name)).toEqual(['apple', 'banana', 'cherry', 'mango', 'zucchini']);
    expect(listed.every((x) => x.createdAt instanceof Date)).toBe(true);
  });

  it('lists a store routed under several names once per name, and only routed buckets without a fallback', async () => {
    const one = new MemoryStorage();
    await one.createBucket('left');
    await one.createBucket('right');
    await one.createBucket('stray');
    const storage = mounted({ right: one, left: one });
    expect((await storage.listBuckets()).map((x) => x.name)).toEqual(['left', 'right']);
  });
});

describe('mounted: a bucket with no route and no fallback', () => {
  const storage = mounted({ photos: new MemoryStorage() });

  it('is NoSuchBucket for every object call, and does not exist', async () => {
    await expectCode(storage.getObject('other', 'k'), 'NoSuchBucket');
    await expectCode(storage.headObject('other', 'k'), 'NoSuchBucket');
    await expectCode(storage.putObject('other', 'k', 'x'), 'NoSuchBucket');
    await expectCode(storage.deleteObject('other', 'k'), 'NoSuchBucket');
    await expectCode(storage.deleteObjects('other', ['k']), 'NoSuchBucket');
    await expectCode(storage.deleteBucket('other'), 'NoSuchBucket');
    await expectCode(storage.copyObject({ bucket: 'other', key: 'k' }, { bucket: 'other', key: 'c' }), 'NoSuchBucket');
    await expectCode(storage.listObjects('other')[Symbol.asyncIterator]().next(), 'NoSuchBucket');
    expect(await storage.bucketExists('other')).toBe(false);
  });

  it('cannot be created: AccessDenied, as there is nowhere to make it', async () => {
    await expectCode(storage.createBucket('other'), 'AccessDenied');
  });

  it('still refuses bad input first, in S3 order: bucket name, key, options, signal', async () => {
    await expectCode(storage.getObject('Bad_Name', ''), 'InvalidBucketName');
    await expectCode(storage.putObject('other', '', 'x', { signal: AbortSignal.abort() }), 'InvalidKey');
    await expectCode(storage.putObject('other', 'k', 'x', { size: -1, signal: AbortSignal.abort() }), 'InvalidArgument');
    await expectCode(storage.getObject('other', 'k', { signal: AbortSignal.abort() }), 'Aborted');
    await expectCode(storage.createBucket('Bad_Name'), 'InvalidBucketName');
  });
});

describe('mounted: construction', () => {
  it('refuses a route name that is not a bucket name', () => {
    expect(() => mounted({ Photos: new MemoryStorage() })).toThrow(expect.objectContaining({ code: 'InvalidBucketName' }));
    expect(() => mounted({ 'a/b': new MemoryStorage() })).toThrow(expect.objectContaining({ code: 'InvalidBucketName' }));
  });
  it('refuses no stores at all, and a route or fallback that is not a store', () => {
    expect(() => mounted({})).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
    expect(() => mounted({ photos: {} as Storage })).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
    expect(() => mounted({}, { fallback: 'memory' as never })).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
    expect(mounted({}, { fallback: new MemoryStorage() }).name).toBe('mounted');
  });
});

describe('mounted: capabilities', () => {
  it('are what every store can do, and keys are checked by them on every bucket', async () => {
    const root = await mkdtemp(join(tmpdir(), 'stowage-mounted-'));
    try {
      const memory = new MemoryStorage();
      const local = new LocalStorage({ root });
      const storage = mounted({ mem: memory }, { fallback: local });
      expect(storage.capabilities.dotSegments).toBe(false); // local has none; memory has
      expect(storage.capabilities.emptySegments).toBe(false);
      expect(storage.capabilities.md5Etags).toBe(false);
      expect(storage.capabilities.conditionalPut).toBe(true);
      for (const [name, value] of Object.entries(storage.capabilities)) {
        const both = [memory.capabilities, local.capabilities].map((c) => (c as unknown as Record<string, unknown>)[name]);
        if (typeof value === 'boolean') expect(value, name).toBe(both.every((v) => v === true));
        else expect(value, name).toBe(Math.min(...(both as number[])));
      }
      // Memory could hold it, but the mounted store promises only what all can: refused before memory is called.
      await memory.createBucket('mem');
      await expectCode(storage.putObject('mem', 'a/../b', 'x'), 'InvalidKey');
      expect(await keys(memory, 'mem')).toEqual([]);
      const result = await storage.deleteObjects('mem', ['ok', 'a//b']);
      expect(result.deleted).toEqual(['ok']);
      expect(result.errors).toEqual([expect.objectContaining({ key: 'a//b', code: 'InvalidKey' })]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('take the smallest maxKeyBytes', () => {
    const small = Object.assign(Object.create(new MemoryStorage()) as Storage, {
      capabilities: { ...new MemoryStorage().capabilities, maxKeyBytes: 200 },
    });
    expect(mounted({ small }, { fallback: new MemoryStorage() }).capabilities.maxKeyBytes).toBe(200);
  });

  it('have presign only when every store has it, and it goes to the bucket’s store', async () => {
    const signing = (label: string): Storage =>
      Object.assign(Object.create(new MemoryStorage()) as Storage, {
        capabilities: { ...new MemoryStorage().capabilities, presign: true },
        presign: async (bucket: string, key: string) => `https://${label}.test/${bucket}/${key}`,
      });
    expect(mounted({ photos: signing('a') }, { fallback: new MemoryStorage() }).presign).toBeUndefined();
    expect(mounted({ photos: signing('a') }, { fallback: new MemoryStorage() }).capabilities.presign).toBe(false);
    const both = mounted({ photos: signing('a') }, { fallback: signing('f') });
    expect(both.capabilities.presign).toBe(true);
    expect(await both.presign?.('photos', 'k', { method: 'GET', expiresIn: 60 })).toBe('https://a.test/photos/k');
    expect(await both.presign?.('other', 'k', { method: 'GET', expiresIn: 60 })).toBe('https://f.test/other/k');
    const noFallback = mounted({ photos: signing('a') });
    await expectCode(noFallback.presign?.('other', 'k', { method: 'GET', expiresIn: 60 }) ?? Promise.resolve(), 'NoSuchBucket');
  });
});

describe('mounted: copyObject', () => {
  it('streams a multi-MiB object from one store into another: bytes identical, headers and metadata kept', async () => {
    const from = new MemoryStorage();
    const { store: to, bodies } = recordingPuts(new MemoryStorage());
    const storage = mounted({ source: from, target: to });
    await storage.createBucket('source');
    await storage.createBucket('target');
    const bytes = randomBytes(12 * 1024 * 1024 + 7);
    const put = await storage.putObject('source', 'big.bin', bytes, {
      contentType: 'application/x-test',
      cacheControl: 'max-age=60',
      contentDisposition: 'attachment',
      metadata: { owner: 'ann', Mixed: 'Case' },
    });
    bodies.length = 0;
    const copied = await storage.copyObject({ bucket: 'source', key: 'big.bin' }, { bucket: 'target', key: 'copy.bin' });
    expect(copied.etag).toBe(put.etag); // memory's ETags are MD5s: the same bytes
    // Streamed: the target was handed a stream, not the bytes gathered in one buffer.
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toBeInstanceOf(Readable);
    const got = await storage.getObject('target', 'copy.bin');
    expect(Buffer.compare(Buffer.from(await got.bytes()), bytes)).toBe(0);
    expect(got.info).toMatchObject({
      key: 'copy.bin',
      size: bytes.byteLength,
      contentType: 'application/x-test',
      cacheControl: 'max-age=60',
      contentDisposition: 'attachment',
      metadata: { owner: 'ann', mixed: 'Case' },
    });
    expect(await from.bucketExists('target')).toBe(false);
  });

  it('replaces every header and the metadata when the options give any, as S3 does', async () => {
    const storage = mounted({ source: new MemoryStorage(), target: new MemoryStorage() });
    await storage.createBucket('source');
    await storage.createBucket('target');
    await storage.putObject('source', 'k', 'body', { contentType: 'text/plain', cacheControl: 'no-cache', metadata: { a: '1' } });
    await storage.copyObject({ bucket: 'source', key: 'k' }, { bucket: 'target', key: 'k' }, { metadata: { b: '2' } });
    const info = await storage.headObject('target', 'k');
    expect(info.metadata).toEqual({ b: '2' });
    expect(info.cacheControl).toBeUndefined();
  });

  it('checks the source ETag and the options before writing anything', async () => {
    const target = new MemoryStorage();
    const storage = mounted({ source: new MemoryStorage(), target });
    await storage.createBucket('source');
    await storage.createBucket('target');
    await storage.putObject('source', 'k', 'body');
    const src = { bucket: 'source', key: 'k' };
    const dst = { bucket: 'target', key: 'k' };
    await expectCode(storage.copyObject(src, dst, { sourceIfMatch: '"nope"' }), 'PreconditionFailed');
    await expectCode(storage.copyObject(src, dst, { sourceIfMatch: 1 as never }), 'InvalidArgument');
    await expectCode(storage.copyObject(src, dst, { metadata: { a: 1 } as never }), 'InvalidArgument');
    await expectCode(storage.copyObject(src, dst, { signal: AbortSignal.abort() }), 'Aborted');
    await expectCode(storage.copyObject({ bucket: 'source', key: 'missing' }, dst), 'NoSuchKey');
    await expectCode(storage.copyObject(src, { bucket: 'target', key: '' }), 'InvalidKey');
    await expectCode(storage.copyObject(src, { bucket: 'unrouted', key: 'k' }), 'NoSuchBucket');
    expect(await keys(target, 'target')).toEqual([]);
  });

  it('copies inside one store with the store’s own copy', async () => {
    const one = new MemoryStorage();
    const calls: string[] = [];
    const spied = new Proxy(one, {
      get(t, p, r) {
        const v = Reflect.get(t, p, r);
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => {
          calls.push(String(p));
          return v.apply(t, args);
        };
      },
    });
    const storage = mounted({ left: spied, right: spied });
    await storage.createBucket('left');
    await storage.createBucket('right');
    await storage.putObject('left', 'k', 'body');
    calls.length = 0;
    await storage.copyObject({ bucket: 'left', key: 'k' }, { bucket: 'right', key: 'k' });
    expect(calls).toEqual(['copyObject']);
    expect(await (await storage.getObject('right', 'k')).text()).toBe('body');
  });
});
