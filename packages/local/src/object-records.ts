import { DEFAULT_CONTENT_TYPE, type ListEntry, StorageError, type ObjectInfo } from '@stowage/core';
import type { BucketFolders } from './bucket-folders.js';
import { createDigest } from './digest.js';
import { errnoCode, type FsFileHandle, type FsPromises, type FsStats } from './fs-api.js';
import { fsError, isMissing } from './fs-errors.js';
import { type JournalEntry, Journals } from './journal.js';
import { type Layout, versionStamp } from './layout.js';
import { readSidecar, type SidecarRecord } from './sidecar.js';

/** An open object: the handle pins the version whose record was read. */
export interface OpenObject {
  handle: FsFileHandle;
  stat: FsStats;
  record: SidecarRecord;
}

// A record can vanish between stat and read when a concurrent overwrite replaces the file; retrying
// then sees the new file. More misses than this in a row means no record exists.
const RECORD_ATTEMPTS = 5;

function sameVersion(a: FsStats, b: FsStats): boolean {
  return a.ino === b.ino && a.mtimeMs === b.mtimeMs && a.size === b.size;
}

/**
 * Each object's record (size, digest, headers, metadata): found in its folder's journal (journal.ts)
 * for exactly the version of the file that was statted or opened, else in the record's own file
 * (objects with headers or metadata, and stores of the earlier layout), else made up (a digest of
 * the bytes) for a file put there by hand; retried when a concurrent overwrite swaps the file.
 */
export class ObjectRecords {
  readonly journals: Journals;

  constructor(
    private readonly fs: FsPromises,
    private readonly openFlags: number,
    private readonly folders: BucketFolders,
  ) {
    this.journals = new Journals(fs);
  }

  /**
   * The record of the file version `stat` of `key`, with where it lives: the journal, else its own
   * file (then noted in the journal, so the next read finds it there), else `undefined`.
   */
  async entryOf(layout: Layout, bucket: string, key: string, stat: FsStats): Promise<JournalEntry | undefined> {
    const entry = await this.journals.lookup(layout, bucket, key, stat);
    if (entry) return entry;
    const record = await readSidecar(this.fs, layout.sidecarPath(bucket, stat));
    if (!record) return undefined;
    const found = { record, sidecar: true };
    await this.journals.append(layout, bucket, key, stat, found).catch(() => undefined);
    return { ino: stat.ino, born: versionStamp(stat), ...found };
  }

  /** What a caller sees of an object: its file's size and time, its record's ETag, headers and metadata. */
  info(key: string, stat: FsStats, record: SidecarRecord): ObjectInfo {
    return {
      key,
      size: stat.size,
      etag: `"${record.digest}"`,
      lastModified: new Date(stat.mtimeMs),
      ...record.headers,
      contentType: record.headers.contentType ?? DEFAULT_CONTENT_TYPE,
      metadata: { ...record.metadata },
    };
  }

  /** {@link info} as a listing entry (the same object, marked: no copy per listed key). */
  listed(key: string, stat: FsStats, record: SidecarRecord): ListEntry {
    return Object.assign(this.info(key, stat, record), { type: 'object' as const });
  }

  /**
   * The record of a file that has none (put there by hand): its digest, nothing else, computed
   * once per version of the file (read through `handle` when one is open).
   */
  async foreignRecord(
    layout: Layout,
    bucket: string,
    key: string,
    file: string,
    stat: FsStats,
    handle?: FsFileHandle,
  ): Promise<SidecarRecord> {
    const reader = handle ?? (await this.fs.open(file, this.openFlags));
    try {
      const hash = await createDigest();
      const buffer = Buffer.allocUnsafe(256 * 1024);
      for (let position = 0; ; ) {
        const { bytesRead } = await reader.read(buffer, 0, buffer.byteLength, position);
        if (bytesRead === 0) break;
        hash.update(buffer.subarray(0, bytesRead));
        position += bytesRead;
      }
      const record: SidecarRecord = { v: 2, size: stat.size, digest: hash.finish(), headers: {}, metadata: {} };
      // Noted for the next read, in any process; a store that cannot be written is still read.
      await this.journals.append(layout, bucket, key, stat, { record, sidecar: false, foreignMtime: stat.mtimeMs }).catch(() => undefined);
      return record;
    } finally {
      if (!handle) await reader.close();
    }
  }

  /**
   * Stats an object and reads its record, retrying when a concurrent overwrite swaps them.
   * `statted` is a first `lstat` of `file` already under way, if the caller started one.
   */
  async statObject(
    layout: Layout,
    bucket: string,
    key: string,
    file: string,
    statted?: Promise<FsStats>,
  ): Promise<{ stat: FsStats; record: SidecarRecord }> {
    for (let attempt = 0; ; attempt++) {
      let stat: FsStats;
      try {
        stat = await (attempt === 0 && statted ? statted : this.fs.lstat(file));
      } catch (error) {
        if (isMissing(error)) throw await this.folders.notFound(layout, bucket, key, error);
        throw fsError(error, bucket, key);
      }
      if (!stat.isFile()) throw await this.folders.notFound(layout, bucket, key);
      const entry = await this.entryOf(layout, bucket, key, stat);
      if (entry) return { stat, record: entry.record };
      const again = await this.fs.lstat(file).catch(() => undefined);
      if ((again && sameVersion(stat, again) && attempt >= 1) || attempt >= RECORD_ATTEMPTS) {
        return { stat, record: await this.foreignRecord(layout, bucket, key, file, stat) };
      }
    }
  }

  /** Opens an object for reading and reads the record of exactly the version opened. */
  async openObject(layout: Layout, bucket: string, key: string, file: string): Promise<OpenObject> {
    for (let attempt = 0; ; attempt++) {
      let handle: FsFileHandle;
      try {
        handle = await this.fs.open(file, this.openFlags);
      } catch (error) {
        const code = errnoCode(error);
        if (isMissing(error) || code === 'ELOOP' || code === 'EISDIR') throw await this.folders.notFound(layout, bucket, key, error);
        throw fsError(error, bucket, key);
      }
      try {
        const stat = await handle.stat();
        if (!stat.isFile()) throw await this.folders.notFound(layout, bucket, key);
        const entry = await this.entryOf(layout, bucket, key, stat);
        if (entry) return { handle, stat, record: entry.record };
        const current = await this.fs.lstat(file).catch(() => undefined);
        if ((current && sameVersion(stat, current) && attempt >= 1) || attempt >= RECORD_ATTEMPTS) {
          return { handle, stat, record: await this.foreignRecord(layout, bucket, key, file, stat, handle) };
        }
      } catch (error) {
        await handle.close().catch(() => undefined);
        throw fsError(error, bucket, key);
      }
      await handle.close().catch(() => undefined);
    }
  }
}

/** The error for a data file that no longer matches its record in size: edited or truncated at rest. */
export function corrupted(bucket: string, key: string, record: SidecarRecord, stat: FsStats): StorageError {
  return new StorageError(
    'ChecksumMismatch',
    `the object's file has ${stat.size} bytes but ${record.size} were written: it was changed or corrupted at rest`,
    { bucket, key },
  );
}
