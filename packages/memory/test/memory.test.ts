import { describe, expect, it } from 'vitest';
import { isStorageError } from '@stowage/core';
import { MemoryStorage } from '@stowage/memory';

describe('MemoryStorage for test authors', () => {
  it('seeds buckets and objects from a plain object', async () => {
    const storage = await MemoryStorage.from({
      photos: { 'cats/cat.txt': 'meow', 'raw.bin': new Uint8Array([0, 255]) },
      empty: {},
    });
    expect((await storage.listBuckets()).map((b) => b.name)).toEqual(['empty', 'photos']);
    expect(await (await storage.getObject('photos', 'cats/cat.txt')).text()).toBe('meow');
    expect([...(await (await storage.getObject('photos', 'raw.bin')).bytes())]).toEqual([0, 255]);
  });

  it('seeds into existing buckets without failing', async () => {
    const storage = await MemoryStorage.from({ photos: { a: '1' } });
    await storage.seed({ photos: { b: '2' } });
    expect(await storage.snapshot({ as: 'text' })).toEqual({ photos: { a: '1', b: '2' } });
  });

  it('snapshots every bucket and object, as bytes or text', async () => {
    const storage = await MemoryStorage.from({ b1b: { 'x/y': 'z' }, b2b: {} });
    await storage.putObject('b1b', 'new', 'v');
    await storage.deleteObject('b1b', 'x/y');
    expect(await storage.snapshot({ as: 'text' })).toEqual({ b1b: { new: 'v' }, b2b: {} });
    const bytes = await storage.snapshot();
    expect(Buffer.from(bytes.b1b?.new ?? new Uint8Array()).toString()).toBe('v');
  });

  it('resets to an empty store that still works', async () => {
    const storage = await MemoryStorage.from({ photos: { a: '1' } });
    await storage.reset();
    expect(await storage.listBuckets()).toEqual([]);
    expect(await storage.snapshot()).toEqual({});
    await storage.createBucket('photos');
    await storage.putObject('photos', 'a', '2');
    expect(await storage.snapshot({ as: 'text' })).toEqual({ photos: { a: '2' } });
  });

  it('keeps separate instances apart', async () => {
    const one = await MemoryStorage.from({ shared: { k: 'one' } });
    const two = new MemoryStorage();
    expect(await two.bucketExists('shared')).toBe(false);
    await expect(two.getObject('shared', 'k')).rejects.toSatisfy((e: unknown) => isStorageError(e, 'NoSuchBucket'));
    expect(await one.bucketExists('shared')).toBe(true);
  });
});
