import {
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
  type PresignOptions,
  type PutOptions,
  type PutResult,
  type Signal,
  type Storage,
  ERROR_CODES,
  type ErrorCode,
  utf8Length,
} from '@stowage/core';

/** Wraps a store: takes a `Storage` and returns a `Storage` with some behaviour around it. */
export type Layer = (inner: Storage) => Storage;

/**
 * A store wrapped in layers: `layered(s, a, b)` is `b(a(s))`, so the first layer sits next to the
 * store and the last is outermost (the one the caller talks to).
 *
 * @example
 * const storage = layered(new S3Storage(), retry(), timeout(30_000), logging(pino()));
 */
export function layered(storage: Storage, ...layers: Layer[]): Storage {
  return layers.reduce((inner, layer) => layer(inner), storage);
}

/** The operations of {@link Storage}, by method name. */
export type OperationName =
  | 'listBuckets'
  | 'createBucket'
  | 'deleteBucket'
  | 'bucketExists'
  | 'putObject'
  | 'getObject'
  | 'headObject'
  | 'deleteObject'
  | 'deleteObjects'
  | 'copyObject'
  | 'listObjects'
  | 'presign';

/** The operations that change what a store holds. */
export const WRITE_OPERATIONS: ReadonlySet<OperationName> = new Set<OperationName>([
  'createBucket',
  'deleteBucket',
  'putObject',
  'deleteObject',
  'deleteObjects',
  'copyObject',
]);

/** One call as a layer sees it: what it is and where it goes, never its body or headers. */
export interface OperationCall {
  operation: OperationName;
  /** The bucket (for a copy: the target's). */
  bucket?: string;
  /** The key (for a copy: the target's). */
  key?: string;
  /** A copy's source. */
  source?: ObjectRef;
  /** Bytes, where known before the call (a put's declared or known size). */
  size?: number;
  /** The caller's signal. */
  signal?: AbortSignal;
}

/** The bytes of a body when they are known without reading it. */
export function knownSize(body: BodyInput, options: PutOptions): number | undefined {
  if (options.size !== undefined) return options.size;
  if (typeof body === 'string') return utf8Length(body);
  if (body instanceof Uint8Array) return body.byteLength;
  if (typeof Blob !== 'undefined' && body instanceof Blob) return body.size;
  return undefined;
}

/** `options` with `signal` in place of the caller's (the same object when the signal is the same). */
export function withSignal<T extends Signal>(options: T, signal: AbortSignal | undefined): T {
  return signal === options.signal ? options : { ...options, signal };
}

/**
 * A store that passes every call on to `inner` unchanged. Layers extend it and override what
 * they change; `presign` is present exactly when the inner store has it.
 */
export class ForwardingStorage implements Storage {
  readonly name: string;
  readonly capabilities: Capabilities;
  declare readonly presign?: (bucket: string, key: string, options: PresignOptions) => Promise<string>;

  constructor(protected readonly inner: Storage) {
    this.name = inner.name;
    this.capabilities = inner.capabilities;
    if (typeof inner.presign === 'function') {
      (this as { presign?: Storage['presign'] }).presign = (bucket, key, options) => this.presignObject(bucket, key, options);
    }
  }

  listBuckets(options: Signal = {}): Promise<BucketInfo[]> {
    return this.inner.listBuckets(options);
  }
  createBucket(bucket: string, options: Signal = {}): Promise<void> {
    return this.inner.createBucket(bucket, options);
  }
  deleteBucket(bucket: string, options: Signal = {}): Promise<void> {
    return this.inner.deleteBucket(bucket, options);
  }
  bucketExists(bucket: string, options: Signal = {}): Promise<boolean> {
    return this.inner.bucketExists(bucket, options);
  }
  putObject(bucket: string, key: string, body: BodyInput, options: PutOptions = {}): Promise<PutResult> {
    return this.inner.putObject(bucket, key, body, options);
  }
  getObject(bucket: string, key: string, options: GetOptions = {}): Promise<GetResult> {
    return this.inner.getObject(bucket, key, options);
  }
  headObject(bucket: string, key: string, options: HeadOptions = {}): Promise<ObjectInfo> {
    return this.inner.headObject(bucket, key, options);
  }
  deleteObject(bucket: string, key: string, options: Signal = {}): Promise<void> {
    return this.inner.deleteObject(bucket, key, options);
  }
  deleteObjects(bucket: string, keys: string[], options: Signal = {}): Promise<DeleteObjectsResult> {
    return this.inner.deleteObjects(bucket, keys, options);
  }
  copyObject(source: ObjectRef, target: ObjectRef, options: CopyOptions = {}): Promise<PutResult> {
    return this.inner.copyObject(source, target, options);
  }
  listObjects(bucket: string, options: ListOptions = {}): AsyncIterable<ListEntry> {
    return this.inner.listObjects(bucket, options);
  }
  /** What `presign` does, when the inner store has it. */
  protected presignObject(bucket: string, key: string, options: PresignOptions): Promise<string> {
    return (this.inner.presign as NonNullable<Storage['presign']>)(bucket, key, options);
  }
}

