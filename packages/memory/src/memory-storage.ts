import {
  StorageError,
  assertBucketName,
  assertKey,
  assertPutOptions,
  assertRange,
  checkReadConditions,
  compareKeys,
  etagMatches,
  isStorageError,
  keyProblem,
  normalizeMetadata,
  pickContentHeaders,
  replacesAttributes,
  resolveRange,
  throwIfAborted,
  type BodyInput,
  type BucketInfo,
  type Capabilities,
  type CopyOptions,
  type DeleteObjectsResult,
  type GetOptions,
  type GetResult,
  type HeadOptions,
  type ListEntry,
  type ListOptions,
  type ObjectInfo,
  type ObjectRef,
  type PutOptions,
  type PutResult,
  type Signal,
  type Storage,
} from '@stowage/core';
import { BucketIndex, noSuchBucket, noSuchKey } from './bucket-index.js';
import { MEMORY_CAPABILITIES } from './capabilities.js';
import { ingest } from './ingest.js';
import { listPage, type ListPosition } from './listing.js';
import { MemoryGetResult, spanBytes } from './read.js';
import { objectInfo, verifyVersion, type StoredVersion } from './version.js';

/** Buckets and their objects as a plain object: `{ bucket: { key: body } }`. */
export type StoreContents<Body> = Record<string, Record<string, Body>>;

/** An object as {@link MemoryStorage.inspect} shows it: its attributes and the bytes held, unchecked. */
export interface StoredObjectView extends ObjectInfo {
  /** A copy of the stored bytes, as they are now (not checked against their digests). */
  body: Uint8Array;
}

/** S3's page size, used when a listing asks for none. */
const DEFAULT_PAGE_SIZE = 1000;

