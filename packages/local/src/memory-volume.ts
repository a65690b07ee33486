import type { Volume } from 'memfs';
import type { FileSystem } from './fs-api.js';
import { fixedIds, fixPermissionIds, processWithIds } from './fixed-ids.js';
import { loadMemfs, memfsFileSystem } from './memfs-api.js';

/** A memfs volume (memfs's `Volume` class), as {@link memoryVolume} makes it. */
export type MemfsVolume = InstanceType<typeof Volume>;

/** The {@link FileSystem} {@link memoryVolume} returns: the engine's API, and the volume under it. */
export interface MemoryVolume extends FileSystem {
  /**
   * The memfs volume itself, for a test that changes files behind the driver's back (corrupts an
   * object, puts a file there by hand, removes a folder): bucket `b`'s object `k` of a
   * `LocalStorage` with root `/store` is the file `/store/b/k`. Its synchronous calls
   * (`readFileSync`, `writeFileSync`, …) are memfs's; relative paths start at `/`.
   */
  readonly volume: MemfsVolume;
}

/**
 * A fresh, empty file system in memory (a memfs volume), for `new LocalStorage({ root, fs })`: the
 * local driver with the local disk's rules (a file and a folder cannot share a name, keys map to
 * paths, links, temporaries, records), without touching the disk. Each call makes a new volume.
 *
 * The volume answers permission checks with the user and group ids read once, when it is made (see
 * fixed-ids.ts), and its working directory is `/`, so a relative path means the same to it as a
 * relative `root` does to `LocalStorage` on it. memfs itself is loaded on the first call, not when
 * `@stowage/local` is imported.
 *
 * @example
 * const fs = memoryVolume();
 * const storage = new LocalStorage({ root: '/store', fs });
 * await storage.createBucket('photos');
 * await storage.putObject('photos', 'cats/cat.txt', 'meow');
 * fs.volume.readFileSync('/store/photos/cats/cat.txt', 'utf8'); // 'meow'
 */
export function memoryVolume(): MemoryVolume {
  const ids = fixedIds();
  const volume: MemfsVolume = loadMemfs().Volume.fromJSON({}, undefined, { process: { ...processWithIds(ids), cwd: () => '/' } });
  fixPermissionIds(volume, ids);
  return { ...memfsFileSystem(volume), volume };
}
