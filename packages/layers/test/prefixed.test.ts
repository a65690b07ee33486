import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ErrorCode, type ProgressEvent, type Storage, StorageError, isStorageError } from '@stowage/core';
import { LocalStorage } from '@stowage/local';
import { MemoryStorage } from '@stowage/memory';
import { layered } from '../src/layer.js';
import { prefixed } from '../src/prefixed.js';

async function failure(run: Promise<unknown> | (() => unknown)): Promise<StorageError> {
  const error = await (async () => (typeof run === 'function' ? run() : run))().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof StorageError)) throw new Error(`expected a StorageError, got ${String(error)}`);
  return error;
}

async function expectCode(run: Promise<unknown> | (() => unknown), code: ErrorCode): Promise<StorageError> {
  const error = await failure(run);
  expect(error.code, error.message).toBe(code);
  return error;
}

async function listAll(storage: Storage, bucket: string, options = {}): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of storage.listObjects(bucket, options))
    out.push(entry.type === 'object' ? entry.key : `${entry.prefix} (prefix)`);
  return out;
}

async function setup(prefix = 'tenant-a/'): Promise<{ memory: MemoryStorage; scoped: Storage }> {
  const memory = new MemoryStorage();
  await memory.createBucket('shared');
  // Neighbours the scoped store must never see or touch.
  await memory.putObject('shared', 'tenant-b/secret.txt', 'b');
  await memory.putObject('shared', 'tenant-a', 'the prefix without its slash');
  await memory.putObject('shared', 'tenant-a.txt', 'a near miss');
  await memory.putObject('shared', 'zzz', 'after');
  return { memory, scoped: layered(memory, prefixed(prefix)) };
}

