import { StorageError, checkPutConditions, throwIfAborted, type PutOptions } from '@stowage/core';
import type { BucketFolders } from './bucket-folders.js';
import { errnoCode, type FsPromises, type FsStats } from './fs-api.js';
import { fsError, isMissing, keyConflict } from './fs-errors.js';
import { KeyLock } from './key-lock.js';
import type { Layout } from './layout.js';
import type { ObjectRecords } from './object-records.js';
import { ProcessLocks } from './process-lock.js';
import { encodeSidecar, type SidecarRecord } from './sidecar.js';
import type { TempFile } from './write.js';

const RENAME_ATTEMPTS = 5;

/** Whether a record holds more than the digest of the bytes: then it also gets a file of its own, the one the journal caches. */
function hasAttributes(record: SidecarRecord): boolean {
  for (const _ in record.headers) return true;
  for (const _ in record.metadata) return true;
  return false;
}

/**
 * The publish step of every write: a complete temporary file and its record become the object in
 * one rename (or one link, for create-if-absent), under a per-key lock, with the write's
 * conditions checked against what the key holds at that moment.
 */
export class Publisher {
  private readonly locks = new KeyLock();
  private processLocks: ProcessLocks | undefined;

  constructor(
    private readonly fs: FsPromises,
    private readonly fsync: boolean,
    private readonly folders: BucketFolders,
    private readonly records: ObjectRecords,
  ) {}

  /** Runs `work` while no other write or delete of `bucket/key` in this process runs. */
  exclusive<T>(bucket: string, key: string, work: () => Promise<T>): Promise<T> {
    return this.locks.run(`${bucket}/${key}`, work);
  }

  /**
   * {@link exclusive}, and for a conditional write (`ifMatch`, `ifNoneMatch`) also no other
   * conditional write of that key in any process sharing the root: its check and its publish are
   * one step for all of them. Unconditional writes take no lock file (they check nothing).
   */
  guarded<T>(
    layout: Layout,
    bucket: string,
    key: string,
    options: Pick<PutOptions, 'ifMatch' | 'ifNoneMatch'>,
    work: () => Promise<T>,
  ): Promise<T> {
    if (options.ifMatch === undefined && options.ifNoneMatch === undefined) return this.exclusive(bucket, key, work);
    this.processLocks ??= new ProcessLocks(this.fs, layout.locksDir);
    const locks = this.processLocks;
    return this.exclusive(bucket, key, () => locks.run(`${bucket}\u0000${key}`, work));
  }

