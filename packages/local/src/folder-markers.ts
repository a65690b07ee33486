import { DEFAULT_CONTENT_TYPE, StorageError, checkPutConditions, invalidKey, type ObjectInfo, type PutOptions } from '@stowage/core';
import type { BucketFolders } from './bucket-folders.js';
import { errnoCode, type FsPromises, type FsStats } from './fs-api.js';
import { fsError, isMissing, keyConflict } from './fs-errors.js';
import type { Layout } from './layout.js';
import { encodeSidecar, readSidecar, type SidecarRecord } from './sidecar.js';

const PUT_ATTEMPTS = 5;
// Folders remembered as no marker (paths, so a few MiB at most); past this many the memory starts over.
const UNMARKED_FOLDERS = 65_536;

/** A folder marker and the folder that holds it. */
export interface StattedMarker {
  stat: FsStats;
  record: SidecarRecord;
}

/** The error for a folder marker written with bytes: the local disk keeps a marker as a folder, which has none. */
export function markerWithBody(bucket: string, key: string): StorageError {
  return invalidKey(
    key,
    'a key ending in "/" is a folder marker, which the local disk keeps as the folder itself, so its body must be empty (this one has bytes)',
    bucket,
  );
}

/** Reads `chunks` to their end, throwing {@link markerWithBody} at the first byte (nothing has been written by then). */
export async function expectEmptyBody(chunks: AsyncIterable<Uint8Array>, bucket: string, key: string): Promise<void> {
  for await (const chunk of chunks) if (chunk.byteLength > 0) throw markerWithBody(bucket, key);
}

/**
 * Folder markers: keys ending in `/` with an empty body (`photos/`), as the AWS console makes for a
 * folder. On the local disk the marker `photos/` is the folder `<bucket>/photos` itself, made an
 * object by a record named after the folder's inode and creation time, exactly as a file's record
 * is (layout.ts): a folder without a record (one made for `photos/cat.jpg`, or by hand) is no
 * object, as on S3, and a folder that is a marker stays when the objects under it are deleted.
 *
 * The record is the whole object, so putting a marker is one rename of a complete record into
 * place and deleting it is one unlink: a crash leaves the marker there or not, never half of it.
 */
export class FolderMarkers {
  /**
   * Folders this process has seen to be no marker, and has put no marker on since: a delete that
   * empties one removes it without looking for a record first (one call fewer). A marker another
   * process put on it meanwhile is still found, just after the `rmdir`, and the folder made again.
   */
  private readonly unmarked = new Set<string>();

  constructor(
    private readonly fs: FsPromises,
    private readonly folders: BucketFolders,
  ) {}

  /** The record that makes the folder statted as `stat` a marker, or `undefined` when it is none. */
  async recordOf(layout: Layout, bucket: string, stat: FsStats): Promise<SidecarRecord | undefined> {
    if (!stat.isDirectory()) return undefined;
    return readSidecar(this.fs, layout.sidecarPath(bucket, stat));
  }

  /** True when the folder `dir` is a marker (`false` for a file, a link or nothing). */
  async isMarker(layout: Layout, bucket: string, dir: string): Promise<boolean> {
    const stat = await this.fs.lstat(dir).catch(() => undefined);
    if (!stat?.isDirectory()) return false;
    return exists(this.fs, layout.sidecarPath(bucket, stat));
  }

  /** The marker `key` (its folder's `segments`, the last one empty); `NoSuchKey` when the folder is no marker. */
  async stat(layout: Layout, bucket: string, key: string, segments: string[]): Promise<StattedMarker> {
    // The folder itself must be the very folder its name says: no symbolic link on the way or at it.
    await this.folders.checkParent(layout, bucket, key, segments);
    const found = await this.statAt(layout, bucket, key, layout.objectPath(bucket, segments.slice(0, -1)));
    if (!found) throw await this.folders.notFound(layout, bucket, key);
    return found;
  }

  /** The marker at the folder `dir` if it is one; for listings, which found the folder themselves. */
  async statAt(layout: Layout, bucket: string, key: string, dir: string): Promise<StattedMarker | undefined> {
    let stat: FsStats;
    try {
      stat = await this.fs.lstat(dir);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw fsError(error, bucket, key);
    }
    const record = await this.recordOf(layout, bucket, stat);
    return record && { stat, record };
  }

  /** What a caller sees of a marker: no bytes, the time it was put, its record's ETag, headers and metadata. */
  info(key: string, marker: StattedMarker): ObjectInfo {
    const { record, stat } = marker;
    return {
      key,
      size: 0,
      etag: `"${record.digest}"`,
      lastModified: new Date(record.modified ?? stat.mtimeMs),
      ...record.headers,
      contentType: record.headers.contentType ?? DEFAULT_CONTENT_TYPE,
      metadata: { ...record.metadata },
    };
  }

