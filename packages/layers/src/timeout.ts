import {
  StorageError,
  abortError,
  allowAbortListeners,
  isStorageError,
  type ListEntry,
  type ListOptions,
  type Storage,
} from '@stowage/core';
import { InterceptingStorage, type Layer, type OperationCall, type OperationName } from './layer.js';

/** Options of {@link timeout}. */
export interface TimeoutOptions {
  /** The deadline of every operation, in milliseconds. */
  ms: number;
  /** Deadlines for some operations that differ from `ms` (a large upload may need longer). */
  perOperation?: Partial<Record<OperationName, number>>;
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
 * caller's own signal still aborts with `Aborted`. Calls that start close together share one
 * deadline, so a call is cut no earlier than `ms` after it started and at most `ms / 16` later.
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

/** What a call's race rejects with when its shared deadline passes; {@link TimeoutStorage} makes it `Timeout`. */
const EXPIRED: unique symbol = Symbol('deadline passed');

/**
 * The deadlines of one timeout length. Calls that start within the same sixteenth of it share one
 * deadline (one timer, one `AbortController`) that passes a timeout after the last of them could
 * have started: no call is cut before its own deadline, and none runs more than a sixteenth past
 * it. A controller and a timer per call would cost more than a small in-memory call.
 */
class DeadlineClock {
  private current: SharedDeadline | undefined;
  private readonly slice: number;

  constructor(readonly ms: number) {
    this.slice = ms / 16;
  }

  /** The deadline a call starting now shares. */
  join(): SharedDeadline {
    const now = performance.now();
    let deadline = this.current;
    if (deadline === undefined || now >= deadline.closesAt) {
      deadline?.close();
      deadline = new SharedDeadline(this, now + this.slice, this.slice + this.ms);
      this.current = deadline;
    }
    return deadline;
  }

  /** Forgets `deadline` once it can take no more calls. */
  retire(deadline: SharedDeadline): void {
    if (this.current === deadline) this.current = undefined;
  }

  isCurrent(deadline: SharedDeadline): boolean {
    return this.current === deadline;
  }
}

/** One deadline shared by the calls of one slice of time; see {@link DeadlineClock}. */
class SharedDeadline {
  private readonly controller = new AbortController();
  readonly signal: AbortSignal = this.controller.signal;
  /**
   * The calls still running, each with how to end it, so a deadline can end them even if their
   * store does not listen: a linked list, since a call joins and leaves it in constant time
   * without the rehashing a `Set` does as calls come and go.
   */
  private first: RunningCall | undefined;
  private runningCount = 0;
  private readonly timer: ReturnType<typeof setTimeout>;
  /** Whether the timer holds the process open (it does while calls run; see {@link hold}). */
  private held = false;
  private letGoQueued = false;

  constructor(
    private readonly clock: DeadlineClock,
    readonly closesAt: number,
    delay: number,
  ) {
    // Every call of the slice listens on this one signal while it runs.
    allowAbortListeners(this.signal, 0);
    this.timer = setTimeout(() => this.fire(), delay);
    // A deadline with nothing running must not keep the process alive.
    refTimer(this.timer, false);
  }

  /**
   * Keeps the process open while calls run, so a store that never answers still gets its
   * `Timeout`. Letting go waits for the event loop's next turn: calls made one after another
   * (each awaited) then share one hold instead of each paying for two timer toggles.
   */
  private hold(): void {
    if (!this.held) {
      this.held = true;
      refTimer(this.timer, true);
    }
  }

  private letGoWhenIdle(): void {
    if (!this.held || this.letGoQueued) return;
    this.letGoQueued = true;
    nextTurn(() => {
      this.letGoQueued = false;
      if (this.runningCount === 0 && this.held) {
        this.held = false;
        refTimer(this.timer, false);
      }
    });
  }

  get expired(): boolean {
    return this.signal.aborted;
  }