  /**
   * Makes a complete temporary file the object: notes its record in the folder's journal (and, for
   * an object with headers or metadata, in a file of its own), named after the temp's inode, which
   * the rename keeps, then renames it over the key. A crash before the rename leaves only garbage
   * the next open removes; after it, a consistent pair.
   */
  async commit(
    layout: Layout,
    bucket: string,
    key: string,
    segments: string[],
    temp: TempFile,
    record: SidecarRecord,
    options: Pick<PutOptions, 'ifMatch' | 'ifNoneMatch' | 'signal'>,
  ): Promise<void> {
    const ownFile = hasAttributes(record);
    const sidecar = layout.sidecarPath(bucket, temp.stat);
    const discard = async () => {
      await this.fs.unlink(temp.path).catch(() => undefined);
      if (ownFile) await this.fs.unlink(sidecar).catch(() => undefined);
    };
    // The record is written (and the temporary closed) while the lock is taken and the key's
    // current file looked at: independent calls. All are complete before the rename makes them the object.
    const ready = Promise.all([
      temp.closed,
      (async () => {
        if (ownFile) {
          await this.fs.writeFile(sidecar, encodeSidecar(record));
          if (this.fsync) await this.syncFile(sidecar);
        }
        await this.records.journals.append(layout, bucket, key, temp.stat, { record, sidecar: ownFile });
      })(),
    ]);
    ready.catch(() => undefined);
    try {
      const file = layout.objectPath(bucket, segments);
      await this.guarded(layout, bucket, key, options, async () => {
        for (let attempt = 1; ; attempt++) {
          await this.folders.ensureParent(layout, bucket, key, segments);
          const parentChecked = this.folders.checkTargetParent(layout, bucket, key, segments);
          parentChecked.catch(() => undefined); // awaited below
          const current = await this.lstatOrUndefined(file, bucket, key);
          await parentChecked;
          if (current?.isDirectory()) throw keyConflict(bucket, key, `other objects exist under "${key}/"`);
          if (options.ifMatch !== undefined || options.ifNoneMatch !== undefined) {
            const currentInfo = current?.isFile()
              ? await this.records.statObject(layout, bucket, key, file).catch(() => undefined)
              : undefined;
            checkPutConditions(currentInfo && { etag: currentInfo.record.digest }, options, { bucket, key });
          }
          await ready;
          throwIfAborted(options.signal, { bucket, key });
          try {
            if (options.ifNoneMatch === '*') {
              // link() fails if the name exists: create-if-absent that holds across processes too.
              await this.fs.link(temp.path, file);
              await this.fs.unlink(temp.path);
            } else if (current?.isFile() && (await this.records.entryOf(layout, bucket, key, current))?.sidecar !== false) {
              await this.replace(layout, bucket, temp.path, file, current);
            } else {
              // Nothing to remove with the replaced file (or no file): its journal line is garbage
              // once the rename is done, dropped when the journal is compacted.
              await this.fs.rename(temp.path, file);
            }
            return;
          } catch (error) {
            const code = errnoCode(error);
            if (code === 'EEXIST' && options.ifNoneMatch === '*') {
              throw new StorageError('PreconditionFailed', 'an object already exists under this key (ifNoneMatch: "*")', { bucket, key });
            }
            if (code === 'EISDIR' || code === 'ENOTEMPTY' || code === 'EEXIST')
              throw keyConflict(bucket, key, `other objects exist under "${key}/"`);
            // ENOENT: a delete removed the (empty) parent folder meanwhile, or a known folder is gone
            // (ENOTDIR: replaced by a file); forget what is known and check the path again.
            if ((code !== 'ENOENT' && code !== 'ENOTDIR') || attempt >= RENAME_ATTEMPTS) throw fsError(error, bucket, key);
            this.folders.forgetBucket(layout, bucket);
            await this.folders.requireBucket(layout, bucket); // the bucket itself may be what is gone
          }
        }
      });
    } catch (error) {
      await ready.catch(() => undefined); // never unlink under a write still in flight
      await discard();
      // The bucket may be gone since putObject found it in the known folders (its records with it).
      if (isMissing(error)) await this.folders.requireBucket(layout, bucket);
      throw fsError(error, bucket, key);
    }
  }

  /**
   * Renames `temp` over the file `current` statted at `file`, then removes the replaced file's
   * record file (it has one, or it is not known whether it has). A crash between the two must not leave that record behind for ever, so the replaced
   * file is first given a second name among the temporaries: a crash before the rename leaves a
   * temporary with two links (its record is live, and stays), one after it a temporary with one
   * link, whose record the next open removes with it (layout.ts, `removeStaleTemporaries`). Where
   * the file system has no hard links the write goes on without that guard.
   */
  private async replace(layout: Layout, bucket: string, temp: string, file: string, current: FsStats): Promise<void> {
    const guard = layout.tempPath(bucket);
    const guarded = await this.fs.link(file, guard).then(
      () => true,
      () => false,
    );
    try {
      await this.fs.rename(temp, file);
    } catch (error) {
      if (guarded) await this.fs.unlink(guard).catch(() => undefined);
      throw error;
    }
    const replaced = layout.sidecarPath(bucket, current);
    // The record before its guard: a crash between them leaves the guard, never the record alone.
    await this.fs.unlink(replaced).catch(() => undefined);
    if (guarded) await this.fs.unlink(guard).catch(() => undefined);
  }

  async syncFile(file: string): Promise<void> {
    const handle = await this.fs.open(file, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  private async lstatOrUndefined(file: string, bucket: string, key: string): Promise<FsStats | undefined> {
    try {
      return await this.fs.lstat(file);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return undefined;
      if (errnoCode(error) === 'ENOTDIR') throw keyConflict(bucket, key, 'an object exists at one of its parent folders');
      throw fsError(error, bucket, key);
    }
  }
}