/**
 * A {@link Storage} held in memory that behaves like S3: every key S3 accepts (`a` beside `a/b`,
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
export class MemoryStorage implements Storage {
  readonly name = 'memory';
  readonly capabilities: Capabilities = MEMORY_CAPABILITIES;
  private readonly buckets = new Map<string, BucketIndex>();

  /** A new store holding `contents`. */
  static async from(contents: StoreContents<string | Uint8Array>): Promise<MemoryStorage> {
    const storage = new MemoryStorage();
    await storage.seed(contents);
    return storage;
  }

  // ---- buckets -------------------------------------------------------------------------------

  async listBuckets(options: Signal = {}): Promise<BucketInfo[]> {
    throwIfAborted(options.signal);
    return [...this.buckets.values()]
      .map((index) => ({ name: index.name, createdAt: new Date(index.createdAt) }))
      .sort((a, b) => compareKeys(a.name, b.name));
  }

  async createBucket(bucket: string, options: Signal = {}): Promise<void> {
    assertBucketName(bucket);
    throwIfAborted(options.signal, { bucket });
    if (this.buckets.has(bucket)) throw new StorageError('BucketAlreadyExists', `bucket ${bucket} already exists`, { bucket });
    this.buckets.set(bucket, new BucketIndex(bucket));
  }

  async deleteBucket(bucket: string, options: Signal = {}): Promise<void> {
    assertBucketName(bucket);
    throwIfAborted(options.signal, { bucket });
    const index = this.bucket(bucket);
    if (index.size > 0) throw new StorageError('BucketNotEmpty', `bucket ${bucket} is not empty`, { bucket });
    this.buckets.delete(bucket);
  }

  async bucketExists(bucket: string, options: Signal = {}): Promise<boolean> {
    assertBucketName(bucket);
    throwIfAborted(options.signal, { bucket });
    return this.buckets.has(bucket);
  }

  private bucket(bucket: string): BucketIndex {
    const index = this.buckets.get(bucket);
    if (!index) throw noSuchBucket(bucket);
    return index;
  }

  private version(bucket: string, key: string): StoredVersion {
    const version = this.bucket(bucket).get(key);
    if (!version) throw noSuchKey(bucket, key);
    return version;
  }

  // ---- reading -------------------------------------------------------------------------------

  async headObject(bucket: string, key: string, options: HeadOptions = {}): Promise<ObjectInfo> {
    assertBucketName(bucket);
    assertKey(key, bucket);
    throwIfAborted(options.signal, { bucket, key });
    const info = objectInfo(key, this.version(bucket, key));
    checkReadConditions(info, options, { bucket, key });
    return info;
  }

  async getObject(bucket: string, key: string, options: GetOptions = {}): Promise<GetResult> {
    assertBucketName(bucket);
    assertKey(key, bucket);
    const details = { bucket, key };
    assertRange(options.range, details);
    throwIfAborted(options.signal, details);
    const version = this.version(bucket, key);
    const info = objectInfo(key, version);
    checkReadConditions(info, options, details);
    const { offset, length } = options.range ? resolveRange(options.range, version.size, details) : { offset: 0, length: version.size };
    return new MemoryGetResult(info, { version, offset, length, bucket, key }, options.range !== undefined, options.signal);
  }

  // ---- writing -------------------------------------------------------------------------------

  async putObject(bucket: string, key: string, body: BodyInput, options: PutOptions = {}): Promise<PutResult> {
    assertBucketName(bucket);
    assertKey(key, bucket);
    const details = { bucket, key };
    assertPutOptions(options, details);
    const metadata = normalizeMetadata(options.metadata, details);
    throwIfAborted(options.signal, details);
    // Refused before the body is read when the answer is already known; checked again at the swap.
    this.bucket(bucket).checkConditions(key, options);
    const data = await ingest(body, {
      details,
      ...(options.size !== undefined ? { size: options.size } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    throwIfAborted(options.signal, details);
    const etag = `"${data.md5}"`;
    const version: StoredVersion = {
      blocks: data.blocks,
      checks: data.checks,
      size: data.size,
      etag,
      lastModified: Date.now(),
      headers: pickContentHeaders(options),
      metadata,
    };
    this.bucket(bucket).commit(key, version, options);
    return { etag, size: data.size };
  }

  async copyObject(source: ObjectRef, target: ObjectRef, options: CopyOptions = {}): Promise<PutResult> {
    assertBucketName(source.bucket);
    assertBucketName(target.bucket);
    assertKey(source.key, source.bucket);
    assertKey(target.key, target.bucket);
    const details = { bucket: target.bucket, key: target.key };
    const replace = replacesAttributes(options);
    const metadata = normalizeMetadata(options.metadata, details);
    throwIfAborted(options.signal, details);
    this.bucket(target.bucket);
    const from = this.version(source.bucket, source.key);
    if (options.sourceIfMatch !== undefined && !etagMatches(options.sourceIfMatch, from.etag)) {
      throw new StorageError('PreconditionFailed', `the source's ETag ${from.etag} does not match ${options.sourceIfMatch}`, {
        bucket: source.bucket,
        key: source.key,
      });
    }
    // The copy shares the source's blocks (they never change), so they are checked first: a copy
    // never spreads bytes changed at rest.
    verifyVersion(from, source.bucket, source.key);
    const version: StoredVersion = {
      ...from,
      lastModified: Date.now(),
      ...(replace ? { headers: pickContentHeaders(options), metadata } : {}),
    };
    this.bucket(target.bucket).commit(target.key, version, {});
    return { etag: version.etag, size: version.size };
  }

  // ---- deleting ------------------------------------------------------------------------------

  async deleteObject(bucket: string, key: string, options: Signal = {}): Promise<void> {
    assertBucketName(bucket);
    assertKey(key, bucket);
    throwIfAborted(options.signal, { bucket, key });
    this.bucket(bucket).delete(key);
  }

  async deleteObjects(bucket: string, keys: string[], options: Signal = {}): Promise<DeleteObjectsResult> {
    assertBucketName(bucket);
    if (!Array.isArray(keys)) throw new StorageError('InvalidArgument', 'keys must be an array of strings', { bucket });
    throwIfAborted(options.signal, { bucket });
    const index = this.bucket(bucket);
    const result: DeleteObjectsResult = { deleted: [], errors: [] };
    for (const key of new Set(keys)) {
      const problem = keyProblem(key);
      if (problem) {
        result.errors.push({ key, code: 'InvalidKey', message: `invalid key ${JSON.stringify(key)}: ${problem}` });
        continue;
      }
      index.delete(key);
      result.deleted.push(key);
    }
    return result;
  }

  // ---- listing -------------------------------------------------------------------------------

  async *listObjects(bucket: string, options: ListOptions = {}): AsyncGenerator<ListEntry> {
    assertBucketName(bucket);
    const { prefix = '', delimiter, startAfter, pageSize, signal } = options;
    for (const [name, value] of [['prefix', prefix], ['delimiter', delimiter], ['startAfter', startAfter]] as const) {
      if (value !== undefined && typeof value !== 'string') throw new StorageError('InvalidArgument', `${name} must be a string`, { bucket });
    }
    if (pageSize !== undefined && (!Number.isSafeInteger(pageSize) || pageSize < 1)) {
      throw new StorageError('InvalidArgument', 'pageSize must be a whole number ≥ 1', { bucket });
    }
    throwIfAborted(signal, { bucket });
    const index = this.bucket(bucket);
    // An empty delimiter is no delimiter, as S3 treats it.
    let position: ListPosition | undefined = { prefix, delimiter: delimiter || undefined, after: startAfter };
    while (position) {
      // Each page is read from the bucket as it is now; a bucket deleted meanwhile ends the listing.
      if (this.buckets.get(bucket) !== index) throw noSuchBucket(bucket);
      const page: { entries: ListEntry[]; next: ListPosition | undefined } = listPage(index, position, pageSize ?? DEFAULT_PAGE_SIZE);
      yield* page.entries;
      position = page.next;
      throwIfAborted(signal, { bucket });
    }
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
    for (const index of this.sortedBuckets()) {
      const objects: Record<string, Uint8Array | string> = {};
      for (const [key, version] of index.ordered.entries()) {
        const bytes = spanBytes({ version, offset: 0, length: version.size, bucket: index.name, key });
        objects[key] = options.as === 'text' ? decoder.decode(bytes) : bytes;
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
    for (const index of this.sortedBuckets()) {
      const objects: Record<string, StoredObjectView> = {};
      for (const [key, version] of index.ordered.entries()) {
        const body = new Uint8Array(version.size);
        let at = 0;
        for (const block of version.blocks) {
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
    const version = this.version(bucket, key);
    if (!Number.isSafeInteger(offset) || offset < 0 || offset >= version.size) {
      throw new StorageError('InvalidArgument', `offset ${offset} is outside the object's ${version.size} bytes`, { bucket, key });
    }
    let at = offset;
    for (const block of version.blocks) {
      if (at < block.byteLength) {
        block[at] = (block[at] as number) ^ 0xff;
        return;
      }
      at -= block.byteLength;
    }
  }

  /** Removes every bucket and object. */
  async reset(): Promise<void> {
    this.buckets.clear();
  }

  private sortedBuckets(): BucketIndex[] {
    return [...this.buckets.values()].sort((a, b) => compareKeys(a.name, b.name));
  }
}
