import { abortError } from './abort.js';
import { abortableChunks, normalizeBody } from './body.js';
import { utf8Bytes, utf8Length } from './bytes.js';
import { StorageError, type StorageErrorDetails } from './errors.js';
import { reportProgress } from './progress.js';
import type { BodyInput, ProgressEvent } from './storage.js';

/** What a {@link CountedBody} is checked against and reports to. */
export interface CountedBodyOptions {
  bucket: string;
  key: string;
  /** The size the caller declared; a body of any other length is `InvalidArgument`. */
  size?: number | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((event: ProgressEvent) => void) | undefined;
}

/**
 * A put's body as the front door hands it to a driver: its size when known, and its bytes counted
 * as the driver takes them. Whichever way a driver reads it, the same rules hold on every driver:
 * a body longer than its size fails as soon as the extra byte arrives and a shorter one at its end
 * (both `InvalidArgument`, before anything is stored); every chunk taken is reported to `onProgress`,
 * and a callback that throws fails the put with `InvalidArgument`; a source that fails is
 * `InvalidArgument` with its error as `cause`; the signal ends the read with `Aborted`, even while
 * the source is stalled.
 *
 * A body is read once: by {@link CountedBody.chunks}, or (a string or byte array given whole) by
 * taking {@link CountedBody.whole} and calling {@link CountedBody.tookWhole}.
 */
export class CountedBody {
  /** Bytes the body has: the declared size, or the length of a string, byte array or Blob. */
  readonly size: number | undefined;
  /** The caller's string or byte array, when the body was given whole; a driver may store it directly. */
  readonly whole: string | Uint8Array | undefined;
  /** Bytes taken so far. */
  loaded = 0;
  private readonly source: AsyncIterable<Uint8Array> | undefined;
  private read = false;

  /** Throws `InvalidArgument` for a body of no accepted type, or one whose known length is not `options.size`. */
  constructor(
    body: BodyInput,
    private readonly options: CountedBodyOptions,
  ) {
    let known: number | undefined;
    if (typeof body === 'string') {
      this.whole = body;
      known = utf8Length(body);
    } else if (body instanceof Uint8Array) {
      this.whole = body;
      known = body.byteLength;
    } else {
      const normalized = normalizeBody(body, this.details());
      this.source = normalized.chunks;
      known = normalized.size;
    }
    if (options.size !== undefined && known !== undefined && options.size !== known) {
      throw new StorageError('InvalidArgument', `the body has ${known} bytes, not the given size of ${options.size}`, this.details());
    }
    this.size = options.size ?? known;
  }

  /** Counts a body the driver took whole from {@link CountedBody.whole}: one progress event for all of it. */
  tookWhole(): void {
    this.claim();
    this.count(this.size ?? 0);
  }

  /**
   * The bytes, chunk by chunk, each counted and reported before it is handed on. A string given
   * whole arrives as its UTF-8 bytes. Stopping early closes the caller's stream.
   */
  async *chunks(): AsyncGenerator<Uint8Array> {
    this.claim();
    const details = this.details();
    const source = this.source ?? single(typeof this.whole === 'string' ? utf8Bytes(this.whole) : (this.whole as Uint8Array));
    const iterator = abortableChunks(source, this.options.signal, details)[Symbol.asyncIterator]();
    let done = false;
    let sinceTurn = 0;
    try {
      for (;;) {
        let next: IteratorResult<Uint8Array>;
        try {
          next = await iterator.next();
        } catch (error) {
          done = true; // a failed source is finished
          throw this.sourceFailed(error);
        }
        if (next.done) {
          done = true;
          break;
        }
        this.count(next.value.byteLength);
        // A source that never waits on I/O would otherwise hold the event loop, so timers (and
        // with them timeouts and aborts) never run; a turn of the loop per quarter MiB costs little.
        sinceTurn += next.value.byteLength;
        if (sinceTurn >= TURN_BYTES) {
          sinceTurn = 0;
          await nextTurn();
        }
        yield next.value;
      }
    } finally {
      if (!done) void Promise.resolve(iterator.return?.(undefined)).catch(() => undefined);
    }
    const { size } = this;
    if (size !== undefined && this.loaded !== size) {
      throw new StorageError('InvalidArgument', `the body has ${this.loaded} bytes, not the given size of ${size}`, details);
    }
  }

  private count(bytes: number): void {
    const { size } = this;
    if (size !== undefined && this.loaded + bytes > size) {
      throw new StorageError('InvalidArgument', `the body is longer than the given size of ${size} bytes`, this.details());
    }
    this.loaded += bytes;
    const { onProgress, bucket, key } = this.options;
    if (onProgress && bytes > 0) {
      reportProgress(onProgress, { bucket, key, loaded: this.loaded, delta: bytes, ...(size !== undefined ? { total: size } : {}) });
    }
  }

  private claim(): void {
    if (this.read) throw new StorageError('InvalidArgument', 'a body can be read only once', this.details());
    this.read = true;
  }

  private sourceFailed(error: unknown): StorageError {
    if (error instanceof StorageError) return error;
    const { signal } = this.options;
    if (signal?.aborted) return abortError(signal, { ...this.details(), cause: error });
    // A failing source is the caller's problem, not the store's: say so, keep the cause.
    const why = error instanceof Error ? error.message : String(error);
    return new StorageError('InvalidArgument', `reading the body failed: ${why}`, { ...this.details(), cause: error });
  }

  private details(): StorageErrorDetails {
    return { bucket: this.options.bucket, key: this.options.key };
  }
}

/** Bytes a body may pass before it lets the event loop turn once. */
const TURN_BYTES = 256 * 1024;

/** Resolves on a later turn of the event loop, after pending timers and I/O callbacks. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}

async function* single(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}
