import { abortError } from './abort.js';
import type { Capabilities } from './capabilities.js';
import { assertPutOptions, assertReadConditions } from './conditions.js';
import { CountedBody } from './counted-body.js';
import type { ObjectRead, StorageDriver } from './driver.js';
import { StorageError, type StorageErrorDetails } from './errors.js';
import { FrontGetResult } from './get-result.js';
import { assertBucketName, invalidKey, keyProblemFor } from './keys.js';
import { assertListOptions } from './list-options.js';
import { normalizeMetadata } from './metadata.js';
import { assertRange } from './range.js';
import type {
  BodyInput,
  BucketInfo,
  CopyOptions,
  DeleteObjectsResult,
  GetOptions,
  GetResult,
  HeadOptions,
  ListEntry,
  ListOptions,
  ObjectInfo,
  ObjectRef,
  PresignOptions,
  PutOptions,
  PutResult,
  Signal,
  Storage,
} from './storage.js';

/** The options of a call made without any (shared, never written to). */
const NO_OPTIONS: Readonly<Record<string, undefined>> = Object.freeze({});

/** Throws `InvalidArgument` for presign options no store accepts (a store may limit `expiresIn` further). */
function assertPresignOptions(options: PresignOptions, details: StorageErrorDetails): void {
  if (typeof options !== 'object' || options === null || (options.method !== 'GET' && options.method !== 'PUT')) {
    throw new StorageError('InvalidArgument', 'presign method must be "GET" or "PUT"', details);
  }
  if (!Number.isSafeInteger(options.expiresIn) || options.expiresIn < 1) {
    throw new StorageError('InvalidArgument', 'expiresIn must be a whole number of seconds ≥ 1', details);
  }
  if (options.contentType !== undefined && typeof options.contentType !== 'string') {
    throw new StorageError('InvalidArgument', 'contentType must be a string', details);
  }
}

/**
 * The {@link Storage} every driver sits behind: it keeps the rules that are the same on every
 * backend, once, and hands the driver checked input (see {@link StorageDriver} for the list). The
 * same bad input therefore gives the same code on every driver, a third party's included.
 *
 * Built-in drivers extend it (`class MemoryStorage extends FrontDoor<MemoryDriver>`), so their
 * own extras sit beside the `Storage` methods; any other driver is wrapped: `new FrontDoor(driver)`.
 *
 * @example
 * const storage: Storage = new FrontDoor(new MyDriver());
 */
export class FrontDoor<D extends StorageDriver = StorageDriver> implements Storage {
  readonly name: string;
  readonly capabilities: Capabilities;
  /**
   * The driver behind this door, for a subclass's own methods (a store's test helpers).
   * @internal
   */
  protected readonly driver: D;

  constructor(driver: D) {
    this.driver = driver;
    this.name = driver.name;
    this.capabilities = driver.capabilities;
    const presign = driver.presign;
    if (typeof presign === 'function') {
      (this as { presign?: Storage['presign'] }).presign = (bucket, key, options) =>
        this.call(bucket, key, undefined, () => {
          assertBucketName(bucket);
          this.checkKey(bucket, key);
          assertPresignOptions(options, { bucket, key });
          return presign.call(driver, bucket, key, options);
        });
    }
  }

  listBuckets(options: Signal = NO_OPTIONS): Promise<BucketInfo[]> {
    return this.call(undefined, undefined, options.signal, () => {
      this.checkSignal(options.signal);
      return this.driver.listBuckets(options);
    });
  }

  createBucket(bucket: string, options: Signal = NO_OPTIONS): Promise<void> {
    return this.call(bucket, undefined, options.signal, () => {
      assertBucketName(bucket);
      this.checkSignal(options.signal, bucket);
      return this.driver.createBucket(bucket, options);
    });
  }

  deleteBucket(bucket: string, options: Signal = NO_OPTIONS): Promise<void> {
    return this.call(bucket, undefined, options.signal, () => {
      assertBucketName(bucket);
      this.checkSignal(options.signal, bucket);
      return this.driver.deleteBucket(bucket, options);
    });
  }

