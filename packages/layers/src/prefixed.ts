import {
  type BodyInput,
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
  type PresignOptions,
  type PutOptions,
  type PutResult,
  type Signal,
  type Storage,
  StorageError,
  assertBucketName,
  assertKeyFor,
  assertListOptions,
  collectBytes,
  invalidKey,
  keyProblem,
  keyProblemFor,
  keyShapeProblem,
  utf8Length,
} from '@stowage/core';
import type { Readable } from 'node:stream';
import { ForwardingStorage, type Layer } from './layer.js';
import { errorMappedBody, errorMappedWebStream } from './node-bodies.js';

/**
 * Scopes a store to a prefix: every key of every bucket lives under `prefix`, and nothing outside
 * it can be read, listed, written or deleted. Listings strip the prefix (their `prefix`,
 * `startAfter` and common prefixes are the caller's, translated), errors and results name keys as
 * the caller wrote them, and `capabilities.maxKeyBytes` shrinks by the prefix's UTF-8 length.
 *
 * The caller's key is checked as a key before the prefix is put in front of it, so an empty key is
 * `InvalidKey` as on S3; `..` is only characters on S3, so no key can climb out of the prefix.
 * Buckets themselves are not scoped: `listBuckets`, `createBucket`, `deleteBucket` and
 * `bucketExists` pass through (and `deleteBucket` fails `BucketNotEmpty` while objects outside
 * the prefix remain).
 *
 * The prefix must be a non-empty string that is valid Unicode and shorter than the store's longest
 * key; it is used as it is, so `'tenant-a/'` scopes to a "folder" and `'tenant-a-'` to a name
 * stem. An empty prefix is refused (`InvalidArgument`) rather than taken as "no scope": a scope
 * that silently scopes nothing is more likely a missing setting than a wish.
 *
 * A presigned URL names the stored key, prefix included (it points at the object beneath).
 *
 * @example
 * const tenant = layered(new S3Storage(), prefixed('tenant-a/'));
 * await tenant.putObject('shared', 'photo.jpg', bytes); // stored as shared/tenant-a/photo.jpg
 *
 * @throws `StorageError` with code `InvalidArgument` for a prefix that is not a non-empty, valid
 * key prefix, and (when applied) for one the store cannot hold keys under.
 */
export function prefixed(prefix: string): Layer {
  if (typeof prefix !== 'string' || prefix.length === 0) {
    throw new StorageError('InvalidArgument', 'prefixed() takes a non-empty string prefix');
  }
  const problem = keyProblem(prefix);
  if (problem)
    throw new StorageError('InvalidArgument', `invalid prefix ${JSON.stringify(prefix)}: ${problem.replace('a key', 'a prefix')}`);
  return (inner) => new PrefixedStorage(inner, prefix);
}

/** How messages show a key: the first 100 characters, quoted, as core's `invalidKey` does. */
function shown(key: string): string {
  return JSON.stringify(key.length > 100 ? `${key.slice(0, 100)}…` : key);
}

/** `start()`, with a check that throws turned into a rejection, as every `Storage` method reports failures. */
function guarded<T>(start: () => Promise<T>): Promise<T> {
  try {
    return start();
  } catch (error) {
    return Promise.reject(error);
  }
}

/** A store seen through a prefix; see {@link prefixed}. */
class PrefixedStorage extends ForwardingStorage {
  override readonly capabilities: Capabilities;

  constructor(
    inner: Storage,
    private readonly prefix: string,
  ) {
    super(inner);
    const prefixBytes = utf8Length(prefix);
    if (prefixBytes >= inner.capabilities.maxKeyBytes) {
      throw new StorageError(
        'InvalidArgument',
        `the prefix ${shown(prefix)} (${prefixBytes} bytes) leaves no room for a key in ${inner.name} (maxKeyBytes ${inner.capabilities.maxKeyBytes})`,
      );
    }
    // A prefix whose own shape the store refuses (`/p/` where empty segments are not allowed) would make every key fail.
    const shape = keyShapeProblem(`${prefix}x`, inner.capabilities);
    if (shape) throw new StorageError('InvalidArgument', `${inner.name} cannot hold keys under the prefix ${shown(prefix)}: ${shape}`);
    this.capabilities = Object.freeze({ ...inner.capabilities, maxKeyBytes: inner.capabilities.maxKeyBytes - prefixBytes });
  }

