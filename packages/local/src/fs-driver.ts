import path from 'node:path';
import { Readable } from 'node:stream';
import {
  CountedBody,
  StorageError,
  bucketNameProblem,
  checkReadConditions,
  compareKeys,
  etagMatches,
  forEachLimited,
  isStorageError,
  pickContentHeaders,
  replacesAttributes,
  resolveRange,
  streamRead,
  throwIfAborted,
  type BucketInfo,
  type Capabilities,
  type CopyOptions,
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
  type Signal,
  type StorageDriver,
  type StorageErrorDetails,
} from '@stowage/core';
import { BucketFolders } from './bucket-folders.js';
import { FS_CAPABILITIES } from './capabilities.js';
import { createDigest } from './digest.js';
import { errnoCode, type FileSystem, type FsPromises, type FsStats } from './fs-api.js';
import { FolderMarkers, expectEmptyBody, markerWithBody } from './folder-markers.js';
import { fsError, isMissing } from './fs-errors.js';
import { isFolderMarker, keySegments } from './key-path.js';
import { Layout, parseTempName } from './layout.js';
import { holdsObject, walkKeys, type WalkEntry } from './list.js';
import { folderOf, journalId } from './journal.js';
import { ObjectRecords, corrupted } from './object-records.js';
import { ProcessLocks } from './process-lock.js';
import { Publisher } from './publish.js';
import { FileRangeReadable } from './read-stream.js';
import type { SidecarRecord } from './sidecar.js';
import { writeTemp, type TempFile } from './write.js';

/** Options of {@link FsDriver}. */
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

/**
 * The driver behind {@link FsStorage}: S3's semantics on any file system with Node's `fs.promises`
 * API. Buckets are folders under the root, objects are plain files at their key's path, and each
 * object's headers, metadata and digest live in a record beside it. Its input comes checked by
 * the front door; unexpected file-system errors are mapped by `fsError`.
 *
 * Writes stream to a temporary file and are renamed into place, so readers see the old version or
 * the new one, whole, with its own record. The jobs live apart: `BucketFolders` (buckets,
 * the folders above a key, symbolic links), `ObjectRecords` (each version's record),
 * `Publisher` (the atomic publish step, and the cross-process lock of conditional writes),
 * `FolderMarkers` (keys ending in `/`, kept as the folder itself); this class holds the layout and
 * the operations. docs/local-layout.md gives the crash argument for each step.
 * See the package README for which keys are refused.
 */
export class FsDriver implements StorageDriver {
  readonly name: string;
  readonly capabilities: Capabilities = FS_CAPABILITIES;
  private readonly fs: FsPromises;
  private readonly rootOption: string;
  private readonly fsync: boolean;
  private readonly folders: BucketFolders;
  private readonly records: ObjectRecords;
  private readonly publisher: Publisher;
  private readonly markers: FolderMarkers;
  private layoutPromise: Promise<Layout> | undefined;

  constructor(options: FsStorageOptions) {
    this.name = options.name;
    this.fs = options.fs.promises;
    this.rootOption = options.root;
    this.fsync = options.fsync ?? false;
    this.folders = new BucketFolders(this.fs);
    const { O_RDONLY, O_NOFOLLOW = 0, O_NONBLOCK = 0 } = options.fs.constants;
    // No link at the key itself; and a FIFO or device someone put in the tree opens at once (and
    // is then refused as no file) instead of waiting for a writer.
    this.records = new ObjectRecords(this.fs, O_RDONLY | O_NOFOLLOW | O_NONBLOCK, this.folders);
    this.publisher = new Publisher(this.fs, this.fsync, this.folders, this.records);
    this.markers = new FolderMarkers(this.fs, this.folders);
  }

  mapError(error: unknown, details: StorageErrorDetails): StorageError {
    return fsError(error, details.bucket, details.key);
  }

