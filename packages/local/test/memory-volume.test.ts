import { describe, expect, it } from 'vitest';
import { collectBytes, isStorageError } from '@stowage/core';
import { FS_CAPABILITIES, LocalStorage, memoryVolume } from '@stowage/local';

describe('memoryVolume', () => {
  it('holds the local layout in memory: the object is the file of its key, readable on the volume', async () => {
    const fs = memoryVolume();
    const storage = new LocalStorage({ root: '/store', fs });
    expect(storage.root).toBe('/store');
    expect(storage.capabilities).toBe(FS_CAPABILITIES);
    await storage.createBucket('photos');
    await storage.putObject('photos', 'cats/cat.txt', 'meow', { contentType: 'text/plain' });
    expect(fs.volume.readFileSync('/store/photos/cats/cat.txt', 'utf8')).toBe('meow');
    expect(fs.volume.readdirSync('/store').map(String).sort()).toEqual(['.stowage', 'photos']);
  });

  it('starts empty, and each call makes a volume of its own', async () => {
    const first = memoryVolume();
    const second = memoryVolume();
    expect(first.volume.toJSON()).toEqual({});
    await new LocalStorage({ root: '/store', fs: first }).createBucket('only-here');
    expect(await new LocalStorage({ root: '/store', fs: second }).listBuckets()).toEqual([]);
    expect((await new LocalStorage({ root: '/store', fs: first }).listBuckets()).map((b) => b.name)).toEqual(['only-here']);
  });

  it("takes a relative root from the volume's top folder, not from the current directory on the disk", async () => {
    const fs = memoryVolume();
    const storage = new LocalStorage({ root: './data/../store', fs });
    expect(storage.root).toBe('/store');
    await storage.createBucket('bkt');
    expect(fs.volume.existsSync('/store/bkt')).toBe(true);
    expect(fs.volume.existsSync('store/bkt')).toBe(true); // the volume's own relative paths start at / too
  });

  it("sees files changed behind the driver's back: one put there by hand is listed, one edited fails its digest", async () => {
    const fs = memoryVolume();
    const storage = new LocalStorage({ root: '/store', fs });
    await storage.createBucket('bkt');
    await storage.putObject('bkt', 'kept', 'hello');
    fs.volume.writeFileSync('/store/bkt/by-hand', 'abc');
    const info = await storage.headObject('bkt', 'by-hand');
    expect(info.size).toBe(3);
    expect(info.etag).toBe((await storage.putObject('bkt', 'same-bytes', 'abc')).etag);
    fs.volume.writeFileSync('/store/bkt/kept', 'jello', { flag: 'r+' });
    const error = await storage
      .getObject('bkt', 'kept')
      .then((result) => collectBytes(result.body))
      .catch((e: unknown) => e);
    expect(isStorageError(error, 'ChecksumMismatch')).toBe(true);
  });

  it("keeps the local disk's rules: a file and a folder cannot share a name", async () => {
    const storage = new LocalStorage({ root: '/store', fs: memoryVolume() });
    await storage.createBucket('bkt');
    await storage.putObject('bkt', 'a/b', 'x');
    const error = await storage.putObject('bkt', 'a', 'y').catch((e: unknown) => e);
    expect(isStorageError(error, 'InvalidKey')).toBe(true);
  });
});