  /**
   * Makes the folder of `segments` (and those above it) and puts the marker's record beside it:
   * written whole to a temporary file, then renamed into place. The caller holds the key's lock.
   * A folder that another process removed between the two (an emptied folder pruned by a delete)
   * is made again and the record written for the new one.
   */
  async put(
    layout: Layout,
    bucket: string,
    key: string,
    segments: string[],
    record: SidecarRecord,
    options: Pick<PutOptions, 'ifMatch' | 'ifNoneMatch'>,
  ): Promise<void> {
    const dir = layout.objectPath(bucket, segments.slice(0, -1));
    this.unmarked.delete(dir);
    for (let attempt = 1; ; attempt++) {
      await this.folders.ensureParent(layout, bucket, key, segments);
      await this.folders.checkTargetParent(layout, bucket, key, segments);
      let stat: FsStats;
      try {
        stat = await this.fs.lstat(dir);
      } catch (error) {
        if (!isMissing(error) || attempt >= PUT_ATTEMPTS) throw fsError(error, bucket, key);
        this.folders.forgetBucket(layout, bucket);
        continue;
      }
      if (!stat.isDirectory()) throw keyConflict(bucket, key, `an object exists at "${key.slice(0, -1)}"`);
      if (options.ifMatch !== undefined || options.ifNoneMatch !== undefined) {
        const current = await this.recordOf(layout, bucket, stat);
        checkPutConditions(current && { etag: current.digest }, options, { bucket, key });
      }
      const sidecar = layout.sidecarPath(bucket, stat);
      const temp = layout.tempPath(bucket);
      try {
        await this.fs.writeFile(temp, encodeSidecar(record));
        await this.fs.rename(temp, sidecar);
      } catch (error) {
        await this.fs.unlink(temp).catch(() => undefined);
        throw fsError(error, bucket, key);
      }
      const after = await this.fs.lstat(dir).catch(() => undefined);
      if (after && layout.sidecarPath(bucket, after) === sidecar) return;
      // The folder went (and maybe came back as another) before the record landed: that record names nothing.
      await this.fs.unlink(sidecar).catch(() => undefined);
      this.folders.forgetBucket(layout, bucket);
      if (attempt >= PUT_ATTEMPTS)
        throw new StorageError('Unavailable', `the folder of ${key} kept vanishing while it was written`, { bucket, key });
    }
  }

  /** Removes the marker `key`'s record (the folder stays for the caller to prune). False when there was none. */
  async delete(layout: Layout, bucket: string, key: string, segments: string[]): Promise<boolean> {
    const found = await this.statAt(layout, bucket, key, layout.objectPath(bucket, segments.slice(0, -1)));
    if (!found) return false;
    try {
      await this.fs.unlink(layout.sidecarPath(bucket, found.stat));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw fsError(error, bucket, key);
    }
  }

  /**
   * Removes the folder `dir` if it is empty and no marker; true when it was removed. The caller holds
   * the lock of the folder's marker key, so no put of that marker in this process runs meanwhile. A
   * marker put by another process between the check (or the last one, for a folder remembered as
   * unmarked) and the `rmdir` names the removed folder: the folder is made again and the record
   * moved to it, so the marker stays.
   */
  async removeIfUnmarked(layout: Layout, bucket: string, dir: string): Promise<boolean> {
    const stat = await this.fs.lstat(dir).catch(() => undefined);
    if (!stat?.isDirectory()) return false;
    const sidecar = layout.sidecarPath(bucket, stat);
    if (!this.unmarked.has(dir)) {
      if (await exists(this.fs, sidecar)) return false;
      if (this.unmarked.size >= UNMARKED_FOLDERS) this.unmarked.clear();
      this.unmarked.add(dir);
    }
    try {
      await this.fs.rmdir(dir);
    } catch {
      return false; // not empty (or already gone)
    }
    this.unmarked.delete(dir);
    this.folders.forgetFolder(dir);
    if (await exists(this.fs, sidecar)) {
      try {
        await this.fs.mkdir(dir);
      } catch (error) {
        if (errnoCode(error) !== 'EEXIST') return false;
      }
      const again = await this.fs.lstat(dir).catch(() => undefined);
      if (again?.isDirectory()) await this.fs.rename(sidecar, layout.sidecarPath(bucket, again)).catch(() => undefined);
      return false;
    }
    return true;
  }
}

/** True unless `file` is missing: a record that cannot be looked at is taken to be there (a folder is never removed on a guess). */
async function exists(fs: FsPromises, file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch (error) {
    return !isMissing(error);
  }
}
