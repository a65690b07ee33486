import { FrontDoor, StorageError, isStorageError, type ObjectInfo } from '@stowage/core';
import { MemoryDriver } from './memory-driver.js';
import { spanBytes } from './read.js';
import { blockAt, blockCount, objectInfo } from './version.js';

/** Buckets and their objects as a plain object: `{ bucket: { key: body } }`. */
export type StoreContents<Body> = Record<string, Record<string, Body>>;

/** An object as {@link MemoryStorage.inspect} shows it: its attributes and the bytes held, unchecked. */
export interface StoredObjectView extends ObjectInfo {
  /** A copy of the stored bytes, as they are now (not checked against their digests). */
  body: Uint8Array;
}

/**
 * A `Storage` held in memory that behaves like S3: every key S3 accepts (`a` beside `a/b`,
 * `folder/` markers, `a//b`, `.` and `..` as plain characters, 1,024 UTF-8 bytes), ETags that are
 * the quoted MD5 of the bytes (as S3 gives for a single PUT; copies keep their source's), listings
 * in UTF-8 byte order from a sorted index, S3's conditions, ranges and errors. It is the project's
 * reference model of S3: the differential test compares every other driver with it.
 *
 * For test authors it adds {@link MemoryStorage.seed}, {@link MemoryStorage.snapshot},
 * {@link MemoryStorage.reset}, {@link MemoryStorage.inspect} (what is stored, without the API) and
 * {@link MemoryStorage.corruptObject} (bit rot on demand: the next read of the changed bytes
 * rejects `ChecksumMismatch`).
 *
 * Writes take their own copy of the body, block by block as it streams in, and swap the new version
 * in whole when it is complete; a read keeps the version it started on. Nothing is shared between
 * instances.
 *
 * @example
 * const storage = await MemoryStorage.from({ photos: { 'cats/cat.txt': 'meow' } });
 * expect(await storage.snapshot({ as: 'text' })).toEqual({ photos: { 'cats/cat.txt': 'meow' } });
 */
export class MemoryStorage extends FrontDoor<MemoryDriver> {
  constructor() {
    super(new MemoryDriver());
  }

  /** A new store holding `contents`. */
  static async from(contents: StoreContents<string | Uint8Array>): Promise<MemoryStorage> {
    const storage = new MemoryStorage();
    await storage.seed(contents);
    return storage;
  }

  // ---- for tests -----------------------------------------------------------------------------

  /** Creates the buckets (when missing) and writes the objects given. */
  async seed(contents: StoreContents<string | Uint8Array>): Promise<void> {
    for (const [bucket, objects] of Object.entries(contents)) {
      await this.createBucket(bucket).catch((error: unknown) => {
        if (!isStorageError(error, 'BucketAlreadyExists')) throw error;
      });
      for (const [key, body] of Object.entries(objects)) await this.putObject(bucket, key, body);
    }
  }

  /**
   * Every bucket and object, as bytes (default) or as UTF-8 text; empty buckets are included. Each
   * object is checked against its digests, as a read is (`ChecksumMismatch`).
   */
  async snapshot(options?: { as?: 'bytes' }): Promise<StoreContents<Uint8Array>>;
  async snapshot(options: { as: 'text' }): Promise<StoreContents<string>>;
  async snapshot(options: { as?: 'bytes' | 'text' } = {}): Promise<StoreContents<Uint8Array | string>> {
    const out: StoreContents<Uint8Array | string> = {};
    const decoder = new TextDecoder();
    for (const index of this.driver.sortedBuckets()) {
      const objects: Record<string, Uint8Array | string> = {};
      for (const [key, version] of index.entries()) {
        const bytes = spanBytes({ version, offset: 0, length: version.size, bucket: index.name, key });
        objects[key] = options.as === 'text' ? decoder.decode(bytes) : new Uint8Array(bytes);
      }
      out[index.name] = objects;
    }
    return out;
  }

  /**
   * What is stored, without going through the `Storage` API and without checking anything: every
   * bucket, and in it every object (in listing order) with all its attributes and a copy of its bytes.
   * For assertions on headers, metadata and ETags in one `expect`.
   */
  inspect(): Record<string, Record<string, StoredObjectView>> {
    const out: Record<string, Record<string, StoredObjectView>> = {};
    for (const index of this.driver.sortedBuckets()) {
      const objects: Record<string, StoredObjectView> = {};
      for (const [key, version] of index.entries()) {
        const body = new Uint8Array(version.size);
        for (let i = 0, at = 0, count = blockCount(version); i < count; i++) {
          const block = blockAt(version, i);
          body.set(block, at);
          at += block.byteLength;
        }
        objects[key] = { ...objectInfo(key, version), body };
      }
      out[index.name] = objects;
    }
    return out;
  }

  /**
   * Changes one stored byte in place (bit rot, for tests of integrity handling): flips every bit of
   * the byte at `offset` (default 0). The next read that covers it rejects `ChecksumMismatch`; a
   * copy made earlier shares the block and sees the change too, as it would share the memory.
   */
  corruptObject(bucket: string, key: string, offset = 0): void {
    const version = this.driver.version(bucket, key);
    if (!Number.isSafeInteger(offset) || offset < 0 || offset >= version.size) {
      throw new StorageError('InvalidArgument', `offset ${offset} is outside the object's ${version.size} bytes`, { bucket, key });
    }
    let at = offset;
    for (let i = 0, count = blockCount(version); i < count; i++) {
      const block = blockAt(version, i);
      if (at < block.byteLength) {
        block[at] = (block[at] as number) ^ 0xff;
        return;
      }
      at -= block.byteLength;
    }
  }

  /** Removes every bucket and object. */
  async reset(): Promise<void> {
    this.driver.buckets.clear();
  }
}
