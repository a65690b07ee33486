import path from 'node:path';
import { Readable } from 'node:stream';
import {
  DEFAULT_CONTENT_TYPE,
  StorageError,
  abortError,
  assertBucketName,
  assertPutOptions,
  assertRange,
  bucketNameProblem,
  checkPutConditions,
  checkReadConditions,
  compareKeys,
  createGetResult,
  etagMatches,
  forEachLimited,
  isStorageError,
  normalizeBody,
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
import { FS_CAPABILITIES } from './capabilities.js';
import { createDigest } from './digest.js';
import { errnoCode, type FileSystem, type FsFileHandle, type FsPromises, type FsStats } from './fs-api.js';
import { fsError, keyConflict } from './fs-errors.js';
import { KeyLock } from './key-lock.js';
import { KnownFolders } from './known-folders.js';
import { keySegments } from './key-path.js';
import { Layout, parseTempName } from './layout.js';
import { holdsObject, walkKeys, type WalkEntry } from './list.js';
import { FileRangeReadable } from './read-stream.js';
import { readableChunks } from './readable-chunks.js';
import { RecordCache } from './record-cache.js';
import { encodeSidecar, readSidecar, type SidecarRecord } from './sidecar.js';
import { writeTemp, type TempFile } from './write.js';

/** Options of {@link FsStorage}. */
export interface FsStorageOptions {
  /** The file system: `node:fs`, or a memfs volume's `fs`. */
  fs: FileSystem;
  /** The folder that holds the buckets; created when missing. */
  root: string;
  /** The driver's name, as `Storage.name` reports it. */
  name: string;
  /** `fsync` each object and its record before it becomes visible (survives power loss, costs latency). Default `false`. */
  fsync?: boolean;
}

/** An open object: the handle pins the version whose record was read. */
interface OpenObject {
  handle: FsFileHandle;
  stat: FsStats;
  record: SidecarRecord;
}

// A record can vanish between stat and read when a concurrent overwrite replaces the file; retrying
// then sees the new file. More misses than this in a row means no record exists.
const RECORD_ATTEMPTS = 5;
const RENAME_ATTEMPTS = 5;
// Parsed records kept (a few hundred bytes each, so a few MiB at most).
const RECORD_CACHE_ENTRIES = 8192;

function sameVersion(a: FsStats, b: FsStats): boolean {
  return a.ino === b.ino && a.mtimeMs === b.mtimeMs && a.size === b.size;
}

function isMissing(error: unknown): boolean {
  const code = errnoCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * A {@link Storage} on any file system with Node's `fs.promises` API: buckets are folders under the
 * root, objects are plain files at their key's path, and each object's headers, metadata and digest
 * live in a record beside it. `LocalStorage` and `MemoryStorage` are this class on `node:fs` and on
 * a memfs volume: one code path, tested twice.
 *
 * Writes stream to a temporary file and are renamed into place, so readers see the old version or
 * the new one, whole, with its own record. See the package README for which keys are refused.
 */
export class FsStorage implements Storage {
  readonly name: string;
  readonly capabilities: Capabilities = FS_CAPABILITIES;
  protected readonly fs: FsPromises;
  private readonly openFlags: number;
  private readonly rootOption: string;
  private readonly fsync: boolean;
  private readonly locks = new KeyLock();
  private readonly foreignHashes = new Map<string, string>();
  private readonly records = new RecordCache(RECORD_CACHE_ENTRIES);
  private readonly folders = new KnownFolders();
  private layoutPromise: Promise<Layout> | undefined;

  constructor(options: FsStorageOptions) {
    this.name = options.name;
    this.fs = options.fs.promises;
    this.openFlags = options.fs.constants.O_RDONLY | (options.fs.constants.O_NOFOLLOW ?? 0);
    this.rootOption = options.root;
    this.fsync = options.fsync ?? false;
  }

  /** Creates the root and internal folders, and removes temporaries left by writers that died. Runs once. */
  protected layout(): Promise<Layout> {
    this.layoutPromise ??= this.open().catch((error: unknown) => {
      this.layoutPromise = undefined;
      throw fsError(error);
    });
    return this.layoutPromise;
  }

  /** Forgets the prepared layout, so the next call prepares the root again (after it was wiped). */
  protected forgetLayout(): void {
    this.layoutPromise = undefined;
    this.records.clear();
    this.folders.clear();
  }

  private async open(): Promise<Layout> {
    await this.fs.mkdir(this.rootOption, { recursive: true });
    const layout = new Layout(await this.fs.realpath(this.rootOption));
    await this.fs.mkdir(layout.tmpDir, { recursive: true });
    await this.fs.mkdir(layout.metaRoot, { recursive: true });
    await this.removeStaleTemporaries(layout);
    return layout;
  }

  private async removeStaleTemporaries(layout: Layout): Promise<void> {
    for (const entry of await this.fs.readdir(layout.tmpDir, { withFileTypes: true })) {
      const name = String(entry.name);
      const owner = parseTempName(name);
      if (owner && (owner.pid === process.pid || processIsAlive(owner.pid))) continue;
      const temp = path.join(layout.tmpDir, name);
      try {
        const stat = await this.fs.lstat(temp);
        // A temp with a second link was already linked into place (ifNoneMatch commit): its record is live.
        if (owner && stat.nlink <= 1) await this.fs.unlink(layout.sidecarPath(owner.bucket, stat)).catch(() => undefined);
        await this.fs.rm(temp, { recursive: true, force: true });
      } catch {
        // Another process cleaning up at the same time got there first.
      }
    }
  }

  // ---- buckets -------------------------------------------------------------------------------

  async listBuckets(options: Signal = {}): Promise<BucketInfo[]> {
    throwIfAborted(options.signal);
    const layout = await this.layout();
    const buckets: BucketInfo[] = [];
    for (const entry of await this.fs.readdir(layout.root, { withFileTypes: true })) {
      const name = String(entry.name);
      if (!entry.isDirectory() || entry.isSymbolicLink() || bucketNameProblem(name)) continue;
      try {
        const stat = await this.fs.lstat(layout.bucketDir(name));
        buckets.push({ name, createdAt: new Date(stat.birthtimeMs || stat.mtimeMs) });
      } catch {
        // Deleted while listing.
      }
    }
    return buckets.sort((a, b) => compareKeys(a.name, b.name));
  }

  async createBucket(bucket: string, options: Signal = {}): Promise<void> {
    assertBucketName(bucket);
    throwIfAborted(options.signal, { bucket });
    const layout = await this.layout();
    try {
      await this.fs.mkdir(layout.metaDir(bucket), { recursive: true });
      await this.fs.mkdir(layout.bucketDir(bucket));
    } catch (error) {
      if (errnoCode(error) === 'EEXIST') {
        throw new StorageError('BucketAlreadyExists', `bucket ${bucket} already exists`, { bucket, cause: error });
      }
      throw fsError(error, bucket);
    }
  }

  async deleteBucket(bucket: string, options: Signal = {}): Promise<void> {
    assertBucketName(bucket);
    throwIfAborted(options.signal, { bucket });
    const layout = await this.layout();
    await this.requireBucket(layout, bucket);
    const dir = layout.bucketDir(bucket);
    this.folders.forget(dir);
    try {
      await this.fs.rmdir(dir);
    } catch (error) {
      if (errnoCode(error) !== 'ENOTEMPTY' && errnoCode(error) !== 'EEXIST') throw fsError(error, bucket);
      if (await holdsObject(this.fs, dir)) {
        throw new StorageError('BucketNotEmpty', `bucket ${bucket} is not empty`, { bucket });
      }
      // Only empty folders are left (a delete's clean-up raced with a write): they go with the bucket.
      await this.fs.rm(dir, { recursive: true, force: true });
    }
    await this.fs.rm(layout.metaDir(bucket), { recursive: true, force: true }).catch(() => undefined);
    // Records are named per bucket: a bucket made again under this name starts with none.
    this.records.clear();
  }

  async bucketExists(bucket: string, options: Signal = {}): Promise<boolean> {
    assertBucketName(bucket);
    throwIfAborted(options.signal, { bucket });
    return this.isBucket(await this.layout(), bucket);
  }

  private async isBucket(layout: Layout, bucket: string): Promise<boolean> {
    try {
      const stat = await this.fs.lstat(layout.bucketDir(bucket));
      return stat.isDirectory() && !stat.isSymbolicLink();
    } catch (error) {
      if (isMissing(error)) return false;
      throw fsError(error, bucket);
    }
  }

  /** {@link requireBucket}, answered from the known folders when the bucket's folder was seen. */
  private async requireKnownBucket(layout: Layout, bucket: string): Promise<void> {
    const dir = layout.bucketDir(bucket);
    if (this.folders.has(dir)) return;
    await this.requireBucket(layout, bucket);
    this.folders.add(dir);
  }

  private async requireBucket(layout: Layout, bucket: string): Promise<void> {
    if (!(await this.isBucket(layout, bucket))) {
      throw new StorageError('NoSuchBucket', `bucket ${bucket} does not exist`, { bucket });
    }
  }

  /** `NoSuchBucket` if the bucket is gone, else `NoSuchKey`: what a lookup that found nothing means. */
  private async notFound(layout: Layout, bucket: string, key: string, cause?: unknown): Promise<StorageError> {
    await this.requireBucket(layout, bucket);
    return new StorageError('NoSuchKey', `no object ${key} in bucket ${bucket}`, { bucket, key, cause });
  }

  // ---- paths ---------------------------------------------------------------------------------

  /**
   * Checks that the folder holding `segments` is the very folder its name says, with no symbolic
   * link on the way that could lead outside the root. Throws `NoSuchKey` (or `NoSuchBucket`) when
   * it does not exist.
   */
  private async checkParent(layout: Layout, bucket: string, key: string, segments: string[]): Promise<void> {
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
  private async checkTargetParent(layout: Layout, bucket: string, key: string, segments: string[]): Promise<void> {
    const parent = layout.objectPath(bucket, segments.slice(0, -1));
    const real = await this.fs.realpath(parent).catch((error: unknown) => {
      if (isMissing(error)) return parent;
      throw fsError(error, bucket, key);
    });
    if (real !== parent) throw crossesLink(bucket, key);
  }

  /** Creates the folders above an object, one at a time, refusing to pass through a symbolic link or a file. */
  private async ensureParent(layout: Layout, bucket: string, key: string, segments: string[]): Promise<void> {
    let dir = layout.bucketDir(bucket);
    for (const segment of segments.slice(0, -1)) {
      dir = path.join(dir, segment);
      if (this.folders.has(dir)) continue;
      try {
        await this.fs.mkdir(dir);
        this.folders.add(dir);
        continue;
      } catch (error) {
        const code = errnoCode(error);
        if (code === 'ENOENT') {
          this.folders.forget(layout.bucketDir(bucket));
          throw await this.notFound(layout, bucket, key, error);
        }
        if (code === 'ENOTDIR') throw keyConflict(bucket, key, 'an object exists at one of its parent folders');
        if (code !== 'EEXIST') throw fsError(error, bucket, key);
      }
      const stat = await this.fs.lstat(dir).catch((error: unknown) => {
        throw fsError(error, bucket, key);
      });
      if (stat.isSymbolicLink()) throw crossesLink(bucket, key);
      if (!stat.isDirectory()) throw keyConflict(bucket, key, `an object exists at ${JSON.stringify(path.relative(layout.bucketDir(bucket), dir))}`);
      this.folders.add(dir);
    }
  }

  /** Removes folders left empty by a delete, up to (not including) the bucket's folder. */
  private async pruneEmptyParents(layout: Layout, bucket: string, segments: string[]): Promise<void> {
    for (let depth = segments.length - 1; depth > 0; depth--) {
      const dir = layout.objectPath(bucket, segments.slice(0, depth));
      try {
        await this.fs.rmdir(dir);
        this.folders.delete(dir);
      } catch {
        return; // not empty (or already gone): the folders above are not empty either
      }
    }
  }

  // ---- reading -------------------------------------------------------------------------------

  private info(key: string, stat: FsStats, record: SidecarRecord): ObjectInfo {
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

  /** The record of a file that has none (put there by hand): its digest, nothing else. */
  private async foreignRecord(handleOrPath: FsFileHandle | string, stat: FsStats): Promise<SidecarRecord> {
    const cacheKey = `${stat.ino}-${stat.mtimeMs}-${stat.size}`;
    let digest = this.foreignHashes.get(cacheKey);
    if (digest === undefined) {
      const handle = typeof handleOrPath === 'string' ? await this.fs.open(handleOrPath, this.openFlags) : handleOrPath;
      try {
        const hash = await createDigest();
        const buffer = Buffer.allocUnsafe(256 * 1024);
        for (let position = 0; ; ) {
          const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, position);
          if (bytesRead === 0) break;
          hash.update(buffer.subarray(0, bytesRead));
          position += bytesRead;
        }
        digest = hash.finish();
      } finally {
        if (typeof handleOrPath === 'string') await handle.close();
      }
      if (this.foreignHashes.size > 1000) this.foreignHashes.clear();
      this.foreignHashes.set(cacheKey, digest);
    }
    return { v: 2, size: stat.size, digest, headers: {}, metadata: {} };
  }

  /** The record of the data file version `stat` describes, from the cache when it holds that version. */
  private async readRecord(layout: Layout, bucket: string, stat: FsStats): Promise<SidecarRecord | undefined> {
    const file = layout.sidecarPath(bucket, stat);
    const cached = this.records.get(file, stat);
    if (cached) return cached;
    const record = await readSidecar(this.fs, file);
    if (record) this.records.set(file, stat, record);
    return record;
  }

  /** Stats an object and reads its record, retrying when a concurrent overwrite swaps them. */
  private async statObject(layout: Layout, bucket: string, key: string, file: string): Promise<{ stat: FsStats; record: SidecarRecord }> {
    for (let attempt = 0; ; attempt++) {
      let stat: FsStats;
      try {
        stat = await this.fs.lstat(file);
      } catch (error) {
        if (isMissing(error)) throw await this.notFound(layout, bucket, key, error);
        throw fsError(error, bucket, key);
      }
      if (!stat.isFile()) throw await this.notFound(layout, bucket, key);
      const record = await this.readRecord(layout, bucket, stat);
      if (record) return { stat, record };
      const again = await this.fs.lstat(file).catch(() => undefined);
      if (again && sameVersion(stat, again) && attempt >= 1) return { stat, record: await this.foreignRecord(file, stat) };
      if (attempt >= RECORD_ATTEMPTS) return { stat, record: await this.foreignRecord(file, stat) };
    }
  }

  /** Opens an object for reading and reads the record of exactly the version opened. */
  private async openObject(layout: Layout, bucket: string, key: string, file: string): Promise<OpenObject> {
    for (let attempt = 0; ; attempt++) {
      let handle: FsFileHandle;
      try {
        handle = await this.fs.open(file, this.openFlags);
      } catch (error) {
        const code = errnoCode(error);
        if (isMissing(error) || code === 'ELOOP' || code === 'EISDIR') throw await this.notFound(layout, bucket, key, error);
        throw fsError(error, bucket, key);
      }
      try {
        const stat = await handle.stat();
        if (!stat.isFile()) throw await this.notFound(layout, bucket, key);
        const record = await this.readRecord(layout, bucket, stat);
        if (record) return { handle, stat, record };
        const current = await this.fs.lstat(file).catch(() => undefined);
        if ((current && sameVersion(stat, current) && attempt >= 1) || attempt >= RECORD_ATTEMPTS) {
          return { handle, stat, record: await this.foreignRecord(handle, stat) };
        }
      } catch (error) {
        await handle.close().catch(() => undefined);
        throw fsError(error, bucket, key);
      }
      await handle.close().catch(() => undefined);
    }
  }

  async headObject(bucket: string, key: string, options: HeadOptions = {}): Promise<ObjectInfo> {
    assertBucketName(bucket);
    const segments = keySegments(bucket, key);
    throwIfAborted(options.signal, { bucket, key });
    const layout = await this.layout();
    await this.checkParent(layout, bucket, key, segments);
    const { stat, record } = await this.statObject(layout, bucket, key, layout.objectPath(bucket, segments));
    const info = this.info(key, stat, record);
    checkReadConditions(info, options, { bucket, key });
    return info;
  }

  async getObject(bucket: string, key: string, options: GetOptions = {}): Promise<GetResult> {
    assertBucketName(bucket);
    const segments = keySegments(bucket, key);
    const details = { bucket, key };
    assertRange(options.range, details);
    throwIfAborted(options.signal, details);
    const layout = await this.layout();
    await this.checkParent(layout, bucket, key, segments);
    const { handle, stat, record } = await this.openObject(layout, bucket, key, layout.objectPath(bucket, segments));
    let range: { offset: number; length: number } | undefined;
    const info = this.info(key, stat, record);
    try {
      checkReadConditions(info, options, details);
      if (options.range) range = resolveRange(options.range, stat.size, details);
      else if (record.size !== stat.size) throw corrupted(bucket, key, record, stat);
      throwIfAborted(options.signal, details);
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
    // A full read is checked against the recorded digest; a range cannot be.
    const verify = range ? undefined : { digest: await createDigest(), expected: record.digest, bucket, key };
    const body = new FileRangeReadable(handle, range?.offset ?? 0, range?.length ?? stat.size, verify);
    const { signal } = options;
    if (signal) {
      const onAbort = () => body.destroy(abortError(signal, details));
      signal.addEventListener('abort', onAbort, { once: true });
      body.once('close', () => signal.removeEventListener('abort', onAbort));
    }
    return createGetResult(info, body, range);
  }

  // ---- writing -------------------------------------------------------------------------------

  async putObject(bucket: string, key: string, body: BodyInput, options: PutOptions = {}): Promise<PutResult> {
    assertBucketName(bucket);
    const segments = keySegments(bucket, key);
    const details = { bucket, key };
    assertPutOptions(options, details);
    const metadata = normalizeMetadata(options.metadata, details);
    throwIfAborted(options.signal, details);
    const layout = await this.layout();
    // A bucket deleted since it was seen fails at the rename instead (ensureParent answers NoSuchBucket).
    await this.requireKnownBucket(layout, bucket);
    // A Node stream is taken by its `data` events: no copy of each chunk (see readable-chunks.ts).
    // Look-alike streams (another realm, readable-stream) take core's general path.
    const normalized = body instanceof Readable ? { size: undefined, chunks: readableChunks(body, details) } : normalizeBody(body, details);
    const expectedSize = options.size ?? normalized.size;
    const temp = await writeTemp(this.fs, layout.tempPath(bucket), normalized.chunks, {
      bucket,
      key,
      fsync: this.fsync,
      ...(expectedSize !== undefined ? { expectedSize } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    const record = this.recordOf(temp, pickContentHeaders(options), metadata);
    await this.commit(layout, bucket, key, segments, temp, record, options);
    return { etag: `"${temp.digest}"`, size: temp.size };
  }

  /**
   * Makes a complete temporary file the object: writes its record (named after the temp's inode,
   * which the rename keeps), then renames it over the key. A crash before the rename leaves only
   * garbage the next open removes; after it, a consistent pair.
   */
  private async commit(
    layout: Layout,
    bucket: string,
    key: string,
    segments: string[],
    temp: TempFile,
    record: SidecarRecord,
    options: Pick<PutOptions, 'ifMatch' | 'ifNoneMatch' | 'signal'>,
  ): Promise<void> {
    const sidecar = layout.sidecarPath(bucket, temp.stat);
    const discard = async () => {
      await this.fs.unlink(temp.path).catch(() => undefined);
      await this.fs.unlink(sidecar).catch(() => undefined);
    };
    // The record is written (and the temporary closed) while the lock is taken and the key's
    // current file looked at: independent calls, so one round trip where there were three. Both
    // are complete before the rename makes them the object.
    const ready = Promise.all([
      temp.closed,
      (async () => {
        await this.fs.writeFile(sidecar, encodeSidecar(record));
        if (this.fsync) await this.syncFile(sidecar);
      })(),
    ]);
    ready.catch(() => undefined);
    try {
      const file = layout.objectPath(bucket, segments);
      await this.locks.run(`${bucket}/${key}`, async () => {
        for (let attempt = 1; ; attempt++) {
          await this.ensureParent(layout, bucket, key, segments);
          const parentChecked = this.checkTargetParent(layout, bucket, key, segments);
          parentChecked.catch(() => undefined); // awaited below
          const current = await this.lstatOrUndefined(file, bucket, key);
          await parentChecked;
          if (current?.isDirectory()) throw keyConflict(bucket, key, `other objects exist under "${key}/"`);
          if (options.ifMatch !== undefined || options.ifNoneMatch !== undefined) {
            const currentInfo = current?.isFile() ? await this.statObject(layout, bucket, key, file).catch(() => undefined) : undefined;
            checkPutConditions(currentInfo && { etag: currentInfo.record.digest }, options, { bucket, key });
          }
          await ready;
          throwIfAborted(options.signal, { bucket, key });
          try {
            if (options.ifNoneMatch === '*') {
              // link() fails if the name exists: create-if-absent that holds across processes too.
              await this.fs.link(temp.path, file);
              await this.fs.unlink(temp.path);
            } else {
              await this.fs.rename(temp.path, file);
              if (current?.isFile()) {
                const replaced = layout.sidecarPath(bucket, current);
                this.records.delete(replaced);
                await this.fs.unlink(replaced).catch(() => undefined);
              }
            }
            this.records.set(sidecar, temp.stat, record);
            return;
          } catch (error) {
            const code = errnoCode(error);
            if (code === 'EEXIST' && options.ifNoneMatch === '*') {
              throw new StorageError('PreconditionFailed', 'an object already exists under this key (ifNoneMatch: "*")', { bucket, key });
            }
            if (code === 'EISDIR' || code === 'ENOTEMPTY' || code === 'EEXIST') throw keyConflict(bucket, key, `other objects exist under "${key}/"`);
            // ENOENT: a delete removed the (empty) parent folder meanwhile, or a known folder is gone
            // (ENOTDIR: replaced by a file); forget what is known and check the path again.
            if ((code !== 'ENOENT' && code !== 'ENOTDIR') || attempt >= RENAME_ATTEMPTS) throw fsError(error, bucket, key);
            this.folders.forget(layout.bucketDir(bucket));
            await this.requireBucket(layout, bucket); // the bucket itself may be what is gone
          }
        }
      });
    } catch (error) {
      await ready.catch(() => undefined); // never unlink under a write still in flight
      await discard();
      // The bucket may be gone since putObject found it in the known folders (its records with it).
      if (isMissing(error)) await this.requireBucket(layout, bucket);
      throw fsError(error, bucket, key);
    }
  }

  private async syncFile(file: string): Promise<void> {
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

  async copyObject(source: ObjectRef, target: ObjectRef, options: CopyOptions = {}): Promise<PutResult> {
    assertBucketName(source.bucket);
    assertBucketName(target.bucket);
    const sourceSegments = keySegments(source.bucket, source.key);
    const targetSegments = keySegments(target.bucket, target.key);
    const details = { bucket: target.bucket, key: target.key };
    const replace = replacesAttributes(options);
    const metadata = normalizeMetadata(options.metadata, details);
    throwIfAborted(options.signal, details);
    const layout = await this.layout();
    await this.requireBucket(layout, target.bucket);
    await this.checkParent(layout, source.bucket, source.key, sourceSegments);
    const opened = await this.openObject(layout, source.bucket, source.key, layout.objectPath(source.bucket, sourceSegments));
    // The copy is checked against the source's digest as it streams: corruption is not propagated.
    const verify = { digest: await createDigest(), expected: opened.record.digest, ...source };
    const body = new FileRangeReadable(opened.handle, 0, opened.stat.size, verify);
    try {
      if (opened.record.size !== opened.stat.size) throw corrupted(source.bucket, source.key, opened.record, opened.stat);
      if (options.sourceIfMatch !== undefined && !etagMatches(options.sourceIfMatch, opened.record.digest)) {
        throw new StorageError('PreconditionFailed', `the source's ETag "${opened.record.digest}" does not match ${options.sourceIfMatch}`, {
          bucket: source.bucket,
          key: source.key,
        });
      }
      const temp = await writeTemp(this.fs, layout.tempPath(target.bucket), readableChunks(body, details), {
        ...details,
        expectedSize: opened.stat.size,
        fsync: this.fsync,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const record = replace
        ? this.recordOf(temp, pickContentHeaders(options), metadata)
        : this.recordOf(temp, opened.record.headers, opened.record.metadata);
      await this.commit(layout, target.bucket, target.key, targetSegments, temp, record, options);
      return { etag: `"${temp.digest}"`, size: temp.size };
    } finally {
      body.destroy();
    }
  }

  private recordOf(temp: TempFile, headers: SidecarRecord['headers'], metadata: Record<string, string>): SidecarRecord {
    return { v: 2, size: temp.size, digest: temp.digest, headers, metadata };
  }

  // ---- deleting ------------------------------------------------------------------------------

  async deleteObject(bucket: string, key: string, options: Signal = {}): Promise<void> {
    assertBucketName(bucket);
    const segments = keySegments(bucket, key);
    throwIfAborted(options.signal, { bucket, key });
    await this.deleteOne(await this.layout(), bucket, key, segments);
  }

  private async deleteOne(layout: Layout, bucket: string, key: string, segments: string[]): Promise<void> {
    const file = layout.objectPath(bucket, segments);
    // The parent's check runs beside the file's lstat (one round trip, not two); nothing is
    // removed until it has passed.
    const parentChecked = this.checkParent(layout, bucket, key, segments).then(
      () => true,
      (error: unknown) => {
        if (isStorageError(error, 'NoSuchKey')) return false; // deleting what is not there succeeds, as on S3
        throw error;
      },
    );
    parentChecked.catch(() => undefined);
    const pruned = await this.locks.run(`${bucket}/${key}`, async () => {
      const statted = this.fs.lstat(file);
      statted.catch(() => undefined);
      if (!(await parentChecked)) return undefined;
      let stat: FsStats;
      try {
        stat = await statted;
      } catch (error) {
        if (isMissing(error)) return false;
        throw fsError(error, bucket, key);
      }
      if (!stat.isFile()) return false; // a folder (or a link) is not an object
      try {
        await this.fs.unlink(file);
      } catch (error) {
        if (isMissing(error)) return false;
        throw fsError(error, bucket, key);
      }
      const record = layout.sidecarPath(bucket, stat);
      this.records.delete(record);
      // Independent of each other: one round trip instead of two.
      await Promise.all([this.fs.unlink(record).catch(() => undefined), this.pruneEmptyParents(layout, bucket, segments)]);
      return true;
    });
    if (pruned === false) await this.pruneEmptyParents(layout, bucket, segments);
  }

  async deleteObjects(bucket: string, keys: string[], options: Signal = {}): Promise<DeleteObjectsResult> {
    assertBucketName(bucket);
    if (!Array.isArray(keys)) throw new StorageError('InvalidArgument', 'keys must be an array of strings', { bucket });
    throwIfAborted(options.signal, { bucket });
    const layout = await this.layout();
    await this.requireBucket(layout, bucket);
    const result: DeleteObjectsResult = { deleted: [], errors: [] };
    const unique = [...new Set(keys)];
    const outcomes = new Array<StorageError | undefined>(unique.length);
    await forEachLimited(unique, 16, async (key, index) => {
      try {
        throwIfAborted(options.signal, { bucket });
        await this.deleteOne(layout, bucket, key, keySegments(bucket, key));
      } catch (error) {
        outcomes[index] = fsError(error, bucket, key);
      }
    });
    throwIfAborted(options.signal, { bucket });
    unique.forEach((key, index) => {
      const error = outcomes[index];
      if (error) result.errors.push({ key, code: error.code, message: error.message });
      else result.deleted.push(key);
    });
    return result;
  }

  // ---- listing -------------------------------------------------------------------------------

  async *listObjects(bucket: string, options: ListOptions = {}): AsyncGenerator<ListEntry> {
    assertBucketName(bucket);
    const { prefix = '', delimiter, startAfter, pageSize, signal } = options;
    for (const [name, value] of [['prefix', prefix], ['delimiter', delimiter], ['startAfter', startAfter]] as const) {
      if (value !== undefined && typeof value !== 'string') throw new StorageError('InvalidArgument', `${name} must be a string`, { bucket });
    }
    if (delimiter === '') throw new StorageError('InvalidArgument', 'delimiter must not be empty', { bucket });
    if (pageSize !== undefined && (!Number.isSafeInteger(pageSize) || pageSize < 1)) {
      throw new StorageError('InvalidArgument', 'pageSize must be a whole number ≥ 1', { bucket });
    }
    throwIfAborted(signal, { bucket });
    const layout = await this.layout();
    await this.requireBucket(layout, bucket);
    // Attributes are loaded a batch at a time, in parallel, in order.
    const batchSize = Math.min(pageSize ?? 64, 256);
    let batch: WalkEntry[] = [];
    const walk = walkKeys(this.fs, layout.bucketDir(bucket), {
      prefix,
      ...(delimiter !== undefined ? { delimiter } : {}),
      ...(startAfter !== undefined ? { startAfter } : {}),
    });
    for await (const entry of walk) {
      throwIfAborted(signal, { bucket });
      batch.push(entry);
      if (batch.length >= batchSize) {
        yield* await this.loadBatch(layout, bucket, batch);
        batch = [];
      }
    }
    yield* await this.loadBatch(layout, bucket, batch);
  }

  private async loadBatch(layout: Layout, bucket: string, batch: WalkEntry[]): Promise<ListEntry[]> {
    const loaded = await Promise.all(
      batch.map(async (entry): Promise<ListEntry | undefined> => {
        if (entry.type === 'prefix') return entry;
        try {
          const { stat, record } = await this.statObject(layout, bucket, entry.key, entry.path);
          return { type: 'object', ...this.info(entry.key, stat, record) };
        } catch (error) {
          if (isStorageError(error, 'NoSuchKey')) return undefined; // deleted since the folder was read
          throw error;
        }
      }),
    );
    return loaded.filter((entry): entry is ListEntry => entry !== undefined);
  }
}

/** The error for a key whose path runs through a symbolic link inside the root. */
function crossesLink(bucket: string, key: string): StorageError {
  return new StorageError('InvalidKey', `invalid key ${JSON.stringify(key)}: its path crosses a symbolic link inside the store`, { bucket, key });
}

/** The error for a data file that no longer matches its record in size: edited or truncated at rest. */
function corrupted(bucket: string, key: string, record: SidecarRecord, stat: FsStats): StorageError {
  return new StorageError(
    'ChecksumMismatch',
    `the object's file has ${stat.size} bytes but ${record.size} were written: it was changed or corrupted at rest`,
    { bucket, key },
  );
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}