describe('prefixed: keys live under the prefix', () => {
  it('stores under the prefix and reads back with the caller’s keys', async () => {
    const { memory, scoped } = await setup();
    await scoped.putObject('shared', 'photos/cat.jpg', 'meow', { contentType: 'image/jpeg' });
    expect(await (await memory.getObject('shared', 'tenant-a/photos/cat.jpg')).text()).toBe('meow');
    const got = await scoped.getObject('shared', 'photos/cat.jpg');
    expect(got.info.key).toBe('photos/cat.jpg');
    expect(got.info.contentType).toBe('image/jpeg');
    expect(await got.text()).toBe('meow');
    const ranged = await scoped.getObject('shared', 'photos/cat.jpg', { range: { offset: 1, length: 2 } });
    expect(ranged.range).toEqual({ offset: 1, length: 2 });
    expect(Buffer.from(await ranged.bytes()).toString()).toBe('eo');
    expect((await scoped.headObject('shared', 'photos/cat.jpg')).key).toBe('photos/cat.jpg');
    // The body as a stream and as a web stream.
    const chunks: Buffer[] = [];
    for await (const chunk of (await scoped.getObject('shared', 'photos/cat.jpg')).body) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('meow');
    expect(await new Response((await scoped.getObject('shared', 'photos/cat.jpg')).webStream()).text()).toBe('meow');
  });

  it('lists only what is under the prefix, stripped, with prefix, startAfter and delimiter translated', async () => {
    const { scoped } = await setup();
    for (const key of ['a.txt', 'docs/one.md', 'docs/two.md', 'docs/deep/three.md', 'photos/cat.jpg', 'z'])
      await scoped.putObject('shared', key, key);
    expect(await listAll(scoped, 'shared')).toEqual(['a.txt', 'docs/deep/three.md', 'docs/one.md', 'docs/two.md', 'photos/cat.jpg', 'z']);
    expect(await listAll(scoped, 'shared', { delimiter: '/' })).toEqual(['a.txt', 'docs/ (prefix)', 'photos/ (prefix)', 'z']);
    expect(await listAll(scoped, 'shared', { prefix: 'docs/', delimiter: '/' })).toEqual([
      'docs/deep/ (prefix)',
      'docs/one.md',
      'docs/two.md',
    ]);
    expect(await listAll(scoped, 'shared', { startAfter: 'docs/one.md' })).toEqual(['docs/two.md', 'photos/cat.jpg', 'z']);
    // As on S3, a common prefix equal to startAfter is not listed again (that is how a paged listing resumes).
    expect(await listAll(scoped, 'shared', { startAfter: 'docs/', delimiter: '/', pageSize: 1 })).toEqual(['photos/ (prefix)', 'z']);
    expect(await listAll(scoped, 'shared', { startAfter: 'docs', delimiter: '/', pageSize: 1 })).toEqual([
      'docs/ (prefix)',
      'photos/ (prefix)',
      'z',
    ]);
    expect(await listAll(scoped, 'shared', { prefix: 'nothing' })).toEqual([]);
    // A startAfter below every key, and one above.
    expect(await listAll(scoped, 'shared', { startAfter: '' })).toHaveLength(6);
    expect(await listAll(scoped, 'shared', { startAfter: '\u{10ffff}' })).toEqual([]);
  });

  it('rolls keys up at the delimiter after the prefix, also when the prefix has no slash', async () => {
    const memory = new MemoryStorage();
    await memory.createBucket('shared');
    await memory.putObject('shared', 'tenant-b/x', 'outside');
    const scoped = prefixed('tenant-')(memory);
    await scoped.putObject('shared', 'a/one', '1');
    await scoped.putObject('shared', 'a/two', '2');
    // 'tenant-b/x' is 'b/x' seen through 'tenant-': the prefix is a name stem, and b is in it.
    expect(await listAll(scoped, 'shared', { delimiter: '/' })).toEqual(['a/ (prefix)', 'b/ (prefix)']);
    expect(await (await memory.getObject('shared', 'tenant-a/one')).text()).toBe('1');
  });

  it('never shows or touches what lies outside it', async () => {
    const { memory, scoped } = await setup();
    expect(await listAll(scoped, 'shared')).toEqual([]);
    await expectCode(scoped.getObject('shared', '../tenant-b/secret.txt'), 'NoSuchKey');
    await scoped.deleteObject('shared', '../tenant-b/secret.txt');
    await scoped.deleteObjects('shared', ['../tenant-b/secret.txt', '/tenant-a', '.txt']);
    expect(await listAll(memory, 'shared')).toEqual(['tenant-a', 'tenant-a.txt', 'tenant-b/secret.txt', 'zzz']);
    // The buckets themselves are shared: a bucket with objects outside the prefix cannot be deleted.
    await expectCode(scoped.deleteBucket('shared'), 'BucketNotEmpty');
    expect(await scoped.bucketExists('shared')).toBe(true);
  });

  it('translates deleteObjects, copyObject and progress events', async () => {
    const { memory, scoped } = await setup();
    await scoped.putObject('shared', 'a', 'A', { metadata: { m: '1' } });
    const events: ProgressEvent[] = [];
    await scoped.putObject('shared', 'b', 'BB', { onProgress: (e) => events.push(e) });
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.key === 'b' && e.bucket === 'shared')).toBe(true);
    await scoped.copyObject({ bucket: 'shared', key: 'a' }, { bucket: 'shared', key: 'c' });
    expect((await memory.headObject('shared', 'tenant-a/c')).metadata).toEqual({ m: '1' });
    const result = await scoped.deleteObjects('shared', ['a', 'b', 'missing', '', 'a']);
    expect(result.deleted.sort()).toEqual(['a', 'b', 'missing']);
    expect(result.errors).toEqual([expect.objectContaining({ key: '', code: 'InvalidKey' })]);
    expect(await listAll(scoped, 'shared')).toEqual(['c']);
  });

  it('nests: prefixed(b) over prefixed(a) stores under a then b', async () => {
    const memory = new MemoryStorage();
    await memory.createBucket('shared');
    const scoped = layered(memory, prefixed('a/'), prefixed('b/'));
    await scoped.putObject('shared', 'k', 'v');
    expect(await listAll(memory, 'shared')).toEqual(['a/b/k']);
    expect(await listAll(scoped, 'shared')).toEqual(['k']);
    expect(scoped.capabilities.maxKeyBytes).toBe(1020);
    const error = await expectCode(scoped.getObject('shared', 'gone'), 'NoSuchKey');
    expect(error.key).toBe('gone');
  });
});

