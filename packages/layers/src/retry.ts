import {
  type BodyInput,
  type ErrorCode,
  type GetOptions,
  type ListEntry,
  type ListOptions,
  type ProgressEvent,
  type PutOptions,
  type PutResult,
  type Signal,
  type Storage,
  StorageError,
  type StorageErrorDetails,
  abortableDelay,
  bareEtag,
  compareKeys,
  isStorageError,
  normalizeBody,
  reportProgress,
  sameBytes,
  utf8Bytes,
} from '@stowage/core';
import { md5Hex } from '@stowage/core/md5';
import { InterceptingStorage, type Layer, type OperationCall, type OperationName, knownSize, withSignal } from './layer.js';

/** What {@link RetryOptions.onRetry} is told before each retry. */
export interface RetryEvent {
  operation: OperationName;
  /** Which retry this is: 1 for the first, made after the first attempt failed. */
  attempt: number;
  /** How long the layer waits before the retry. */
  delayMs: number;
  /** The transient failure that is being retried. */
  error: StorageError;
  bucket?: string;
  key?: string;
}

/** Options of {@link retry}. */
export interface RetryOptions {
  /** Attempts per operation, the first one included (1: no retries). Default 4. */
  maxAttempts?: number;
  /** The backoff cap of the first retry; it doubles each retry up to `maxDelayMs`. Default 100. */
  baseDelayMs?: number;
  /** The largest backoff cap. Default 5000. */
  maxDelayMs?: number;
  /**
   * Whether a failure is transient. Default: its code is `Unavailable` or `Timeout`. It is asked
   * only about `Unavailable`, `Timeout` and `ChecksumMismatch`: every other code (`NoSuchKey`,
   * `PreconditionFailed`, `InvalidKey`, `InvalidArgument`, `Aborted`, ...) is an answer, never retried.
   */
  retryOn?: (error: StorageError, operation: OperationName) => boolean;
  /** Sees every retry before its wait. An exception thrown here is ignored: it observes, it does not decide. */
  onRetry?: (event: RetryEvent) => void;
  /** Numbers in [0, 1) for the jitter. Default `Math.random`; a seeded one makes the delays repeatable. */
  random?: () => number;
}

/** The codes a `retryOn` may call transient; every other code is final. */
const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['Unavailable', 'Timeout', 'ChecksumMismatch']);

function defaultRetryOn(error: StorageError): boolean {
  return error.code === 'Unavailable' || error.code === 'Timeout';
}

interface Settings {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  retryOn: (error: StorageError, operation: OperationName) => boolean;
  onRetry: ((event: RetryEvent) => void) | undefined;
  random: () => number;
}

function resolve(options: RetryOptions | undefined): Settings {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null) throw new StorageError('InvalidArgument', 'retry options must be an object');
  const { maxAttempts = 4, baseDelayMs = 100, maxDelayMs = 5000, retryOn, onRetry, random } = options;
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) {
    throw new StorageError('InvalidArgument', 'retry: maxAttempts must be a whole number ≥ 1');
  }
  for (const [name, value] of [
    ['baseDelayMs', baseDelayMs],
    ['maxDelayMs', maxDelayMs],
  ] as const) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new StorageError('InvalidArgument', `retry: ${name} must be a number of milliseconds ≥ 0`);
    }
  }
  for (const [name, value] of [
    ['retryOn', retryOn],
    ['onRetry', onRetry],
    ['random', random],
  ] as const) {
    if (value !== undefined && typeof value !== 'function') throw new StorageError('InvalidArgument', `retry: ${name} must be a function`);
  }
  return { maxAttempts, baseDelayMs, maxDelayMs, retryOn: retryOn ?? defaultRetryOn, onRetry, random: random ?? Math.random };
}