  override putObject(bucket: string, key: string, body: BodyInput, options: PutOptions = {}): Promise<PutResult> {
    return guarded(() => {
      const full = this.full(bucket, key);
      const { onProgress } = options;
      // Progress events name the key; the caller's callback sees the caller's key.
      const scoped = typeof onProgress === 'function' ? { ...options, onProgress: this.progressFor(key, onProgress) } : options;
      return this.mapped(this.inner.putObject(bucket, full, body, scoped));
    });
  }

  override getObject(bucket: string, key: string, options: GetOptions = {}): Promise<GetResult> {
    return guarded(() => {
      const full = this.full(bucket, key);
      return this.inner.getObject(bucket, full, options).then(
        (result) => new KeyedGetResult(result, key, (error) => this.mapError(error)),
        (error: unknown) => this.rejected(error),
      );
    });
  }

  override headObject(bucket: string, key: string, options: HeadOptions = {}): Promise<ObjectInfo> {
    return guarded(() => {
      const full = this.full(bucket, key);
      return this.inner.headObject(bucket, full, options).then(
        (info) => ({ ...info, key }),
        (error: unknown) => this.rejected(error),
      );
    });
  }

  override deleteObject(bucket: string, key: string, options: Signal = {}): Promise<void> {
    return guarded(() => {
      const full = this.full(bucket, key);
      return this.mapped(this.inner.deleteObject(bucket, full, options));
    });
  }

  override async deleteObjects(bucket: string, keys: string[], options: Signal = {}): Promise<DeleteObjectsResult> {
    assertBucketName(bucket);
    if (!Array.isArray(keys)) throw new StorageError('InvalidArgument', 'keys must be an array of strings', { bucket });
    // Keys the caller may not use are reported here, as the front door reports them, and never reach the store.
    const refused: DeleteObjectsResult['errors'] = [];
    const valid: string[] = [];
    for (const key of new Set<unknown>(keys)) {
      const problem = keyProblemFor(key, this.capabilities);
      if (problem === undefined) valid.push(this.prefix + (key as string));
      else refused.push({ key: String(key), code: 'InvalidKey', message: invalidKey(key, problem, bucket).message });
    }
    const result = await this.mapped(this.inner.deleteObjects(bucket, valid, options));
    return {
      deleted: result.deleted.map((key) => this.strip(key)),
      errors: [
        ...refused,
        ...result.errors.map((e) => {
          const key = this.strip(e.key);
          return { key, code: e.code, message: this.messageFor(e.message, e.key, key) };
        }),
      ],
    };
  }

  override copyObject(source: ObjectRef, target: ObjectRef, options: CopyOptions = {}): Promise<PutResult> {
    return guarded(() => {
      if (typeof source !== 'object' || source === null || typeof target !== 'object' || target === null) {
        throw new StorageError('InvalidArgument', 'a copy takes a source and a target, each { bucket, key }');
      }
      // S3's order: both bucket names, then both keys.
      assertBucketName(source.bucket);
      assertBucketName(target.bucket);
      const from = { bucket: source.bucket, key: this.full(source.bucket, source.key) };
      const to = { bucket: target.bucket, key: this.full(target.bucket, target.key) };
      return this.mapped(this.inner.copyObject(from, to, options));
    });
  }

  override listObjects(bucket: string, options: ListOptions = {}): AsyncIterable<ListEntry> {
    return this.list(bucket, options);
  }

  protected override presignObject(bucket: string, key: string, options: PresignOptions): Promise<string> {
    return guarded(() => {
      const full = this.full(bucket, key);
      return this.mapped(super.presignObject(bucket, full, options));
    });
  }

