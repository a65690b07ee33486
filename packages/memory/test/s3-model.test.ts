import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isStorageError, type ErrorCode } from '@stowage/core';
import { MemoryStorage } from '@stowage/memory';

const md5Etag = (bytes: Uint8Array | string) => `"${createHash('md5').update(bytes).digest('hex')}"`;

async function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await expect(promise).rejects.toSatisfy((e: unknown) => isStorageError(e, code), `expected ${code}`);
}

/** Bytes that differ from block to block, so a mix-up of blocks shows. */
function patterned(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + seed * 7 + (i >> 12)) & 0xff;
  return out;
}

describe('MemoryStorage keeps every key S3 keeps', () => {
  // The keys of the table, which a file-system engine refuses.
  const keys = [
    'folder/',
    'folder/x',
    'reports/2026',
    'reports/2026/jan.csv',
    'a//b',
    '/leading-slash',
    'x/./y',
    'x/../y',
    `long/${'s'.repeat(300)}`,
  ];

  it('stores, reads and lists each, in UTF-8 byte order', async () => {
    const storage = await MemoryStorage.from({ photos: {} });
    for (const key of [...keys].reverse()) await storage.putObject('photos', key, key === 'folder/' ? '' : `body of ${key}`);
    const listed: string[] = [];
    for await (const entry of storage.listObjects('photos')) if (entry.type === 'object') listed.push(entry.key);
    expect(listed).toEqual([...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    for (const key of keys) {
      expect(await (await storage.getObject('photos', key)).text()).toBe(key === 'folder/' ? '' : `body of ${key}`);
    }
  });

  it('lists one level with a delimiter: `reports/2026` is an object and `reports/2026/` a prefix', async () => {
    const storage = await MemoryStorage.from({ photos: Object.fromEntries(keys.map((k) => [k, 'x'])) });
    const level: string[] = [];
    for await (const entry of storage.listObjects('photos', { prefix: 'reports/', delimiter: '/' })) {
      level.push(entry.type === 'object' ? entry.key : `prefix ${entry.prefix}`);
    }
    expect(level).toEqual(['reports/2026', 'prefix reports/2026/']);
  });
});

describe('MemoryStorage ETags are what S3 gives for a single PUT', () => {
  it('the quoted MD5 of the bytes, for every kind of body', async () => {
    const storage = await MemoryStorage.from({ photos: {} });
    const bytes = patterned(700_000, 1);
    expect((await storage.putObject('photos', 'empty', '')).etag).toBe('"d41d8cd98f00b204e9800998ecf8427e"');
    expect((await storage.putObject('photos', 'text', 'héllo')).etag).toBe(md5Etag('héllo'));
    expect((await storage.putObject('photos', 'bytes', bytes)).etag).toBe(md5Etag(bytes));
    const stream = Readable.from([bytes.subarray(0, 1), bytes.subarray(1, 300_000), bytes.subarray(300_000)]);
    expect((await storage.putObject('photos', 'stream', stream)).etag).toBe(md5Etag(bytes));
    expect((await storage.headObject('photos', 'stream')).etag).toBe(md5Etag(bytes));
  });

  it('copies keep the source ETag, also when they replace the metadata', async () => {
    const storage = await MemoryStorage.from({ photos: { src: 'source bytes' } });
    await storage.copyObject({ bucket: 'photos', key: 'src' }, { bucket: 'photos', key: 'same' });
    await storage.copyObject({ bucket: 'photos', key: 'src' }, { bucket: 'photos', key: 'replaced' }, { metadata: { m: '1' } });
    expect((await storage.headObject('photos', 'same')).etag).toBe(md5Etag('source bytes'));
    const replaced = await storage.headObject('photos', 'replaced');
    expect(replaced.etag).toBe(md5Etag('source bytes'));
    expect(replaced.metadata).toEqual({ m: '1' });
  });
});

describe('MemoryStorage owns its bytes', () => {
  it("a caller's buffer changed after the put, or the bytes a read returned, leave the object as it was", async () => {
    const storage = await MemoryStorage.from({ photos: {} });
    const small = new Uint8Array([1, 2, 3]);
    const large = patterned(600_000, 2);
    const largeCopy = large.slice();
    await storage.putObject('photos', 'small', small);
    await storage.putObject('photos', 'large', large);
    small.fill(0);
    large.fill(0);
    const read = await (await storage.getObject('photos', 'small')).bytes();
    read.fill(9);
    expect([...(await (await storage.getObject('photos', 'small')).bytes())]).toEqual([1, 2, 3]);
    expect(Buffer.compare(await (await storage.getObject('photos', 'large')).bytes(), largeCopy)).toBe(0);
  });
});

describe('MemoryStorage for assertions', () => {
  it('inspect() shows every object with its attributes and bytes, without the Storage API', async () => {
    const storage = await MemoryStorage.from({ photos: {}, empty: {} });
    await storage.putObject('photos', 'cat.txt', 'meow', {
      contentType: 'text/plain',
      cacheControl: 'no-cache',
      metadata: { owner: 'me' },
    });
    const view = storage.inspect();
    expect(Object.keys(view)).toEqual(['empty', 'photos']);
    expect(view.empty).toEqual({});
    expect(view.photos?.['cat.txt']).toMatchObject({
      key: 'cat.txt',
      size: 4,
      etag: md5Etag('meow'),
      contentType: 'text/plain',
      cacheControl: 'no-cache',
      metadata: { owner: 'me' },
    });
    expect(Buffer.from(view.photos?.['cat.txt']?.body ?? []).toString()).toBe('meow');
  });
});

describe('MemoryStorage checks its bytes at rest', () => {
  it('a corrupted byte fails the next full read with ChecksumMismatch; a range in another block still reads', async () => {
    const bytes = patterned(600_000, 3);
    const storage = await MemoryStorage.from({ photos: { big: bytes } });
    storage.corruptObject('photos', 'big', 10);
    await rejectsWith(
      storage.getObject('photos', 'big').then((got) => got.bytes()),
      'ChecksumMismatch',
    );
    await rejectsWith(
      storage.getObject('photos', 'big', { range: { offset: 5, length: 10 } }).then((got) => got.bytes()),
      'ChecksumMismatch',
    );
    const far = await (await storage.getObject('photos', 'big', { range: { offset: 500_000, length: 1000 } })).bytes();
    expect(Buffer.compare(far, bytes.subarray(500_000, 501_000))).toBe(0);
  });

  it('a copy refuses a corrupted source instead of spreading it', async () => {
    const storage = await MemoryStorage.from({ photos: { src: 'fine bytes' } });
    storage.corruptObject('photos', 'src');
    await rejectsWith(storage.copyObject({ bucket: 'photos', key: 'src' }, { bucket: 'photos', key: 'dst' }), 'ChecksumMismatch');
    await rejectsWith(storage.headObject('photos', 'dst'), 'NoSuchKey');
  });

  it('corruptObject refuses an offset outside the object', async () => {
    const storage = await MemoryStorage.from({ photos: { k: 'abc' } });
    expect(() => storage.corruptObject('photos', 'k', 3)).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
  });
});

describe('MemoryStorage versions are immutable', () => {
  it('a streaming read that started before an overwrite reads the old version to its end', async () => {
    const before = patterned(1_000_000, 4);
    const after = patterned(1_000_000, 5);
    const storage = await MemoryStorage.from({ photos: { k: before } });
    const got = await storage.getObject('photos', 'k');
    const chunks: Buffer[] = [];
    let overwritten = false;
    for await (const chunk of got.body) {
      chunks.push(chunk as Buffer);
      if (!overwritten) {
        await storage.putObject('photos', 'k', after);
        overwritten = true;
      }
    }
    expect(Buffer.compare(Buffer.concat(chunks), before)).toBe(0);
    expect(Buffer.compare(await (await storage.getObject('photos', 'k')).bytes(), after)).toBe(0);
  });
});
