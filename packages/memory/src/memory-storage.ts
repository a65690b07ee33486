import { Volume } from 'memfs';
import { collectBytes, isStorageError } from '@stowage/core';
import { FsStorage } from '@stowage/local';
import { fixedIds, fixPermissionIds, processWithIds } from './fixed-ids.js';
import { memfsFileSystem } from './memfs-api.js';

/** Buckets and their objects as a plain object: `{ bucket: { key: body } }`. */
export type StoreContents<Body> = Record<string, Record<string, Body>>;

/** Where the buckets live on the volume. */
export const MEMORY_ROOT = '/store';

/**
 * A {@link Storage} held in memory, on a memfs volume, for tests and caches. It runs the same code as
 * `LocalStorage` (so it behaves exactly like the disk), and adds what a test author needs:
 * {@link MemoryStorage.seed}, {@link MemoryStorage.snapshot} and {@link MemoryStorage.reset}.
 *
 * @example
 * const storage = await MemoryStorage.from({ photos: { 'cats/cat.txt': 'meow' } });
 * expect(await storage.snapshot({ as: 'text' })).toEqual({ photos: { 'cats/cat.txt': 'meow' } });
 */
export class MemoryStorage extends FsStorage {
  /**
   * The memfs volume behind the store: bucket `b`'s object `k` is the file `/store/b/k`. For tests
   * that change the store behind the driver's back (corruption, a file put there by hand).
   */
  readonly volume: InstanceType<typeof Volume>;

  constructor() {
    const ids = fixedIds();
    const volume = Volume.fromJSON({}, undefined, { process: processWithIds(ids) });
    fixPermissionIds(volume, ids);
    super({ fs: memfsFileSystem(volume), root: MEMORY_ROOT, name: 'memory' });
    this.volume = volume;
  }

  /** A new store holding `contents`. */
  static async from(contents: StoreContents<string | Uint8Array>): Promise<MemoryStorage> {
    const storage = new MemoryStorage();
    await storage.seed(contents);
    return storage;
  }

  /** Creates the buckets (when missing) and writes the objects given. */
  async seed(contents: StoreContents<string | Uint8Array>): Promise<void> {
    for (const [bucket, objects] of Object.entries(contents)) {
      await this.createBucket(bucket).catch((error: unknown) => {
        if (!isStorageError(error, 'BucketAlreadyExists')) throw error;
      });
      for (const [key, body] of Object.entries(objects)) await this.putObject(bucket, key, body);
    }
  }

  /** Every bucket and object, as bytes (default) or as UTF-8 text. Empty buckets are included. */
  async snapshot(options?: { as?: 'bytes' }): Promise<StoreContents<Uint8Array>>;
  async snapshot(options: { as: 'text' }): Promise<StoreContents<string>>;
  async snapshot(options: { as?: 'bytes' | 'text' } = {}): Promise<StoreContents<Uint8Array | string>> {
    const out: StoreContents<Uint8Array | string> = {};
    for (const { name } of await this.listBuckets()) {
      const objects: Record<string, Uint8Array | string> = {};
      for await (const entry of this.listObjects(name)) {
        if (entry.type !== 'object') continue;
        const bytes = await collectBytes((await this.getObject(name, entry.key)).body);
        objects[entry.key] = options.as === 'text' ? Buffer.from(bytes).toString('utf8') : bytes;
      }
      out[name] = objects;
    }
    return out;
  }

  /** Removes every bucket and object. */
  async reset(): Promise<void> {
    this.volume.reset();
    this.forgetLayout();
  }
}