  bucketExists(bucket: string, options: Signal = NO_OPTIONS): Promise<boolean> {
    return this.call(bucket, undefined, options.signal, () => {
      assertBucketName(bucket);
      this.checkSignal(options.signal, bucket);
      return this.driver.bucketExists(bucket, options);
    });
  }

  putObject(bucket: string, key: string, body: BodyInput, options: PutOptions = NO_OPTIONS): Promise<PutResult> {
    return this.call(bucket, key, options.signal, () => {
      assertBucketName(bucket);
      this.checkKey(bucket, key);
      assertPutOptions(options, { bucket, key });
      const metadata = options.metadata === undefined ? undefined : normalizeMetadata(options.metadata, { bucket, key });
      const counted = new CountedBody(body, { bucket, key, size: options.size, signal: options.signal, onProgress: options.onProgress });
      this.checkSignal(options.signal, bucket, key);
      return this.driver.putObject(bucket, key, counted, metadata === options.metadata ? options : { ...options, metadata });
    });
  }

  getObject(bucket: string, key: string, options: GetOptions = NO_OPTIONS): Promise<GetResult> {
    const { signal } = options;
    return this.call(
      bucket,
      key,
      signal,
      () => {
        assertBucketName(bucket);
        this.checkKey(bucket, key);
        if (options.range !== undefined) assertRange(options.range, { bucket, key });
        this.checkReadConditions(options, bucket, key);
        this.checkSignal(signal, bucket, key);
        return this.driver.getObject(bucket, key, options);
      },
      (read: ObjectRead) => new FrontGetResult(read, signal, bucket, key),
    );
  }

  headObject(bucket: string, key: string, options: HeadOptions = NO_OPTIONS): Promise<ObjectInfo> {
    return this.call(bucket, key, options.signal, () => {
      assertBucketName(bucket);
      this.checkKey(bucket, key);
      this.checkReadConditions(options, bucket, key);
      this.checkSignal(options.signal, bucket, key);
      return this.driver.headObject(bucket, key, options);
    });
  }

  deleteObject(bucket: string, key: string, options: Signal = NO_OPTIONS): Promise<void> {
    return this.call(bucket, key, options.signal, () => {
      assertBucketName(bucket);
      this.checkKey(bucket, key);
      this.checkSignal(options.signal, bucket, key);
      return this.driver.deleteObject(bucket, key, options);
    });
  }

  deleteObjects(bucket: string, keys: string[], options: Signal = NO_OPTIONS): Promise<DeleteObjectsResult> {
    const refused: DeleteObjectsResult['errors'] = [];
    return this.call(
      bucket,
      undefined,
      options.signal,
      () => {
        assertBucketName(bucket);
        if (!Array.isArray(keys)) throw new StorageError('InvalidArgument', 'keys must be an array of strings', { bucket });
        const valid: string[] = [];
        for (const key of new Set<unknown>(keys)) {
          const problem = keyProblemFor(key, this.capabilities);
          if (problem === undefined) valid.push(key as string);
          else refused.push({ key: String(key), code: 'InvalidKey', message: invalidKey(key, problem, bucket).message });
        }
        this.checkSignal(options.signal, bucket);
        return this.driver.deleteObjects(bucket, valid, options);
      },
      (result: DeleteObjectsResult) =>
        refused.length === 0 ? result : { deleted: result.deleted, errors: [...refused, ...result.errors] },
    );
  }

  copyObject(source: ObjectRef, target: ObjectRef, options: CopyOptions = NO_OPTIONS): Promise<PutResult> {
    return this.call(target?.bucket, target?.key, options.signal, () => {
      if (typeof source !== 'object' || source === null || typeof target !== 'object' || target === null) {
        throw new StorageError('InvalidArgument', 'a copy takes a source and a target, each { bucket, key }');
      }
      assertBucketName(source.bucket);
      assertBucketName(target.bucket);
      this.checkKey(source.bucket, source.key);
      this.checkKey(target.bucket, target.key);
      const details = { bucket: target.bucket, key: target.key };
      if (options.sourceIfMatch !== undefined && typeof options.sourceIfMatch !== 'string') {
        throw new StorageError('InvalidArgument', 'sourceIfMatch must be an ETag string', details);
      }
      const metadata = options.metadata === undefined ? undefined : normalizeMetadata(options.metadata, details);
      this.checkSignal(options.signal, target.bucket, target.key);
      return this.driver.copyObject(source, target, metadata === options.metadata ? options : { ...options, metadata });
    });
  }

