import { StorageError, abortError, isStorageError, type ListEntry, type ListOptions, type Storage } from '@stowage/core';
import { InterceptingStorage, type Layer, type OperationCall, type OperationName } from './layer.js';

/** Options of {@link timeout}. */
export interface TimeoutOptions {
  /** The deadline of every operation, in milliseconds. */
  ms: number;
  /** Deadlines for some operations that differ from `ms` (a large upload may need longer). */
  perOperation?: Partial<Record<OperationName, number>>;
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m)$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000 };

/**
 * Milliseconds of a written duration (`500ms`, `30s`, `1.5m`), for deadlines given as text (URL
 * parameters, command-line flags); `undefined` for anything else, zero included.
 */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  const ms = match ? Number(match[1]) * (UNIT_MS[match[2] as string] as number) : Number.NaN;
  return ms > 0 ? ms : undefined;
}

function assertMs(ms: unknown, what: string): asserts ms is number {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0) {
    throw new StorageError('InvalidArgument', `${what} must be a number of milliseconds > 0`);
  }
}

/**
 * A deadline for every operation: one not settled within it rejects with code `Timeout`, and the
 * work beneath is aborted through its signal, so the driver cleans up as it does for an abort (no
 * partial object, no stranded multipart upload, no open handle). A get's deadline covers the
 * call, not the reading of the body it returns; a listing's covers each page it fetches. The
 * caller's own signal still aborts with `Aborted`.
 *
 * @example
 * const storage = layered(new S3Storage(), retry(), timeout({ ms: 10_000, perOperation: { putObject: 300_000 } }));
 */
export function timeout(options: number | TimeoutOptions): Layer {
  const resolved: TimeoutOptions = typeof options === 'number' ? { ms: options } : options;
  assertMs(resolved?.ms, 'timeout');
  for (const [operation, ms] of Object.entries(resolved.perOperation ?? {})) assertMs(ms, `the timeout of ${operation}`);
  return (inner) => new TimeoutStorage(inner, resolved);
}

/** A deadline that aborts a signal of its own when it passes. */
class Deadline {
  readonly controller = new AbortController();
  readonly signal: AbortSignal;
  private readonly timer: ReturnType<typeof setTimeout>;
  /** Settles when the deadline passes (never rejects). */
  readonly passed: Promise<void>;

  constructor(
    readonly ms: number,
    caller: AbortSignal | undefined,
  ) {
    this.signal = caller ? AbortSignal.any([caller, this.controller.signal]) : this.controller.signal;
    let pass: () => void = () => undefined;
    this.passed = new Promise((resolve) => {
      pass = resolve;
    });
    this.timer = setTimeout(() => {
      this.controller.abort(new Error(`the deadline of ${ms} ms passed`));
      pass();
    }, ms);
  }

  get expired(): boolean {
    return this.controller.signal.aborted;
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

class TimeoutStorage extends InterceptingStorage {
  constructor(
    inner: Storage,
    private readonly options: TimeoutOptions,
  ) {
    super(inner);
  }

  private msFor(operation: OperationName): number {
    return this.options.perOperation?.[operation] ?? this.options.ms;
  }

  protected async around<T>(call: OperationCall, run: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    const deadline = new Deadline(this.msFor(call.operation), call.signal);
    const work = run(deadline.signal);
    try {
      // Raced as well as aborted: a store that does not notice its signal still gives up on time.
      return await Promise.race([work, deadline.passed.then(() => Promise.reject(timedOut(call, deadline.ms)))]);
    } catch (error) {
      work.catch(() => undefined);
      throw this.failure(error, call, deadline);
    } finally {
      deadline.clear();
    }
  }

  /** The store's own answer, unless the caller's signal or the deadline is why it stopped. */
  private failure(error: unknown, call: OperationCall, deadline: Deadline): unknown {
    if (isStorageError(error) && error.code !== 'Aborted') return error;
    if (call.signal?.aborted) return isStorageError(error) ? error : abortError(call.signal, details(call));
    if (deadline.expired) return timedOut(call, deadline.ms, error);
    return error;
  }

  override listObjects(bucket: string, options: ListOptions = {}): AsyncIterable<ListEntry> {
    return this.list(bucket, options);
  }

  private async *list(bucket: string, options: ListOptions): AsyncGenerator<ListEntry> {
    const call: OperationCall = { operation: 'listObjects', bucket, ...(options.signal ? { signal: options.signal } : {}) };
    // One signal for the whole listing, aborted by whichever page's deadline passes.
    const stop = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    const iterator = this.inner.listObjects(bucket, { ...options, signal })[Symbol.asyncIterator]();
    let done = false;
    try {
      for (;;) {
        const deadline = new Deadline(this.msFor('listObjects'), undefined);
        const onPassed = () => stop.abort(deadline.controller.signal.reason);
        deadline.controller.signal.addEventListener('abort', onPassed, { once: true });
        let next: IteratorResult<ListEntry>;
        try {
          const page = iterator.next();
          next = await Promise.race([page, deadline.passed.then(() => Promise.reject(timedOut(call, deadline.ms)))]);
        } catch (error) {
          done = true;
          throw this.failure(error, call, deadline);
        } finally {
          deadline.clear();
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
}

function details(call: OperationCall): { bucket?: string; key?: string } {
  return { ...(call.bucket !== undefined ? { bucket: call.bucket } : {}), ...(call.key !== undefined ? { key: call.key } : {}) };
}

function timedOut(call: OperationCall, ms: number, cause?: unknown): StorageError {
  return new StorageError('Timeout', `${call.operation} did not finish within ${ms} ms`, {
    ...details(call),
    ...(cause !== undefined ? { cause } : {}),
  });
}