  private async *list(bucket: string, options: ListOptions): AsyncGenerator<ListEntry> {
    assertBucketName(bucket);
    assertListOptions(bucket, options ?? {});
    const { prefix = '', startAfter, ...rest } = options ?? {};
    const scoped: ListOptions = {
      ...rest,
      prefix: this.prefix + prefix,
      // Inside the prefix the order of `prefix + a` and `prefix + b` is that of `a` and `b`.
      ...(startAfter !== undefined ? { startAfter: this.prefix + startAfter } : {}),
    };
    try {
      for await (const entry of this.inner.listObjects(bucket, scoped)) {
        // The inner listing asked for the prefix; checking again costs little and keeps "nothing outside" a local promise.
        if (entry.type === 'prefix') {
          if (entry.prefix.startsWith(this.prefix)) yield { type: 'prefix', prefix: entry.prefix.slice(this.prefix.length) };
        } else if (entry.key.startsWith(this.prefix)) {
          yield { ...entry, key: entry.key.slice(this.prefix.length) };
        }
      }
    } catch (error) {
      throw this.mapError(error);
    }
  }

  /** The stored key for the caller's `key`, after checking both names as S3 orders them (bucket, then key). */
  private full(bucket: string, key: string): string {
    assertBucketName(bucket);
    assertKeyFor(this.capabilities, key, bucket);
    return this.prefix + key;
  }

  private strip(key: string): string {
    return key.startsWith(this.prefix) ? key.slice(this.prefix.length) : key;
  }

  private progressFor(key: string, onProgress: NonNullable<PutOptions['onProgress']>): NonNullable<PutOptions['onProgress']> {
    return (event) => onProgress({ ...event, key: event.key.startsWith(this.prefix) ? key : event.key });
  }

  private mapped<T>(promise: Promise<T>): Promise<T> {
    return promise.then(undefined, (error: unknown) => this.rejected(error));
  }

  private rejected(error: unknown): never {
    throw this.mapError(error);
  }

  /**
   * The same error naming the caller's key. The cause stays the inner error's own (a callback's
   * error, a driver's `ENOENT`), as callers read it the same with or without the layer.
   */
  private mapError(error: unknown): unknown {
    if (!(error instanceof StorageError) || error.key === undefined || !error.key.startsWith(this.prefix)) return error;
    const key = error.key.slice(this.prefix.length);
    return new StorageError(error.code, this.messageFor(error.message, error.key, key), {
      ...(error.bucket !== undefined ? { bucket: error.bucket } : {}),
      key,
      ...(error.cause !== undefined ? { cause: error.cause } : {}),
    });
  }

  private messageFor(message: string, stored: string, key: string): string {
    return message.replaceAll(shown(stored), shown(key)).replaceAll(stored, key);
  }
}

/**
 * A get's result whose `info.key` is the caller's, and whose body's errors (a checksum that fails
 * at the end, an abort) name the caller's key too. `bytes()` and `text()` keep the inner result's
 * fast paths; the body is the inner one piped through, made when first asked for, and `webStream()`
 * is that body's (the inner web stream, errors mapped, in the web build: see `node-bodies.ts`).
 */
class KeyedGetResult implements GetResult {
  declare readonly range?: { offset: number; length: number };
  private keyed: ObjectInfo | undefined;
  private made: Readable | undefined;

  constructor(
    private readonly inner: GetResult,
    private readonly key: string,
    private readonly mapError: (error: unknown) => unknown,
  ) {
    if (inner.range) this.range = inner.range;
  }

  get info(): ObjectInfo {
    this.keyed ??= { ...this.inner.info, key: this.key };
    return this.keyed;
  }
  get body(): Readable {
    this.made ??= errorMappedBody(this.inner.body, this.mapError);
    return this.made;
  }
  async text(): Promise<string> {
    if (this.made) return new TextDecoder().decode(await collectBytes(this.made));
    try {
      return await this.inner.text();
    } catch (error) {
      throw this.mapError(error);
    }
  }
  bytes(): Promise<Uint8Array> {
    if (this.made) return collectBytes(this.made);
    return guarded(() => this.inner.bytes()).then(undefined, (error: unknown) => {
      throw this.mapError(error);
    });
  }
  webStream(): ReadableStream<Uint8Array> {
    return errorMappedWebStream(this, this.inner, this.mapError);
  }
}
