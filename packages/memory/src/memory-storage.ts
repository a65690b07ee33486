import {
  StorageError,
  abortError,
  assertBucketName,
  assertListOptions,
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
  type ContentHeaders,
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
  type ReadConditions,
  type Signal,
  type Storage,
} from '@stowage/core';
import { BucketIndex, noSuchBucket, noSuchKey } from './bucket-index.js';
import { MEMORY_CAPABILITIES } from './capabilities.js';
import { ingestBytes, ingestStream, type IngestOptions, type Ingested } from './ingest.js';
import { listPage, type ListPosition } from './listing.js';
import { MemoryGetResult, spanBytes } from './read.js';
import { Slabs } from './slab.js';
import { NO_HEADERS, NO_METADATA, TIME_BASE, blockAt, blockCount, objectInfo, verifyVersion, type StoredVersion } from './version.js';

/** Buckets and their objects as a plain object: `{ bucket: { key: body } }`. */
export type StoreContents<Body> = Record<string, Record<string, Body>>;

/** An object as {@link MemoryStorage.inspect} shows it: its attributes and the bytes held, unchecked. */
export interface StoredObjectView extends ObjectInfo {
  /** A copy of the stored bytes, as they are now (not checked against their digests). */
  body: Uint8Array;
}

/** S3's page size, used when a listing asks for none. */
const DEFAULT_PAGE_SIZE = 1000;

/** The options of a call made without any (shared, never written to). */
const NO_OPTIONS: Readonly<Record<string, undefined>> = Object.freeze({});

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * True for a key that is certainly valid without a closer look: a string of 1 to 341 UTF-16 units
 * with no surrogate is valid Unicode of at most 1,023 UTF-8 bytes. Anything else goes through
 * `assertKey`, which decides (and explains).
 */
function plainKey(key: string): boolean {
  return typeof key === 'string' && key.length > 0 && key.length <= 341 && !SURROGATE.test(key);
}

/** The content headers a write sets; the shared empty object when it sets none (most writes). */
function contentHeaders(options: ContentHeaders): Readonly<ContentHeaders> {
  if (
    options.contentType === undefined &&
    options.contentEncoding === undefined &&
    options.contentDisposition === undefined &&
    options.contentLanguage === undefined &&
    options.cacheControl === undefined
  ) {
    return NO_HEADERS;
  }
  return pickContentHeaders(options);
}