/**
 * Retries an operation that failed with a transient code (`Unavailable`, `Timeout`; see
 * `retryOn`) with exponential backoff and full jitter: the wait before retry `n` is uniform in
 * `[0, min(maxDelayMs, baseDelayMs · 2^(n-1))]`. Answers (`NoSuchKey`, `PreconditionFailed`,
 * `InvalidKey`, `Aborted`, ...) are never retried; an abort stops a backoff wait at once (`Aborted`).
 *
 * - A put of a string, byte array or Blob is replayed; a put of a one-shot stream is retried only
 *   if the store read none of it, else it fails with the original error (the write may have happened).
 *   `onProgress` gets an event with a negative `delta` back to 0 before bytes are sent again.
 * - A listing that fails mid-way resumes after the last key (or common prefix) it yielded, with no
 *   duplicate and no gap.
 * - A get is retried until it returns; its body, once handed out, is the reader's: a body that fails
 *   part-way is not resumed here (read again, or use a driver that resumes, as S3's does).
 * - A `deleteObjects` that succeeded is returned as it is, per-key errors included (a transient
 *   error of one key is not retried on its own).
 * - Answers lost on the way back (issue 19): after a transient failure, a conditional put whose retry
 *   meets `PreconditionFailed` succeeds if the store now holds exactly the bytes this put sent (the
 *   ETag compared with their MD5 where the store's ETags are MD5s, else the bytes read back); a
 *   `deleteBucket` whose retry meets `NoSuchBucket` and a `createBucket` whose retry meets
 *   `BucketAlreadyExists` succeed. What cannot be told apart: another writer who stored the very same
 *   bytes between the attempts, or created or removed the same bucket, looks like this call's own
 *   earlier attempt, and the call reports success (the store is as the caller asked).
 *
 * @example
 * const storage = layered(new S3Storage(), retry({ maxAttempts: 5, onRetry: (e) => log.warn(e, 'retrying') }));
 */
export function retry(options?: RetryOptions): Layer {
  const settings = resolve(options);
  return (inner) => new RetryStorage(inner, settings);
}

/** Marks "no lost answer found": the failure stands. */
const NOT_RECOVERED: unique symbol = Symbol('not recovered');

interface Hooks<T> {
  /** False when this failure may not be retried although transient (a consumed stream). */
  canRetry?: () => boolean;
  /** Runs once a retry is decided, before its wait. */
  beforeRetry?: () => void;
  /** After an earlier transient failure: whether `error` is this call's own earlier attempt showing. */
  recover?: (error: StorageError) => Promise<T | typeof NOT_RECOVERED>;
}

function detailsOf(call: OperationCall): StorageErrorDetails {
  return { ...(call.bucket !== undefined ? { bucket: call.bucket } : {}), ...(call.key !== undefined ? { key: call.key } : {}) };
}

function isBlob(body: unknown): body is Blob {
  return typeof Blob !== 'undefined' && body instanceof Blob;
}

/**
 * A one-shot body handed to each attempt as a fresh iterable over the caller's stream, so the
 * layer knows whether the store started reading it: `started` turns true on the first pull.
 */
class OneShotBody {
  started = false;
  constructor(
    private readonly body: BodyInput,
    private readonly details: StorageErrorDetails,
  ) {}

  take(): AsyncIterable<Uint8Array> {
    return {
      [Symbol.asyncIterator]: () => {
        let source: AsyncIterator<Uint8Array> | undefined;
        return {
          next: () => {
            this.started = true;
            source ??= normalizeBody(this.body, this.details).chunks[Symbol.asyncIterator]();
            return source.next();
          },
          // Closing before the first pull leaves the caller's stream whole, so it can still be retried.
          return: async (): Promise<IteratorResult<Uint8Array>> => {
            if (source?.return) await source.return();
            return { done: true, value: undefined };
          },
        };
      },
    };
  }
}

/** True for a body of a kind stores accept (anything `normalizeBody` takes, which reads nothing yet). */
function isBodyForm(body: BodyInput, details: StorageErrorDetails): boolean {
  try {
    normalizeBody(body, details);
    return true;
  } catch {
    return false;
  }
}

async function bytesOf(body: string | Uint8Array | Blob): Promise<Uint8Array> {
  if (typeof body === 'string') return utf8Bytes(body);
  if (body instanceof Uint8Array) return body;
  return new Uint8Array(await body.arrayBuffer());
}

class RetryStorage extends InterceptingStorage {
  constructor(
    inner: Storage,
    private readonly settings: Settings,
  ) {
    super(inner);
  }

  /** Whether `error` may be retried at all (a transient code the options call transient). */
  private transient(error: unknown, operation: OperationName): error is StorageError {
    return isStorageError(error) && RETRYABLE_CODES.has(error.code) && this.settings.retryOn(error, operation) === true;
  }

