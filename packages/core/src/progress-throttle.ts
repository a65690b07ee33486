import type { StorageError } from './errors.js';
import { reportProgress } from './progress.js';
import type { ProgressEvent } from './storage.js';

/** Options of {@link ProgressThrottle}. */
export interface ProgressThrottleOptions {
  bucket: string;
  key: string;
  /** Bytes in the whole transfer, when known. */
  total?: number;
  onProgress?: ((event: ProgressEvent) => void) | undefined;
  /** Least time between two events, in ms (default 50: at most 20 events a second). */
  minInterval?: number;
  /** The clock in ms (default `Date.now`). */
  now?: () => number;
}

/**
 * Turns a transfer's byte counts into the events `onProgress` gets: at most one per `minInterval`
 * (so at least one per MiB whenever the transfer is slower than 20 MiB/s), the last held-back bytes
 * flushed by a timer when the transfer stalls, `loaded` never above `total`, only going back on an
 * explicit rewind, and `loaded === total` in the last event only, sent by {@link complete}.
 */
export class ProgressThrottle {
  private readonly minInterval: number;
  private readonly now: () => number;
  /** Bytes counted so far (may run ahead of what was last reported). */
  private counted = 0;
  /** `loaded` of the last event sent. */
  private reported = 0;
  private lastEmitAt = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private emitted = false;
  private handlerError: StorageError | undefined;

  constructor(private readonly options: ProgressThrottleOptions) {
    this.minInterval = options.minInterval ?? 50;
    this.now = options.now ?? (() => Date.now());
  }

  /** Bytes counted so far. */
  get loaded(): number {
    return this.counted;
  }

  /**
   * Sends the first event (`loaded: 0`) so a bar can show the total at once. Not for an empty
   * transfer: `loaded === total` would already say it is done.
   */
  start(): void {
    if (this.options.total !== 0) this.emit();
  }

  /** Counts `delta` more bytes; a negative `delta` is a rewind (a retried part is sent again). */
  add(delta: number): void {
    if (this.closed || delta === 0) return;
    this.counted = Math.max(0, this.counted + delta);
    // A rewind is news: say it at once rather than folded into later progress.
    if (delta < 0) this.emit();
    else this.schedule();
    this.throwHandlerError();
  }

  /**
   * Follows a driver's own `loaded`: forwards only, unless `rewind` (the driver's event had a
   * negative delta).
   */
  follow(loaded: number, rewind: boolean): void {
    if (rewind) this.add(loaded - this.counted);
    else if (loaded > this.counted) this.add(loaded - this.counted);
  }

  /** The transfer is done: sends the last event with `loaded === total` and stops. */
  complete(): void {
    if (this.closed) return;
    if (this.options.total !== undefined) this.counted = this.options.total;
    this.closed = true;
    this.emit();
    this.close();
    this.throwHandlerError();
  }

  /** Stops without a last event (the transfer failed); later calls do nothing. */
  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    const wait = this.lastEmitAt + this.minInterval - this.now();
    if (wait <= 0) this.emit();
    else if (this.timer === undefined) {
      // Flushes bytes held back by the rate limit if no more come (a stall, the last range).
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (!this.closed) this.emit();
      }, wait);
      this.timer.unref?.();
    }
  }

  private emit(): void {
    const { total, onProgress, bucket, key } = this.options;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.lastEmitAt = this.now();
    // `loaded === total` means done (stored, renamed into place): only the last event says it,
    // even when every byte was counted a while before the transfer finished.
    const cap = total === undefined ? Number.POSITIVE_INFINITY : this.closed ? total : Math.max(0, total - 1);
    const loaded = Math.min(this.counted, cap);
    const delta = loaded - this.reported;
    if (delta === 0 && this.emitted) return;
    this.emitted = true;
    this.reported = loaded;
    if (this.handlerError) return;
    try {
      reportProgress(onProgress, { bucket, key, loaded, delta, ...(total !== undefined ? { total } : {}) });
    } catch (error) {
      // Kept and thrown from the transfer's own code: a timer callback has no caller to throw to.
      this.handlerError = error as StorageError;
    }
  }

  private throwHandlerError(): void {
    if (this.handlerError) throw this.handlerError;
  }
}
