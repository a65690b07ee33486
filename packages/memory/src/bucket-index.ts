import { StorageError, checkPutConditions, type PutOptions } from '@stowage/core';
import { SortedKeys, type KeyCursor } from './sorted-keys.js';
import type { StoredVersion } from './version.js';

/** The conditions a write may carry. */
export type WriteConditions = Pick<PutOptions, 'ifMatch' | 'ifNoneMatch'>;

/**
 * One bucket's objects: a hash map for lookups by key (constant time however many keys there are)
 * and the keys in S3's order (UTF-8 bytes) with their versions, for listings, which seek to their
 * start instead of sorting. Both always hold the same keys and versions.
 */
export class BucketIndex {
  readonly createdAt = new Date();
  private readonly byKey = new Map<string, StoredVersion>();
  private readonly ordered = new SortedKeys<StoredVersion>();

  constructor(readonly name: string) {}

  get size(): number {
    return this.byKey.size;
  }

  get(key: string): StoredVersion | undefined {
    return this.byKey.get(key);
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /**
   * Makes `version` the object under `key` if the write's conditions hold against the current one,
   * in one synchronous step, so no other write can come between the check and the swap.
   */
  commit(key: string, version: StoredVersion, conditions: WriteConditions): void {
    if (conditions.ifMatch !== undefined || conditions.ifNoneMatch !== undefined) this.checkConditions(key, conditions);
    this.byKey.set(key, version);
    this.ordered.set(key, version);
  }

  /** Throws `PreconditionFailed` unless a write with `conditions` may replace what `key` holds now. */
  checkConditions(key: string, conditions: WriteConditions): void {
    if (conditions.ifMatch !== undefined || conditions.ifNoneMatch !== undefined) {
      checkPutConditions(this.byKey.get(key), conditions, { bucket: this.name, key });
    }
  }

  /** Removes `key`; true when it was there. */
  delete(key: string): boolean {
    if (!this.byKey.delete(key)) return false;
    this.ordered.remove(key);
    return true;
  }

  /** The keys in order with their versions, from the first at or after `key`; valid until the next change. */
  keysFrom(key?: string): KeyCursor<StoredVersion> {
    return this.ordered.from(key);
  }

  /** Every object in listing order. */
  entries(): IterableIterator<[string, StoredVersion]> {
    return this.ordered.entries();
  }

  clear(): void {
    this.byKey.clear();
    this.ordered.clear();
  }
}

/** The error for a bucket that does not exist (any more). */
export function noSuchBucket(bucket: string): StorageError {
  return new StorageError('NoSuchBucket', `bucket ${bucket} does not exist`, { bucket });
}

/** The error for a key with no object. */
export function noSuchKey(bucket: string, key: string): StorageError {
  return new StorageError('NoSuchKey', `no object ${key} in bucket ${bucket}`, { bucket, key });
}