  /** The wait before retry `attempt` (1 for the first): full jitter under the doubling cap. */
  private delayFor(attempt: number): number {
    const { baseDelayMs, maxDelayMs, random } = this.settings;
    const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    return Math.round(Math.min(Math.max(random(), 0), 1) * cap);
  }

  /** Tells `onRetry` and waits the backoff (rejecting `Aborted` as soon as the caller aborts). */
  private async backOff(call: OperationCall, attempt: number, error: StorageError): Promise<void> {
    const delayMs = this.delayFor(attempt);
    try {
      this.settings.onRetry?.({ operation: call.operation, attempt, delayMs, error, ...detailsOf(call) });
    } catch {
      // An observer's failure must not change the outcome of the operation.
    }
    await abortableDelay(delayMs, call.signal, detailsOf(call));
  }

  /** Runs `run`, and on a failure retries it as the options say (no extra work while calls succeed). */
  private retrying<T>(call: OperationCall, run: () => Promise<T>, hooks: Hooks<T> = {}): Promise<T> {
    let first: Promise<T>;
    try {
      first = run();
    } catch (error) {
      first = Promise.reject(error);
    }
    return first.then(undefined, (error: unknown) => this.afterFailure(call, run, hooks, error));
  }

  private async afterFailure<T>(call: OperationCall, run: () => Promise<T>, hooks: Hooks<T>, firstError: unknown): Promise<T> {
    let error = firstError;
    let sawTransient = false;
    for (let attempt = 1; ; attempt++) {
      if (sawTransient && hooks.recover && isStorageError(error)) {
        const recovered = await hooks.recover(error);
        if (recovered !== NOT_RECOVERED) return recovered;
      }
      if (!this.transient(error, call.operation)) throw error;
      sawTransient = true;
      if (attempt >= this.settings.maxAttempts || hooks.canRetry?.() === false) throw error;
      hooks.beforeRetry?.();
      await this.backOff(call, attempt, error);
      try {
        return await run();
      } catch (next) {
        error = next;
      }
    }
  }

  protected around<T>(call: OperationCall, run: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    return this.retrying(call, () => run(call.signal));
  }

  override createBucket(bucket: string, options: Signal = {}): Promise<void> {
    const call: OperationCall = { operation: 'createBucket', bucket, signal: options.signal };
    return this.retrying(call, () => this.inner.createBucket(bucket, options), {
      // The earlier attempt created it and its answer was lost; the bucket is there, as asked.
      recover: async (error) =>
        error.code === 'BucketAlreadyExists' &&
        (await this.around({ ...call, operation: 'bucketExists' }, () => this.inner.bucketExists(bucket, options)))
          ? undefined
          : NOT_RECOVERED,
    });
  }

  override deleteBucket(bucket: string, options: Signal = {}): Promise<void> {
    const call: OperationCall = { operation: 'deleteBucket', bucket, signal: options.signal };
    return this.retrying(call, () => this.inner.deleteBucket(bucket, options), {
      // The earlier attempt removed it and its answer was lost; the bucket is gone, as asked.
      recover: async (error) => (error.code === 'NoSuchBucket' ? undefined : NOT_RECOVERED),
    });
  }

  override putObject(bucket: string, key: string, body: BodyInput, options: PutOptions = {}): Promise<PutResult> {
    // A body or callback of no accepted kind goes to the store as it is, to be refused there with
    // the code every store gives it (wrapped, it would look valid until it is read).
    const replayable = typeof body === 'string' || body instanceof Uint8Array || isBlob(body);
    if (
      (!replayable && !isBodyForm(body, { bucket, key })) ||
      (options.onProgress !== undefined && typeof options.onProgress !== 'function')
    ) {
      return this.inner.putObject(bucket, key, body, options);
    }
    const size = knownSize(body, options);
    const call: OperationCall = { operation: 'putObject', bucket, key, signal: options.signal, ...(size !== undefined ? { size } : {}) };
    const oneShot = replayable ? undefined : new OneShotBody(body, { bucket, key });

    // What the caller has been told was sent, so a retry can rewind it to 0 first.
    let reported = 0;
    const { onProgress } = options;
    const attemptOptions: PutOptions = onProgress
      ? {
          ...options,
          onProgress: (event: ProgressEvent) => {
            reported = event.loaded;
            onProgress(event);
          },
        }
      : options;
    const conditional = options.ifNoneMatch !== undefined || options.ifMatch !== undefined;

    return this.retrying(call, () => this.inner.putObject(bucket, key, oneShot ? oneShot.take() : body, attemptOptions), {
      canRetry: () => oneShot === undefined || !oneShot.started,
      beforeRetry: () => {
        if (reported === 0) return;
        const delta = -reported;
        reported = 0;
        reportProgress(onProgress, { bucket, key, loaded: 0, delta, ...(size !== undefined ? { total: size } : {}) });
      },
      recover: async (error) => {
        // Only a replayable body is retried after it was read, so only it can meet its own write.
        if (error.code !== 'PreconditionFailed' || !conditional || !replayable) return NOT_RECOVERED;
        const stored = await this.holdsExactly(call, await bytesOf(body as string | Uint8Array | Blob), options);
        return stored ?? NOT_RECOVERED;
      },
    });
  }