  /**
   * `work`, or a rejection with `failed(EXPIRED)` if the deadline passes first (a store that
   * ignores its signal still gives up on time); a failure of `work` is passed through `failed` too.
   */
  race<T>(work: Promise<T>, failed: (error: unknown) => unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const running = new RunningCall(reject, failed, this.first);
      if (this.first) this.first.previous = running;
      this.first = running;
      this.runningCount++;
      this.hold();
      work.then(
        (value) => {
          if (this.release(running)) resolve(value);
        },
        (error: unknown) => {
          if (this.release(running)) reject(failed(error));
        },
      );
    });
  }

  /** Called by the clock when a newer deadline takes the calls that start from now on. */
  close(): void {
    if (this.runningCount === 0) clearTimeout(this.timer);
  }

  /** Takes a settled call off the list; false when the deadline already ended it. */
  private release(running: RunningCall): boolean {
    if (running.ended) return false;
    running.ended = true;
    const { previous, next } = running;
    if (previous) previous.next = next;
    else this.first = next;
    if (next) next.previous = previous;
    if (--this.runningCount === 0) {
      if (this.clock.isCurrent(this)) this.letGoWhenIdle();
      else clearTimeout(this.timer);
    }
    return true;
  }

  private fire(): void {
    this.clock.retire(this);
    if (this.runningCount === 0) return;
    this.controller.abort(new Error(`the deadline of ${this.clock.ms} ms passed`));
    let running = this.first;
    this.first = undefined;
    this.runningCount = 0;
    for (; running; running = running.next) {
      running.ended = true;
      running.reject(running.failed(EXPIRED));
    }
  }
}

/** A call in a {@link SharedDeadline}'s list, with how to end it. */
class RunningCall {
  previous: RunningCall | undefined;
  ended = false;

  constructor(
    readonly reject: (error: unknown) => void,
    readonly failed: (error: unknown) => unknown,
    public next: RunningCall | undefined,
  ) {}
}

/** Node's (and Bun's) timers can be told not to hold the process open; other runtimes' timers are numbers. */
function refTimer(timer: ReturnType<typeof setTimeout>, ref: boolean): void {
  const handle = timer as { ref?: () => void; unref?: () => void };
  if (ref) handle.ref?.();
  else handle.unref?.();
}

/** Runs `work` on the event loop's next turn, after the promise jobs queued now. */
const nextTurn: (work: () => void) => void =
  typeof setImmediate === 'function' ? (work) => void setImmediate(work) : (work) => void setTimeout(work, 0);

class TimeoutStorage extends InterceptingStorage {
  private readonly clocks = new Map<number, DeadlineClock>();
  /** The clock of `options.ms`, used by every operation without a deadline of its own. */
  private readonly defaultClock: DeadlineClock;

  constructor(
    inner: Storage,
    private readonly options: TimeoutOptions,
  ) {
    super(inner);
    this.defaultClock = new DeadlineClock(options.ms);
    this.clocks.set(options.ms, this.defaultClock);
  }

  private clockFor(operation: OperationName): DeadlineClock {
    const ms = this.options.perOperation?.[operation];
    if (ms === undefined) return this.defaultClock;
    let clock = this.clocks.get(ms);
    if (clock === undefined) {
      clock = new DeadlineClock(ms);
      this.clocks.set(ms, clock);
    }
    return clock;
  }

  protected around<T>(call: OperationCall, run: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    const deadline = this.clockFor(call.operation).join();
    const signal = call.signal ? AbortSignal.any([call.signal, deadline.signal]) : deadline.signal;
    const failed = (error: unknown) => this.failure(error, call, deadline);
    let work: Promise<T>;
    try {
      work = run(signal);
    } catch (error) {
      return Promise.reject(failed(error));
    }
    return deadline.race(work, failed);
  }

  /** The store's own answer, unless the caller's signal or the deadline is why it stopped. */
  private failure(error: unknown, call: OperationCall, deadline: SharedDeadline): unknown {
    if (error === EXPIRED) return call.signal?.aborted ? abortError(call.signal, details(call)) : timedOut(call, this.msOf(call));
    if (isStorageError(error) && error.code !== 'Aborted') return error;
    if (call.signal?.aborted) return isStorageError(error) ? error : abortError(call.signal, details(call));
    if (deadline.expired) return timedOut(call, this.msOf(call), error);
    return error;
  }

  private msOf(call: OperationCall): number {
    return this.options.perOperation?.[call.operation] ?? this.options.ms;
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
    const clock = this.clockFor('listObjects');
    let done = false;
    try {
      for (;;) {
        const deadline = clock.join();
        const onPassed = () => stop.abort(deadline.signal.reason);
        deadline.signal.addEventListener('abort', onPassed, { once: true });
        let next: IteratorResult<ListEntry>;
        try {
          next = await deadline.race(iterator.next(), (error) => this.failure(error, call, deadline));
        } catch (error) {
          done = true;
          throw error;
        } finally {
          deadline.signal.removeEventListener('abort', onPassed);
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
