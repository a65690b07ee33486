import sortedBtree from 'sorted-btree';
import { StorageError, checkPutConditions, compareKeys, type PutOptions } from '@stowage/core';
import type { StoredVersion } from './version.js';

// sorted-btree is CommonJS with `exports.default`: Node's ESM loader hands over the whole
// `module.exports`, while bundlers and CommonJS builds hand over the class itself.
const BTree: typeof sortedBtree.default =
  (sortedBtree as unknown as { default?: typeof sortedBtree.default }).default ?? (sortedBtree as unknown as typeof sortedBtree.default);

/** The conditions a write may carry. */
export type WriteConditions = Pick<PutOptions, 'ifMatch' | 'ifNoneMatch'>;

/**
 * One bucket's objects: a hash map for lookups by key (constant time however many keys there are)
 * and a B+ tree in S3's key order (UTF-8 bytes) for listings, which seek to their start instead of
 * sorting. Both always hold the same versions.
 */
export class BucketIndex {
  readonly createdAt = new Date();
  private readonly byKey = new Map<string, StoredVersion>();
  readonly ordered = new BTree<string, StoredVersion>(undefined, compareKeys);

  constructor(readonly name: string) {}

  get size(): number {
    return this.byKey.size;
  }

  get(key: string): StoredVersion | undefined {
    return this.byKey.get(key);
  }

  /**
   * Makes `version` the object under `key` if the write's conditions hold against the current one,
   * in one synchronous step, so no other write can come between the check and the swap.
   */
  commit(key: string, version: StoredVersion, conditions: WriteConditions): void {
    this.checkConditions(key, conditions);
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
    this.ordered.delete(key);
    return true;
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
