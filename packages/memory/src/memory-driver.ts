import {
  StorageError,
  checkReadConditions,
  compareKeys,
  etagMatches,
  pickContentHeaders,
  replacesAttributes,
  resolveRange,
  throwIfAborted,
  type BucketInfo,
  type Capabilities,
  type ContentHeaders,
  type CopyOptions,
  type CountedBody,
  type DeleteObjectsResult,
  type GetOptions,
  type HeadOptions,
  type ListEntry,
  type ListOptions,
  type ObjectInfo,
  type ObjectRead,
  type ObjectRef,
  type PutOptions,
  type PutResult,
  type ReadConditions,
  type StorageDriver,
} from '@stowage/core';
import { BucketIndex, noSuchBucket, noSuchKey } from './bucket-index.js';
import { MEMORY_CAPABILITIES } from './capabilities.js';
import { ingestStream, ingestWhole, type Ingested } from './ingest.js';
import { listPage, type ListPosition } from './listing.js';
import { MemoryRead } from './read.js';
import { Slabs } from './slab.js';
import { NO_HEADERS, NO_METADATA, TIME_BASE, objectInfo, verifyVersion, type StoredVersion } from './version.js';

/** S3's page size, used when a listing asks for none. */
const DEFAULT_PAGE_SIZE = 1000;

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
 * The engine behind {@link MemoryStorage}: S3's semantics on buckets held in memory. It gets its
 * input checked by the front door, so what is left here is what S3 decides against the stored
 * state: missing buckets and keys, conditions, ranges, listing order.
 */
export class MemoryDriver implements StorageDriver {
  readonly name = 'memory';
  readonly capabilities: Capabilities = MEMORY_CAPABILITIES;
  readonly buckets = new Map<string, BucketIndex>();
  /** Where small bodies are copied to (see slab.ts); the store's own, so they go with it. */
  private readonly slabs = new Slabs(64 * 1024, 4 * 1024);

  // ---- buckets -------------------------------------------------------------------------------

  async listBuckets(): Promise<BucketInfo[]> {
    return this.sortedBuckets().map((index) => ({ name: index.name, createdAt: new Date(index.createdAt) }));
  }

  async createBucket(bucket: string): Promise<void> {
    if (this.buckets.has(bucket)) throw new StorageError('BucketAlreadyExists', `bucket ${bucket} already exists`, { bucket });
    this.buckets.set(bucket, new BucketIndex(bucket));
  }

  async deleteBucket(bucket: string): Promise<void> {
    const index = this.bucket(bucket);
    if (index.size > 0) throw new StorageError('BucketNotEmpty', `bucket ${bucket} is not empty`, { bucket });
    this.buckets.delete(bucket);
  }

  async bucketExists(bucket: string): Promise<boolean> {
    return this.buckets.has(bucket);
  }

  /** The bucket's index; `NoSuchBucket` when there is none. */
  bucket(bucket: string): BucketIndex {
    const index = this.buckets.get(bucket);
    if (!index) throw noSuchBucket(bucket);
    return index;
  }

  /** The object's current version; `NoSuchBucket` or `NoSuchKey` when there is none. */
  version(bucket: string, key: string): StoredVersion {
    const version = this.bucket(bucket).get(key);
    if (!version) throw noSuchKey(bucket, key);
    return version;
  }

  /** Every bucket, in name order. */
  sortedBuckets(): BucketIndex[] {
    return [...this.buckets.values()].sort((a, b) => compareKeys(a.name, b.name));
  }

  // ---- reading -------------------------------------------------------------------------------

  async headObject(bucket: string, key: string, options: HeadOptions): Promise<ObjectInfo> {
    const info = objectInfo(key, this.version(bucket, key));
    if (hasReadConditions(options)) checkReadConditions(info, options, { bucket, key });
    return info;
  }

  async getObject(bucket: string, key: string, options: GetOptions): Promise<ObjectRead> {
    const version = this.version(bucket, key);
    let info: ObjectInfo | undefined;
    if (hasReadConditions(options)) {
      info = objectInfo(key, version);
      checkReadConditions(info, options, { bucket, key });
    }
    const { range } = options;
    if (range === undefined) return new MemoryRead(version, bucket, key, 0, version.size, false, options.signal, info);
    const { offset, length } = resolveRange(range, version.size, { bucket, key });
    return new MemoryRead(version, bucket, key, offset, length, true, options.signal, info);
  }

  // ---- writing -------------------------------------------------------------------------------

  async putObject(bucket: string, key: string, body: CountedBody, options: PutOptions): Promise<PutResult> {
    // Refused before the body is read when the answer is already known; checked again at the swap.
    this.bucket(bucket).checkConditions(key, options);
    // A string or byte array is taken in without an await; a stream chunk by chunk.
    const { whole } = body;
    const data: Ingested = whole !== undefined ? ingestWhole(body, whole, this.slabs) : await ingestStream(body);
    const { signal } = options;
    throwIfAborted(signal, { bucket, key });
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
      metadata: options.metadata ?? NO_METADATA,
    };
    // Looked up again: a streamed body gives other calls time to delete the bucket.
    this.bucket(bucket).commit(key, version, options);
    return { etag, size: data.size };
  }

  async copyObject(source: ObjectRef, target: ObjectRef, options: CopyOptions): Promise<PutResult> {
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
      ...(replacesAttributes(options) ? { headers: contentHeaders(options), metadata: options.metadata ?? NO_METADATA } : {}),
    };
    this.bucket(target.bucket).commit(target.key, version, {});
    return { etag: version.etag, size: version.size };
  }

  // ---- deleting ------------------------------------------------------------------------------

  async deleteObject(bucket: string, key: string): Promise<void> {
    this.bucket(bucket).delete(key);
  }

  async deleteObjects(bucket: string, keys: string[]): Promise<DeleteObjectsResult> {
    const index = this.bucket(bucket);
    for (const key of keys) index.delete(key);
    return { deleted: keys, errors: [] };
  }

  // ---- listing -------------------------------------------------------------------------------

  async *listObjects(bucket: string, options: ListOptions & { prefix: string }): AsyncGenerator<ListEntry> {
    const { prefix, delimiter, startAfter, pageSize, signal } = options;
    const index = this.bucket(bucket);
    let position: ListPosition | undefined = { prefix, delimiter, after: startAfter };
    while (position) {
      // Each page is read from the bucket as it is now; a bucket deleted meanwhile ends the listing.
      if (this.buckets.get(bucket) !== index) throw noSuchBucket(bucket);
      const page: { entries: ListEntry[]; next: ListPosition | undefined } = listPage(index, position, pageSize ?? DEFAULT_PAGE_SIZE);
      yield* page.entries;
      position = page.next;
      throwIfAborted(signal, { bucket });
    }
  }
}