function hasReadConditions(options: ReadConditions): boolean {
  return (
    options.ifMatch !== undefined ||
    options.ifNoneMatch !== undefined ||
    options.ifModifiedSince !== undefined ||
    options.ifUnmodifiedSince !== undefined
  );
}

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
  /** Where small bodies are copied to (see slab.ts); the store's own, so they go with it. */
  private readonly slabs = new Slabs(64 * 1024, 4 * 1024);

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

  /**
   * The checks every call on one object makes, in S3's order: the bucket's name, the key, then
   * (after `between`, for a call's own checks) the signal, the bucket, the object. A bucket that
   * exists had its name checked when it was made, and a key found in it when it was written, so a
   * read of a stored object checks neither again.
   */
  private find(bucket: string, key: string, signal: AbortSignal | undefined, between?: () => void): StoredVersion {
    const index = this.buckets.get(bucket);
    const version = index?.get(key);
    if (version === undefined) {
      if (index === undefined) assertBucketName(bucket);
      assertKey(key, bucket);
    }
    between?.();
    if (signal?.aborted) throw abortError(signal, { bucket, key });
    if (index === undefined) throw noSuchBucket(bucket);
    if (version === undefined) throw noSuchKey(bucket, key);
    return version;
  }

  // ---- reading -------------------------------------------------------------------------------

  async headObject(bucket: string, key: string, options: HeadOptions = NO_OPTIONS): Promise<ObjectInfo> {
    const info = objectInfo(key, this.find(bucket, key, options.signal));
    if (hasReadConditions(options)) checkReadConditions(info, options, { bucket, key });
    return info;
  }

  async getObject(bucket: string, key: string, options: GetOptions = NO_OPTIONS): Promise<GetResult> {
    const range = options.range;
    const version = this.find(bucket, key, options.signal, range === undefined ? undefined : () => assertRange(range, { bucket, key }));
    let info: ObjectInfo | undefined;
    if (hasReadConditions(options)) {
      info = objectInfo(key, version);
      checkReadConditions(info, options, { bucket, key });
    }
    if (range === undefined) return new MemoryGetResult(version, bucket, key, 0, version.size, false, options.signal, info);
    const { offset, length } = resolveRange(range, version.size, { bucket, key });
    return new MemoryGetResult(version, bucket, key, offset, length, true, options.signal, info);
  }

  // ---- writing -------------------------------------------------------------------------------

  async putObject(bucket: string, key: string, body: BodyInput, options: PutOptions = NO_OPTIONS): Promise<PutResult> {
    const index = this.buckets.get(bucket);
    if (index === undefined) assertBucketName(bucket);
    if (!plainKey(key)) assertKey(key, bucket);
    if (options.ifNoneMatch !== undefined || options.size !== undefined) assertPutOptions(options, { bucket, key });
    const metadata = options.metadata === undefined ? NO_METADATA : normalizeMetadata(options.metadata, { bucket, key });
    const signal = options.signal;
    if (signal?.aborted) throw abortError(signal, { bucket, key });
    if (index === undefined) throw noSuchBucket(bucket);
    // Refused before the body is read when the answer is already known; checked again at the swap.
    index.checkConditions(key, options);
    const taking: IngestOptions = { bucket, key, size: options.size, signal, onProgress: options.onProgress };
    // A string or byte array is taken in without an await; a stream chunk by chunk.
    const data: Ingested =
      typeof body === 'string' || body instanceof Uint8Array ? ingestBytes(body, taking, this.slabs) : await ingestStream(body, taking);
    if (signal?.aborted) throw abortError(signal, { bucket, key });
    // JSON.stringify quotes the hex in one flat string; a template would keep three string objects
    // (two concatenations) per stored object.
    const etag = JSON.stringify(data.md5);
    const version: StoredVersion = {
      data: data.data,
      offset: data.offset,
      check: data.check,
      size: data.size,
      etag,
      modified: Date.now() - TIME_BASE,
      headers: contentHeaders(options),
      metadata,
    };
    // Looked up again: a streamed body gives other calls time to delete the bucket.
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
    const metadata = options.metadata === undefined ? NO_METADATA : normalizeMetadata(options.metadata, details);
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
      modified: Date.now() - TIME_BASE,
      ...(replace ? { headers: contentHeaders(options), metadata } : {}),
    };
    this.bucket(target.bucket).commit(target.key, version, {});
    return { etag: version.etag, size: version.size };
  }

  // ---- deleting ------------------------------------------------------------------------------

  async deleteObject(bucket: string, key: string, options: Signal = NO_OPTIONS): Promise<void> {
    const index = this.buckets.get(bucket);
    if (index === undefined) {
      assertBucketName(bucket);
      assertKey(key, bucket);
      throwIfAborted(options.signal, { bucket, key });
      throw noSuchBucket(bucket);
    }
    if (options.signal?.aborted) {
      assertKey(key, bucket);
      throw abortError(options.signal, { bucket, key });
    }
    // A key that was stored is valid; one that was not is checked only to refuse an invalid one.
    if (!index.delete(key)) assertKey(key, bucket);
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
    assertListOptions(bucket, options);
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
    for (const index of this.sortedBuckets()) {
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
    const version = this.version(bucket, key);
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
    this.buckets.clear();
  }

  private sortedBuckets(): BucketIndex[] {
    return [...this.buckets.values()].sort((a, b) => compareKeys(a.name, b.name));
  }
}
