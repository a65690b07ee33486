import { StorageError, abortError, type ListEntry, type ListOptions, type Storage, type StorageErrorDetails } from '@stowage/core';
import { InterceptingStorage, type Layer, type OperationCall } from './layer.js';

/**
 * At most `max` operations in flight at once; the others wait, first in, first out. A waiting
 * call whose signal aborts rejects `Aborted` without starting. A listing holds a slot while it
 * fetches the next entries, not while the caller works between them. A get holds its slot until
 * its call returns, not while its body is read.
 *
 * @example
 * const storage = layered(new LocalStorage({ root: './data' }), concurrencyLimit(64)); // stay below the open-file limit
 */
export function concurrencyLimit(max: number): Layer {
  if (!Number.isSafeInteger(max) || max < 1) throw new StorageError('InvalidArgument', 'concurrencyLimit takes a whole number ≥ 1');
  return (inner) => new LimitedStorage(inner, new Slots(max));
}

/** A counting semaphore whose waiters are served in arrival order. */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(max: number) {
    this.free = max;
  }

  /** Takes a slot if one is free and nobody waits for it. */
  tryTake(): boolean {
    if (this.free > 0 && this.waiting.length === 0) {
      this.free--;
      return true;
    }
    return false;
  }

  /** Resolves when a slot is taken; rejects `Aborted` (and leaves the queue) when `signal` fires first. */
  take(signal: AbortSignal | undefined, details: StorageErrorDetails): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError(signal, details));
    if (this.tryTake()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(grant);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(abortError(signal, details));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(grant);
    });
  }

  /** Gives a slot back: to the first waiter, or to the pool. */
  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

class LimitedStorage extends InterceptingStorage {
  constructor(
    inner: Storage,
    private readonly slots: Slots,
  ) {
    super(inner);
  }

  protected around<T>(call: OperationCall, run: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    // A call aborted before it began takes no slot: the store beneath answers it (checking its
    // input first, as it would without this layer) without any I/O.
    if (call.signal?.aborted) return run(call.signal);
    if (this.slots.tryTake()) return this.holding(run, call.signal);
    return this.slots
      .take(call.signal, {
        ...(call.bucket !== undefined ? { bucket: call.bucket } : {}),
        ...(call.key !== undefined ? { key: call.key } : {}),
      })
      .then(() => this.holding(run, call.signal));
  }

  /** Runs a call in the slot it took, and gives the slot back when the call settles (or throws at once). */
  private holding<T>(run: (signal: AbortSignal | undefined) => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    let work: Promise<T>;
    try {
      work = run(signal);
    } catch (error) {
      this.slots.give();
      return Promise.reject(error);
    }
    return work.then(
      (value) => {
        this.slots.give();
        return value;
      },
      (error: unknown) => {
        this.slots.give();
        throw error;
      },
    );
  }

  override listObjects(bucket: string, options: ListOptions = {}): AsyncIterable<ListEntry> {
    return this.list(bucket, options);
  }

  private async *list(bucket: string, options: ListOptions): AsyncGenerator<ListEntry> {
    const iterator = this.inner.listObjects(bucket, options)[Symbol.asyncIterator]();
    let done = false;
    try {
      for (;;) {
        const held = !options.signal?.aborted;
        if (held) await this.slots.take(options.signal, { bucket });
        let next: IteratorResult<ListEntry>;
        try {
          next = await iterator.next();
        } catch (error) {
          done = true;
          throw error;
        } finally {
          if (held) this.slots.give();
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