  /**
   * Whether the object now holds exactly `bytes`: by the ETag where it is their MD5 (no read), else
   * by reading it back (bytes of equal length compared; a same-size mismatch is read once more, as
   * a read can be corrupted on its way, and a false "no" would undo the point of the check).
   */
  private async holdsExactly(call: OperationCall, bytes: Uint8Array, options: Signal): Promise<PutResult | undefined> {
    const bucket = call.bucket as string;
    const key = call.key as string;
    const signal = options.signal;
    let info: { etag: string; size: number };
    try {
      info = await this.around({ ...call, operation: 'headObject' }, () => this.inner.headObject(bucket, key, withSignal({}, signal)));
    } catch (error) {
      if (isStorageError(error, 'NoSuchKey')) return undefined;
      throw error;
    }
    if (info.size !== bytes.byteLength) return undefined;
    const found = { etag: info.etag, size: info.size };
    if (this.capabilities.md5Etags && bareEtag(info.etag) === md5Hex(bytes)) return found;
    for (let read = 0; read < 2; read++) {
      let stored: Uint8Array;
      try {
        stored = await this.around({ ...call, operation: 'getObject' }, async () =>
          (await this.inner.getObject(bucket, key, withSignal<GetOptions>({ ifMatch: info.etag }, signal))).bytes(),
        );
      } catch (error) {
        // Changed again since the head, or its body failed: then it is not known to be ours.
        if (isStorageError(error, 'Aborted')) throw error;
        return undefined;
      }
      if (sameBytes(stored, bytes)) return found;
    }
    return undefined;
  }

  override listObjects(bucket: string, options: ListOptions = {}): AsyncIterable<ListEntry> {
    return this.resumingList(bucket, options);
  }

  /**
   * A listing that reopens after a transient failure with `startAfter` = the last key or common
   * prefix it yielded. With a delimiter, a store may roll keys after a yielded prefix up into that
   * prefix again, so an entry within the last yielded prefix is skipped. Each stretch without
   * progress has `maxAttempts` attempts; a yielded entry starts a new stretch.
   */
  private async *resumingList(bucket: string, options: ListOptions): AsyncGenerator<ListEntry> {
    const call: OperationCall = { operation: 'listObjects', bucket, signal: options.signal };
    let last: { value: string; prefix: boolean } | undefined;
    let failures = 0;
    for (;;) {
      let resumed = options;
      if (last !== undefined) {
        const from = options.startAfter !== undefined && compareKeys(options.startAfter, last.value) > 0 ? options.startAfter : last.value;
        resumed = { ...options, startAfter: from };
      }
      const iterator = this.inner.listObjects(bucket, resumed)[Symbol.asyncIterator]();
      let done = false;
      try {
        for (;;) {
          let next: IteratorResult<ListEntry>;
          try {
            next = await iterator.next();
          } catch (error) {
            done = true;
            if (!this.transient(error, 'listObjects')) throw error;
            failures += 1;
            if (failures >= this.settings.maxAttempts) throw error;
            await this.backOff(call, failures, error);
            break;
          }
          if (next.done) {
            done = true;
            return;
          }
          const entry = next.value;
          if (last?.prefix && (entry.type === 'prefix' ? entry.prefix : entry.key).startsWith(last.value)) continue;
          last = entry.type === 'prefix' ? { value: entry.prefix, prefix: true } : { value: entry.key, prefix: false };
          failures = 0;
          yield entry;
        }
      } finally {
        if (!done) await iterator.return?.();
      }
    }
  }
}
