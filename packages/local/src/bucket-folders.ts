import path from 'node:path';
import { StorageError } from '@stowage/core';
import { errnoCode, type FsPromises } from './fs-api.js';
import { fsError, isMissing, keyConflict } from './fs-errors.js';
import { KnownFolders } from './known-folders.js';
import type { Layout } from './layout.js';

/**
 * The folders of buckets and of the keys in them: whether a bucket exists, the folders above an
 * object (checked for symbolic links, created one at a time, pruned when a delete empties them),
 * and what a lookup that found nothing means (`NoSuchBucket` or `NoSuchKey`). Folders seen to be
 * real are remembered ({@link KnownFolders}), so writes into them skip their checks.
 */
export class BucketFolders {
  private readonly known = new KnownFolders();

  constructor(private readonly fs: FsPromises) {}

  /** Forgets the folders seen in `bucket` (after one vanished behind the driver's back). */
  forgetBucket(layout: Layout, bucket: string): void {
    this.known.forget(layout.bucketDir(bucket));
  }

  /** Forgets one folder (just removed, so empty). */
  forgetFolder(dir: string): void {
    this.known.delete(dir);
  }

  /** Forgets every folder seen. */
  clear(): void {
    this.known.clear();
  }

  async isBucket(layout: Layout, bucket: string): Promise<boolean> {
    try {
      const stat = await this.fs.lstat(layout.bucketDir(bucket));
      return stat.isDirectory() && !stat.isSymbolicLink();
    } catch (error) {
      if (isMissing(error)) return false;
      throw fsError(error, bucket);
    }
  }

  /** {@link requireBucket}, answered from the known folders when the bucket's folder was seen. */
  async requireKnownBucket(layout: Layout, bucket: string): Promise<void> {
    const dir = layout.bucketDir(bucket);
    if (this.known.has(dir)) return;
    await this.requireBucket(layout, bucket);
    this.known.add(dir);
  }

  async requireBucket(layout: Layout, bucket: string): Promise<void> {
    if (!(await this.isBucket(layout, bucket))) {
      throw new StorageError('NoSuchBucket', `bucket ${bucket} does not exist`, { bucket });
    }
  }

  /** `NoSuchBucket` if the bucket is gone, else `NoSuchKey`: what a lookup that found nothing means. */
  async notFound(layout: Layout, bucket: string, key: string, cause?: unknown): Promise<StorageError> {
    await this.requireBucket(layout, bucket);
    return new StorageError('NoSuchKey', `no object ${key} in bucket ${bucket}`, { bucket, key, cause });
  }

  /**
   * Checks that the folder holding `segments` is the very folder its name says, with no symbolic
   * link on the way that could lead outside the root. Throws `NoSuchKey` (or `NoSuchBucket`) when
   * it does not exist.
   */
  async checkParent(layout: Layout, bucket: string, key: string, segments: string[]): Promise<void> {
    const parent = layout.objectPath(bucket, segments.slice(0, -1));
    let real: string;
    try {
      real = await this.fs.realpath(parent);
    } catch (error) {
      if (isMissing(error)) throw await this.notFound(layout, bucket, key, error);
      throw fsError(error, bucket, key);
    }
    if (real !== parent) {
      await this.requireBucket(layout, bucket);
      throw crossesLink(bucket, key);
    }
  }

  /**
   * For a write: the folder the rename lands in must not be, or lie behind, a symbolic link — also
   * one swapped in for a folder after the driver saw it (known folders skip their own checks). A
   * folder gone meanwhile is left to the rename, which fails and retries.
   */
  async checkTargetParent(layout: Layout, bucket: string, key: string, segments: string[]): Promise<void> {
    const parent = layout.objectPath(bucket, segments.slice(0, -1));
    const real = await this.fs.realpath(parent).catch((error: unknown) => {
      if (isMissing(error)) return parent;
      throw fsError(error, bucket, key);
    });
    if (real !== parent) throw crossesLink(bucket, key);
  }

  /** Creates the folders above an object, one at a time, refusing to pass through a symbolic link or a file. */
  async ensureParent(layout: Layout, bucket: string, key: string, segments: string[]): Promise<void> {
    let dir = layout.bucketDir(bucket);
    for (const segment of segments.slice(0, -1)) {
      dir = path.join(dir, segment);
      if (this.known.has(dir)) continue;
      try {
        await this.fs.mkdir(dir);
        this.known.add(dir);
        continue;
      } catch (error) {
        const code = errnoCode(error);
        if (code === 'ENOENT') {
          this.known.forget(layout.bucketDir(bucket));
          throw await this.notFound(layout, bucket, key, error);
        }
        if (code === 'ENOTDIR') throw keyConflict(bucket, key, 'an object exists at one of its parent folders');
        if (code !== 'EEXIST') throw fsError(error, bucket, key);
      }
      const stat = await this.fs.lstat(dir).catch((error: unknown) => {
        throw fsError(error, bucket, key);
      });
      if (stat.isSymbolicLink()) throw crossesLink(bucket, key);
      if (!stat.isDirectory())
        throw keyConflict(bucket, key, `an object exists at ${JSON.stringify(path.relative(layout.bucketDir(bucket), dir))}`);
      this.known.add(dir);
    }
  }
}

/** The error for a key whose path runs through a symbolic link inside the root. */
export function crossesLink(bucket: string, key: string): StorageError {
  return new StorageError('InvalidKey', `invalid key ${JSON.stringify(key)}: its path crosses a symbolic link inside the store`, {
    bucket,
    key,
  });
}
