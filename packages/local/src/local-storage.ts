import fs from 'node:fs';
import path from 'node:path';
import { FsStorage } from './fs-storage.js';

/** Options of {@link LocalStorage}. */
export interface LocalStorageOptions {
  /** The folder that holds the buckets (created when missing). Relative paths resolve from the current directory. */
  root: string;
  /** `fsync` each object before it becomes visible, so it survives power loss. Default `false`. */
  fsync?: boolean;
}

/**
 * A {@link Storage} on the local disk. Bucket `photos` is the folder `<root>/photos`, object
 * `cats/cat.jpg` the plain file `<root>/photos/cats/cat.jpg`; the driver's own records live in
 * `<root>/.stowage`.
 *
 * @example
 * const storage = new LocalStorage({ root: './data' });
 * await storage.createBucket('photos');
 * await storage.putObject('photos', 'cats/cat.txt', 'meow', { contentType: 'text/plain' });
 */
export class LocalStorage extends FsStorage {
  /** The root folder, as an absolute path. */
  readonly root: string;

  constructor(options: LocalStorageOptions) {
    const root = path.resolve(options.root);
    super({ fs, root, name: 'local', ...(options.fsync !== undefined ? { fsync: options.fsync } : {}) });
    this.root = root;
  }
}