  /** Creates the root and internal folders, and removes temporaries left by writers that died. Runs once. */
  private layout(): Promise<Layout> {
    this.layoutPromise ??= this.open().catch((error: unknown) => {
      this.layoutPromise = undefined;
      throw fsError(error);
    });
    return this.layoutPromise;
  }

  private async open(): Promise<Layout> {
    await this.fs.mkdir(this.rootOption, { recursive: true });
    const layout = new Layout(await this.fs.realpath(this.rootOption));
    await this.fs.mkdir(layout.tmpDir, { recursive: true });
    await this.fs.mkdir(layout.metaRoot, { recursive: true });
    await this.fs.mkdir(layout.locksDir, { recursive: true });
    await this.removeStaleTemporaries(layout);
    await new ProcessLocks(this.fs, layout.locksDir).removeDeadOwners();
    return layout;
  }

  private async removeStaleTemporaries(layout: Layout): Promise<void> {
    // Journals a dead writer appended a record to before it died: compacted once its temporaries are gone.
    const journals = new Map<string, { bucket: string; id: string }>();
    for (const entry of await this.fs.readdir(layout.tmpDir, { withFileTypes: true })) {
      const name = String(entry.name);
      const owner = parseTempName(name);
      if (owner && (owner.pid === process.pid || processIsAlive(owner.pid))) continue;
      const temp = path.join(layout.tmpDir, name);
      try {
        const stat = await this.fs.lstat(temp);
        // Every temporary is a file whose record (named after its inode) must go with it, unless the
        // file has another name: a create-if-absent's temporary already linked into place, or the
        // guard an overwrite puts on the file it replaces (publish.ts) before that rename happened.
        // With one link it is a dead write's data, a deleted object, or an overwrite's replaced file.
        if (owner && stat.nlink <= 1) await this.fs.unlink(layout.sidecarPath(owner.bucket, stat)).catch(() => undefined);
        await this.fs.rm(temp, { recursive: true, force: true });
        if (owner?.journal) journals.set(`${owner.bucket}/${owner.journal}`, { bucket: owner.bucket, id: owner.journal });
      } catch {
        // Another process cleaning up at the same time got there first.
      }
    }
    for (const { bucket, id } of journals.values()) {
      await this.records.journals.compactById(layout, bucket, id).catch(() => undefined); // the bucket may be gone
    }
  }

  // ---- buckets -------------------------------------------------------------------------------