/**
 * A store that runs every promise-returning call through {@link InterceptingStorage.around}: the
 * place for behaviour that is the same for every operation (a deadline, a slot, a log line, a
 * span). `run` calls the inner store with the signal given to it, so a layer can pass a signal of
 * its own down. Listings pass through unchanged unless a layer overrides `listObjects`.
 */
export abstract class InterceptingStorage extends ForwardingStorage {
  /** Runs one call: `run(signal)` makes the inner call with `signal` in place of the caller's. */
  protected abstract around<T>(call: OperationCall, run: (signal: AbortSignal | undefined) => Promise<T>): Promise<T>;

  override listBuckets(options: Signal = {}): Promise<BucketInfo[]> {
    return this.around({ operation: 'listBuckets', signal: options.signal }, (signal) =>
      this.inner.listBuckets(withSignal(options, signal)),
    );
  }
  override createBucket(bucket: string, options: Signal = {}): Promise<void> {
    return this.around({ operation: 'createBucket', bucket, signal: options.signal }, (signal) =>
      this.inner.createBucket(bucket, withSignal(options, signal)),
    );
  }
  override deleteBucket(bucket: string, options: Signal = {}): Promise<void> {
    return this.around({ operation: 'deleteBucket', bucket, signal: options.signal }, (signal) =>
      this.inner.deleteBucket(bucket, withSignal(options, signal)),
    );
  }
  override bucketExists(bucket: string, options: Signal = {}): Promise<boolean> {
    return this.around({ operation: 'bucketExists', bucket, signal: options.signal }, (signal) =>
      this.inner.bucketExists(bucket, withSignal(options, signal)),
    );
  }
  override putObject(bucket: string, key: string, body: BodyInput, options: PutOptions = {}): Promise<PutResult> {
    const size = knownSize(body, options);
    return this.around({ operation: 'putObject', bucket, key, signal: options.signal, ...(size !== undefined ? { size } : {}) }, (signal) =>
      this.inner.putObject(bucket, key, body, withSignal(options, signal)),
    );
  }
  override getObject(bucket: string, key: string, options: GetOptions = {}): Promise<GetResult> {
    return this.around({ operation: 'getObject', bucket, key, signal: options.signal }, (signal) =>
      this.inner.getObject(bucket, key, withSignal(options, signal)),
    );
  }
  override headObject(bucket: string, key: string, options: HeadOptions = {}): Promise<ObjectInfo> {
    return this.around({ operation: 'headObject', bucket, key, signal: options.signal }, (signal) =>
      this.inner.headObject(bucket, key, withSignal(options, signal)),
    );
  }
  override deleteObject(bucket: string, key: string, options: Signal = {}): Promise<void> {
    return this.around({ operation: 'deleteObject', bucket, key, signal: options.signal }, (signal) =>
      this.inner.deleteObject(bucket, key, withSignal(options, signal)),
    );
  }
  override deleteObjects(bucket: string, keys: string[], options: Signal = {}): Promise<DeleteObjectsResult> {
    return this.around({ operation: 'deleteObjects', bucket, signal: options.signal }, (signal) =>
      this.inner.deleteObjects(bucket, keys, withSignal(options, signal)),
    );
  }
  override copyObject(source: ObjectRef, target: ObjectRef, options: CopyOptions = {}): Promise<PutResult> {
    return this.around({ operation: 'copyObject', bucket: target?.bucket, key: target?.key, source, signal: options.signal }, (signal) =>
      this.inner.copyObject(source, target, withSignal(options, signal)),
    );
  }
  protected override presignObject(bucket: string, key: string, options: PresignOptions): Promise<string> {
    return this.around({ operation: 'presign', bucket, key }, () => super.presignObject(bucket, key, options));
  }
}

const CODES: ReadonlySet<string> = new Set(ERROR_CODES);

/**
 * The stable code of a failure, or `undefined` when it has none. Duck-typed, not `instanceof`: a
 * second copy of @stowage/core (two versions installed) still has codes.
 */
export function errorCodeOf(error: unknown): ErrorCode | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CODES.has(code) ? (code as ErrorCode) : undefined;
}

/** The bytes a result names, for the operations whose results say (logs and traces report it). */
export function resultSize(operation: OperationName, result: unknown): number | undefined {
  switch (operation) {
    case 'getObject': {
      const get = result as GetResult;
      return get.range ? get.range.length : get.info.size;
    }
    case 'headObject':
      return (result as ObjectInfo).size;
    case 'putObject':
    case 'copyObject':
      return (result as PutResult).size;
    default:
      return undefined;
  }
}
