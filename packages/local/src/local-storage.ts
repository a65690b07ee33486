import path from 'node:path';
import { type DiskIo, diskFileSystem } from './disk-fs.js';
import type { FileSystem } from './fs-api.js';
import { FsStorage } from './fs-storage.js';

/** Options of {@link LocalStorage}. */
export interface LocalStorageOptions {
  /**
   * The folder that holds the buckets (created when missing). On the real disk a relative path
   * resolves from the current directory; with {@link LocalStorageOptions.fs | fs} it is a POSIX
   * path on that file system, and a relative one starts at its top folder `/`.
   */
  root: string;
  /** `fsync` each object before it becomes visible, so it survives power loss. Default `false`. */
  fsync?: boolean;
  /**
   * The file system the store lives on. Default: the real disk (`node:fs`). {@link memoryVolume}
   * gives one in memory, for tests that want the local disk's rules without touching the disk:
   * `new LocalStorage({ root: '/store', fs: memoryVolume() })`. The current directory of this
   * process is a place on the real disk, so with `fs` the root is not resolved against it.
   */
  fs?: FileSystem;
  /**
   * How calls reach the real disk (ignored with {@link LocalStorageOptions.fs | fs}). `'sync'`
   * (the default) makes the calls that take microseconds on a local disk synchronously: a stat,
   * an open, a rename, a small read, a write of up to 256 KiB, each cheaper made on the spot than
   * sent through Node's thread pool and back; listing a folder's entries, `fsync`, removing a
   * bucket and a large body's reads still use the pool, and a run of calls lets the event loop
   * turn every few milliseconds.
   * `'thread-pool'` makes every call through the pool (`fs.promises`): for a root on a network or
   * otherwise slow file system, where one call can take milliseconds and would hold up the
   * process meanwhile.
   */
  io?: DiskIo;
}

/**
 * A `Storage` on the local disk. Bucket `photos` is the folder `<root>/photos`, object
 * `cats/cat.jpg` the plain file `<root>/photos/cats/cat.jpg`; the driver's own records live in
 * `<root>/.stowage`. With the `fs` option the same layout lives on another file system, such as a
 * {@link memoryVolume} in memory.
 *
 * @example
 * const storage = new LocalStorage({ root: './data' });
 * await storage.createBucket('photos');
 * await storage.putObject('photos', 'cats/cat.txt', 'meow', { contentType: 'text/plain' });
 */
export class LocalStorage extends FsStorage {
  /** The root folder, as an absolute path (on the file system given as `fs`, if one was). */
  readonly root: string;

  constructor(options: LocalStorageOptions) {
    const root = options.fs ? path.posix.resolve('/', options.root) : path.resolve(options.root);
    super({
      fs: options.fs ?? diskFileSystem(options.io ?? 'sync'),
      root,
      name: 'local',
      ...(options.fsync !== undefined ? { fsync: options.fsync } : {}),
    });
    this.root = root;
  }
}