  async listBuckets(): Promise<BucketInfo[]> {
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

  async createBucket(bucket: string): Promise<void> {
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

  async deleteBucket(bucket: string): Promise<void> {
    const layout = await this.layout();
    await this.folders.requireBucket(layout, bucket);
    const dir = layout.bucketDir(bucket);
    this.folders.forgetBucket(layout, bucket);
    try {
      await this.fs.rmdir(dir);
    } catch (error) {
      if (errnoCode(error) !== 'ENOTEMPTY' && errnoCode(error) !== 'EEXIST') throw fsError(error, bucket);
      if (await holdsObject(this.fs, dir, (folder) => this.markers.isMarker(layout, bucket, folder))) {
        throw new StorageError('BucketNotEmpty', `bucket ${bucket} is not empty`, { bucket });
      }
      // Only empty folders are left (a delete's clean-up raced with a write): they go with the bucket.
      await this.fs.rm(dir, { recursive: true, force: true });
    }
    await this.fs.rm(layout.metaDir(bucket), { recursive: true, force: true }).catch(() => undefined);
    // Records are kept per bucket: a bucket made again under this name starts with none.
    this.records.journals.forgetBucket(bucket);
  }

  async bucketExists(bucket: string): Promise<boolean> {
    return this.folders.isBucket(await this.layout(), bucket);
  }

  // ---- reading -------------------------------------------------------------------------------

  async headObject(bucket: string, key: string, options: HeadOptions): Promise<ObjectInfo> {
    const segments = keySegments(bucket, key);
    const layout = await this.layout();
    if (isFolderMarker(segments)) {
      const info = this.markers.info(key, await this.markers.stat(layout, bucket, key, segments));
      checkReadConditions(info, options, { bucket, key });
      return info;
    }
    const file = layout.objectPath(bucket, segments);
    // The file's lstat starts with the parent's check (through the thread pool, one round trip
    // instead of two): an lstat reads nothing and changes nothing, and its answer is used only
    // once the check has passed.
    const statted = this.fs.lstat(file);
    statted.catch(() => undefined);
    await this.folders.checkParent(layout, bucket, key, segments);
    const { stat, record } = await this.records.statObject(layout, bucket, key, file, statted);
    const info = this.records.info(key, stat, record);
    checkReadConditions(info, options, { bucket, key });
    return info;
  }

  async getObject(bucket: string, key: string, options: GetOptions): Promise<ObjectRead> {
    const segments = keySegments(bucket, key);
    const details = { bucket, key };
    const layout = await this.layout();
    if (isFolderMarker(segments)) {
      const info = this.markers.info(key, await this.markers.stat(layout, bucket, key, segments));
      checkReadConditions(info, options, details);
      const range = options.range ? resolveRange(options.range, 0, details) : undefined;
      return streamRead(info, Readable.from([]), range);
    }
    await this.folders.checkParent(layout, bucket, key, segments);
    const { handle, stat, record } = await this.records.openObject(layout, bucket, key, layout.objectPath(bucket, segments));
    let range: { offset: number; length: number } | undefined;
    const info = this.records.info(key, stat, record);
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
    return streamRead(info, body, range);
  }

  // ---- writing -------------------------------------------------------------------------------

  async putObject(bucket: string, key: string, body: CountedBody, options: PutOptions): Promise<PutResult> {
    const segments = keySegments(bucket, key);
    const layout = await this.layout();
    // A bucket deleted since it was seen fails at the rename instead (ensureParent answers NoSuchBucket).
    await this.folders.requireKnownBucket(layout, bucket);
    if (isFolderMarker(segments)) {
      if (body.size !== undefined && body.size > 0) throw markerWithBody(bucket, key);
      return this.putMarker(layout, bucket, key, segments, body.chunks(), pickContentHeaders(options), options.metadata ?? {}, options);
    }
    const temp = await writeTemp(this.fs, layout.tempPath(bucket, journalId(folderOf(key))), body.chunks(), {
      bucket,
      key,
      fsync: this.fsync,
    });
    const record = this.recordOf(temp, pickContentHeaders(options), options.metadata ?? {});
    await this.publisher.commit(layout, bucket, key, segments, temp, record, options);
    return { etag: `"${temp.digest}"`, size: temp.size };
  }

  /** Puts the folder marker `key` once its body is seen to be empty (a byte is `InvalidKey`, and nothing is written). */
  private async putMarker(
    layout: Layout,
    bucket: string,
    key: string,
    segments: string[],
    chunks: AsyncIterable<Uint8Array>,
    headers: SidecarRecord['headers'],
    metadata: Record<string, string>,
    options: Pick<PutOptions, 'ifMatch' | 'ifNoneMatch' | 'signal'>,
  ): Promise<PutResult> {
    await expectEmptyBody(chunks, bucket, key);
    const digest = (await createDigest()).finish();
    const record: SidecarRecord = { v: 2, size: 0, digest, headers, metadata, modified: Date.now() };
    await this.publisher.guarded(layout, bucket, key, options, async () => {
      throwIfAborted(options.signal, { bucket, key });
      await this.markers.put(layout, bucket, key, segments, record, options);
    });
    return { etag: `"${digest}"`, size: 0 };
  }

  async copyObject(source: ObjectRef, target: ObjectRef, options: CopyOptions): Promise<PutResult> {
    const sourceSegments = keySegments(source.bucket, source.key);
    const targetSegments = keySegments(target.bucket, target.key);
    const details = { bucket: target.bucket, key: target.key };
    const replace = replacesAttributes(options);
    const layout = await this.layout();
    await this.folders.requireBucket(layout, target.bucket);
    if (isFolderMarker(sourceSegments)) return this.copyMarker(layout, source, target, targetSegments, options);
    await this.folders.checkParent(layout, source.bucket, source.key, sourceSegments);
    const opened = await this.records.openObject(layout, source.bucket, source.key, layout.objectPath(source.bucket, sourceSegments));
    // The copy is checked against the source's digest as it streams: corruption is not propagated.
    const verify = { digest: await createDigest(), expected: opened.record.digest, ...source };
    const body = new FileRangeReadable(opened.handle, 0, opened.stat.size, verify);
    try {
      if (opened.record.size !== opened.stat.size) throw corrupted(source.bucket, source.key, opened.record, opened.stat);
      if (options.sourceIfMatch !== undefined && !etagMatches(options.sourceIfMatch, opened.record.digest)) {
        throw new StorageError(
          'PreconditionFailed',
          `the source's ETag "${opened.record.digest}" does not match ${options.sourceIfMatch}`,
          {
            bucket: source.bucket,
            key: source.key,
          },
        );
      }
      // Counted like a put's body: the signal stops it, and a source that changed size fails it.
      const counted = new CountedBody(body, { ...details, size: opened.stat.size, signal: options.signal });
      if (isFolderMarker(targetSegments)) {
        if (opened.stat.size > 0) throw markerWithBody(target.bucket, target.key);
        const [headers, metadata] = replace
          ? [pickContentHeaders(options), options.metadata ?? {}]
          : [opened.record.headers, opened.record.metadata];
        return await this.putMarker(layout, target.bucket, target.key, targetSegments, counted.chunks(), headers, metadata, options);
      }
      const temp = await writeTemp(this.fs, layout.tempPath(target.bucket, journalId(folderOf(target.key))), counted.chunks(), {
        ...details,
        fsync: this.fsync,
      });
      const record = replace
        ? this.recordOf(temp, pickContentHeaders(options), options.metadata ?? {})
        : this.recordOf(temp, opened.record.headers, opened.record.metadata);
      await this.publisher.commit(layout, target.bucket, target.key, targetSegments, temp, record, options);
      return { etag: `"${temp.digest}"`, size: temp.size };
    } finally {
      body.destroy();
    }
  }

  /** A copy of a folder marker: an empty object at the target, a file or another marker. */
  private async copyMarker(
    layout: Layout,
    source: ObjectRef,
    target: ObjectRef,
    targetSegments: string[],
    options: CopyOptions,
  ): Promise<PutResult> {
    const marker = await this.markers.stat(layout, source.bucket, source.key, keySegments(source.bucket, source.key));
    if (options.sourceIfMatch !== undefined && !etagMatches(options.sourceIfMatch, marker.record.digest)) {
      throw new StorageError(
        'PreconditionFailed',
        `the source's ETag "${marker.record.digest}" does not match ${options.sourceIfMatch}`,
        source,
      );
    }
    const [headers, metadata] = replacesAttributes(options)
      ? [pickContentHeaders(options), options.metadata ?? {}]
      : [marker.record.headers, marker.record.metadata];
    const empty = (async function* (): AsyncGenerator<Uint8Array> {})();
    if (isFolderMarker(targetSegments))
      return this.putMarker(layout, target.bucket, target.key, targetSegments, empty, headers, metadata, options);
    const details = { bucket: target.bucket, key: target.key };
    const temp = await writeTemp(this.fs, layout.tempPath(target.bucket, journalId(folderOf(target.key))), empty, {
      ...details,
      fsync: this.fsync,
    });
    const record = this.recordOf(temp, headers, metadata);
    await this.publisher.commit(layout, target.bucket, target.key, targetSegments, temp, record, options);
    return { etag: `"${temp.digest}"`, size: temp.size };
  }

  private recordOf(temp: TempFile, headers: SidecarRecord['headers'], metadata: Record<string, string>): SidecarRecord {
    return { v: 2, size: temp.size, digest: temp.digest, headers, metadata };
  }

  // ---- deleting ------------------------------------------------------------------------------

  async deleteObject(bucket: string, key: string): Promise<void> {
    const segments = keySegments(bucket, key);
    await this.deleteOne(await this.layout(), bucket, key, segments);
  }

  private async deleteOne(layout: Layout, bucket: string, key: string, segments: string[]): Promise<void> {
    if (isFolderMarker(segments)) {
      try {
        await this.folders.checkParent(layout, bucket, key, segments);
      } catch (error) {
        if (isStorageError(error, 'NoSuchKey')) return; // deleting what is not there succeeds, as on S3
        throw error;
      }
      await this.publisher.exclusive(bucket, key, () => this.markers.delete(layout, bucket, key, segments));
      // Outside the marker's lock: pruning takes the lock of each folder's marker key, this one's first.
      await this.pruneEmptyFolders(layout, bucket, segments);
      return;
    }
    const file = layout.objectPath(bucket, segments);
    // The parent's check runs beside the file's lstat (one round trip, not two); nothing is
    // removed until it has passed.
    const parentChecked = this.folders.checkParent(layout, bucket, key, segments).then(
      () => true,
      (error: unknown) => {
        if (isStorageError(error, 'NoSuchKey')) return false; // deleting what is not there succeeds, as on S3
        throw error;
      },
    );
    parentChecked.catch(() => undefined);
    const pruned = await this.publisher.exclusive(bucket, key, async () => {
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
      const entry = await this.records.entryOf(layout, bucket, key, stat);
      let removed: Promise<void>;
      if (entry?.sidecar === false) {
        // Nothing else to remove: the unlink is the delete, and the journal line it leaves is garbage.
        try {
          await this.fs.unlink(file);
        } catch (error) {
          if (isMissing(error)) return false;
          throw fsError(error, bucket, key);
        }
        removed = Promise.resolve();
      } else {
        // Moved among the temporaries rather than unlinked: the object is gone at once, and a crash
        // before its record file is removed leaves a temporary whose record the next open removes with it.
        const gone = layout.tempPath(bucket);
        try {
          await this.fs.rename(file, gone);
        } catch (error) {
          if (isMissing(error)) return false;
          throw fsError(error, bucket, key);
        }
        // The record before the temporary (a crash between them leaves the temporary, never the
        // record alone); the folders are pruned meanwhile.
        removed = this.fs
          .unlink(layout.sidecarPath(bucket, stat))
          .catch(() => undefined)
          .then(() => this.fs.unlink(gone))
          .catch(() => undefined); // a temporary left here goes with the next open's clean-up
      }
      // The journal's line of this version no longer applies anywhere (best effort: it is garbage either way).
      const noted = this.records.journals.deleted(layout, bucket, key, stat).catch(() => undefined);
      await Promise.all([removed, noted, this.pruneEmptyFolders(layout, bucket, segments)]);
      return true;
    });
    if (pruned === false) await this.pruneEmptyFolders(layout, bucket, segments);
  }

  /**
   * Removes the folders above `segments` that a delete left empty, deepest first, up to (not
   * including) the bucket's folder, so the tree stays tidy and a key can later be written where a
   * folder was. A folder that is a marker stays, and so do the folders above it. Each folder is
   * checked and removed under its marker key's lock, so a put of that marker in this process
   * cannot fall between the two.
   */
  private async pruneEmptyFolders(layout: Layout, bucket: string, segments: string[]): Promise<void> {
    if (segments.length > 1 && (await this.holdsKnownFile(layout, bucket, segments))) return;
    for (let depth = segments.length - 1; depth > 0; depth--) {
      const folder = segments.slice(0, depth);
      const removed = await this.publisher.exclusive(bucket, `${folder.join('/')}/`, () =>
        this.markers.removeIfUnmarked(layout, bucket, layout.objectPath(bucket, folder)),
      );
      if (!removed) return;
    }
  }

  /**
   * Whether the folder of the key `segments` still holds a file this process knows of: then it is
   * not empty, and one `lstat` spares trying to remove it (and its lock). The delete that empties a
   * folder always finds no such file, since every other delete in it unlinked its file first.
   */
  private async holdsKnownFile(layout: Layout, bucket: string, segments: string[]): Promise<boolean> {
    const sibling = this.records.journals.sibling(layout, bucket, segments.join('/'));
    if (sibling === undefined) return false;
    const stat = await this.fs.lstat(layout.objectPath(bucket, sibling.split('/'))).catch(() => undefined);
    return stat?.isFile() === true;
  }

  async deleteObjects(bucket: string, unique: string[], options: Signal): Promise<DeleteObjectsResult> {
    const layout = await this.layout();
    await this.folders.requireBucket(layout, bucket);
    const result: DeleteObjectsResult = { deleted: [], errors: [] };
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

  async *listObjects(bucket: string, options: ListOptions & { prefix: string }): AsyncGenerator<ListEntry> {
    const { prefix, delimiter, startAfter, pageSize, signal } = options;
    const layout = await this.layout();
    await this.folders.requireBucket(layout, bucket);
    // Attributes are loaded a batch at a time, in parallel, in order.
    const batchSize = Math.min(pageSize ?? 64, 256);
    let batch: WalkEntry[] = [];
    const walk = walkKeys(this.fs, layout.bucketDir(bucket), (folder) => this.markers.isMarker(layout, bucket, folder), {
      prefix,
      ...(delimiter !== undefined ? { delimiter } : {}),
      ...(startAfter !== undefined ? { startAfter } : {}),
    });
    for await (const run of walk) {
      throwIfAborted(signal, { bucket });
      for (const entry of run) {
        batch.push(entry);
        if (batch.length >= batchSize) {
          yield* await this.loadBatch(layout, bucket, batch);
          batch = [];
        }
      }
    }
    yield* await this.loadBatch(layout, bucket, batch);
  }

  private async loadBatch(layout: Layout, bucket: string, batch: WalkEntry[]): Promise<ListEntry[]> {
    const loaded = new Array<ListEntry | undefined>(batch.length);
    // Where the file system answers at once, the batch's files are statted in one call, and those
    // whose records this process holds are listed without a promise each; the rest (folders,
    // records not yet read, files gone meanwhile) take the general path.
    const files = this.fs.lstatMany ? batch.flatMap((entry, index) => (entry.type === 'object' && !entry.folder ? [index] : [])) : [];
    const stats = files.length > 0 ? await this.fs.lstatMany?.(files.map((index) => (batch[index] as { path: string }).path)) : undefined;
    files.forEach((index, at) => {
      const entry = batch[index] as WalkEntry & { type: 'object' };
      const stat = stats?.[at];
      const found = stat?.isFile() ? this.records.journals.known(layout, bucket, entry.key, stat) : undefined;
      if (stat && found) loaded[index] = this.records.listed(entry.key, stat, found.record);
    });
    const pending: Promise<void>[] = [];
    batch.forEach((entry, index) => {
      if (loaded[index] === undefined) {
        pending.push(
          this.loadEntry(layout, bucket, entry).then((listed) => {
            loaded[index] = listed;
          }),
        );
      }
    });
    await Promise.all(pending);
    return loaded.filter((entry): entry is ListEntry => entry !== undefined);
  }

  private async loadEntry(layout: Layout, bucket: string, entry: WalkEntry): Promise<ListEntry | undefined> {
    if (entry.type === 'prefix') return entry;
    if (entry.folder) {
      const marker = await this.markers.statAt(layout, bucket, entry.key, entry.path);
      return marker && { type: 'object', ...this.markers.info(entry.key, marker) };
    }
    try {
      const { stat, record } = await this.records.statObject(layout, bucket, entry.key, entry.path);
      return this.records.listed(entry.key, stat, record);
    } catch (error) {
      if (isStorageError(error, 'NoSuchKey')) return undefined; // deleted since the folder was read
      throw error;
    }
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}