  listObjects(bucket: string, options: ListOptions = NO_OPTIONS): AsyncIterable<ListEntry> {
    return this.list(bucket, options);
  }

  /**
   * Present when the driver can presign (`capabilities.presign`): set per instance, so a store
   * without it has no `presign` at all, as {@link Storage} promises.
   */
  declare readonly presign?: (bucket: string, key: string, options: PresignOptions) => Promise<string>;

  private async *list(bucket: string, options: ListOptions): AsyncGenerator<ListEntry> {
    const { signal } = options;
    let entries: AsyncIterable<ListEntry>;
    try {
      assertBucketName(bucket);
      assertListOptions(bucket, options);
      this.checkSignal(signal, bucket);
      // An empty delimiter is no delimiter, as S3 treats it.
      const checked =
        options.prefix === undefined || options.delimiter === ''
          ? { ...options, prefix: options.prefix ?? '', delimiter: options.delimiter || undefined }
          : options;
      entries = this.driver.listObjects(bucket, checked as ListOptions & { prefix: string });
    } catch (error) {
      throw this.failure(error, bucket, undefined, signal);
    }
    const iterator = entries[Symbol.asyncIterator]();
    let done = false;
    try {
      for (;;) {
        let next: IteratorResult<ListEntry>;
        try {
          next = await iterator.next();
        } catch (error) {
          done = true;
          throw this.failure(error, bucket, undefined, signal);
        }
        if (next.done) {
          done = true;
          return;
        }
        yield next.value;
      }
    } finally {
      if (!done) await iterator.return?.();
    }
  }

  /**
   * Runs one call: `start` checks the input and starts the driver's work; a failure anywhere is
   * made a `StorageError` once, here; `finish` shapes a success.
   */
  private call<T, R = T>(
    bucket: string | undefined,
    key: string | undefined,
    signal: AbortSignal | undefined,
    start: () => Promise<T>,
    finish?: (value: T) => R,
  ): Promise<R> {
    let started: Promise<T>;
    try {
      started = start();
    } catch (error) {
      return Promise.reject(this.failure(error, bucket, key, signal));
    }
    return started.then(finish as (value: T) => R, (error: unknown) => {
      throw this.failure(error, bucket, key, signal);
    });
  }

  private failure(error: unknown, bucket: string | undefined, key: string | undefined, signal: AbortSignal | undefined): StorageError {
    if (error instanceof StorageError) return error;
    const details = { ...(typeof bucket === 'string' ? { bucket } : {}), ...(typeof key === 'string' ? { key } : {}) };
    if (signal?.aborted) return abortError(signal, { ...details, cause: error });
    const mapped = this.driver.mapError?.(error, { ...details, cause: error });
    if (mapped) return mapped;
    const why = error instanceof Error ? error.message : String(error);
    return new StorageError('Unavailable', `the ${this.name} store failed: ${why}`, { ...details, cause: error });
  }

  private checkKey(bucket: string, key: string): void {
    const problem = keyProblemFor(key, this.capabilities);
    if (problem !== undefined) throw invalidKey(key, problem, bucket);
  }

  private checkReadConditions(options: GetOptions, bucket: string, key: string): void {
    if (
      options.ifMatch !== undefined ||
      options.ifNoneMatch !== undefined ||
      options.ifModifiedSince !== undefined ||
      options.ifUnmodifiedSince !== undefined
    ) {
      assertReadConditions(options, { bucket, key });
    }
  }

  private checkSignal(signal: AbortSignal | undefined, bucket?: string, key?: string): void {
    if (signal?.aborted) throw abortError(signal, { ...(bucket !== undefined ? { bucket } : {}), ...(key !== undefined ? { key } : {}) });
  }
}