describe('prefixed: keys are checked as the caller wrote them', () => {
  it('refuses an empty key and a key that is not a string as InvalidKey, before any I/O', async () => {
    const { scoped } = await setup();
    const empty = await expectCode(scoped.putObject('shared', '', 'x'), 'InvalidKey');
    expect(empty.key).toBe('');
    expect(empty.bucket).toBe('shared');
    const number = await expectCode(scoped.getObject('shared', 42 as never), 'InvalidKey');
    expect(number.key).toBeUndefined();
    expect(number.message).not.toContain('tenant-a');
    await expectCode(scoped.headObject('shared', 'bad\ud800'), 'InvalidKey');
    await expectCode(scoped.copyObject({ bucket: 'shared', key: '' }, { bucket: 'shared', key: 'x' }), 'InvalidKey');
    // The key before the signal and the bucket, as every store orders them.
    await expectCode(scoped.putObject('missing-bucket', '', 'x', { signal: AbortSignal.abort() }), 'InvalidKey');
    await expectCode(scoped.putObject('Bad', '', 'x'), 'InvalidBucketName');
    await expectCode(
      () =>
        scoped
          .listObjects('shared', { prefix: 42 as never })
          [Symbol.asyncIterator]()
          .next(),
      'InvalidArgument',
    );
  });

  it('names the caller’s key in errors from the store beneath, keeping the cause', async () => {
    const { scoped } = await setup();
    const missing = await expectCode(scoped.getObject('shared', 'missing.txt'), 'NoSuchKey');
    expect(missing.key).toBe('missing.txt');
    expect(missing.bucket).toBe('shared');
    expect(missing.message).not.toContain('tenant-a/');
    await scoped.putObject('shared', 'k', 'v');
    const pre = await expectCode(scoped.putObject('shared', 'k', 'w', { ifNoneMatch: '*' }), 'PreconditionFailed');
    expect(pre.key).toBe('k');
    const copy = await expectCode(scoped.copyObject({ bucket: 'shared', key: 'nope' }, { bucket: 'shared', key: 'k2' }), 'NoSuchKey');
    expect(copy.key === 'nope' || copy.key === 'k2').toBe(true);
    const broke = new Error('the progress bar broke');
    const progress = await expectCode(
      scoped.putObject('shared', 'p', 'x', {
        onProgress: () => {
          throw broke;
        },
      }),
      'InvalidArgument',
    );
    expect(progress.key).toBe('p');
    expect(progress.cause).toBe(broke);
  });

  it('narrows maxKeyBytes by the prefix’s UTF-8 length, and refuses a longer key with the caller’s key', async () => {
    const { scoped } = await setup('tenant-é/'); // 10 bytes
    expect(scoped.capabilities.maxKeyBytes).toBe(1014);
    await scoped.putObject('shared', 'k'.repeat(1014), 'fits');
    const long = 'k'.repeat(1015);
    const error = await expectCode(scoped.putObject('shared', long, 'too long'), 'InvalidKey');
    expect(error.key).toBe(long);
    expect(error.message).toContain('1014');
  });
});

describe('prefixed: construction', () => {
  it('refuses a prefix that is empty, not a string, or not valid Unicode', () => {
    for (const bad of ['', 42, undefined, null, 'bad\ud800']) {
      expect(() => prefixed(bad as string), String(bad)).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
    }
    expect(() => prefixed('k'.repeat(1025))).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
  });

  it('refuses, when applied, a prefix that leaves no room for a key or that the store cannot hold', async () => {
    expect(() => prefixed('k'.repeat(1024))(new MemoryStorage())).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
    const root = await mkdtemp(join(tmpdir(), 'stowage-prefixed-'));
    try {
      const local = new LocalStorage({ root });
      expect(() => prefixed('/tenant/')(local)).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
      expect(() => prefixed('../tenant/')(local)).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
      expect(prefixed('tenant/')(local).capabilities.maxKeyBytes).toBe(local.capabilities.maxKeyBytes - 7);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('keeps the name and every capability but maxKeyBytes, and presign only where the store has it', async () => {
    const memory = new MemoryStorage();
    const scoped = prefixed('p/')(memory);
    expect(scoped.name).toBe(memory.name);
    expect({ ...scoped.capabilities, maxKeyBytes: 0 }).toEqual({ ...memory.capabilities, maxKeyBytes: 0 });
    expect(scoped.presign).toBeUndefined();
    const asked: string[] = [];
    const signing: Storage = Object.assign(Object.create(memory) as Storage, {
      presign: async (bucket: string, key: string) => {
        asked.push(key);
        return `https://example.test/${bucket}/${key}`;
      },
    });
    const scopedSigning = prefixed('p/')(signing);
    expect(await scopedSigning.presign?.('shared', 'k', { method: 'GET', expiresIn: 60 })).toBe('https://example.test/shared/p/k');
    await expectCode(scopedSigning.presign?.('shared', '', { method: 'GET', expiresIn: 60 }) ?? Promise.resolve(), 'InvalidKey');
    expect(asked).toEqual(['p/k']);
    expect(
      isStorageError(
        await failure(scopedSigning.presign?.('B', 'k', { method: 'GET', expiresIn: 60 }) ?? Promise.resolve()),
        'InvalidBucketName',
      ),
    ).toBe(true);
  });
});
