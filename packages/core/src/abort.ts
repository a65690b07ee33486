import { StorageError, type StorageErrorDetails } from './errors.js';

/** The error every operation rejects with once its `AbortSignal` fires. */
export function abortError(signal?: AbortSignal, details: StorageErrorDetails = {}): StorageError {
  const reason: unknown = signal?.reason;
  const why = reason instanceof Error && reason.name !== 'AbortError' ? `: ${reason.message}` : '';
  return new StorageError('Aborted', `the operation was aborted${why}`, {
    ...details,
    cause: details.cause ?? reason,
  });
}

/** Throws an `Aborted` {@link StorageError} when `signal` has fired. */
export function throwIfAborted(signal: AbortSignal | undefined, details: StorageErrorDetails = {}): void {
  if (signal?.aborted) throw abortError(signal, details);
}

/**
 * `task`, or a rejection with `failure()` as soon as `signal` fires, even if `task` cannot be
 * interrupted itself (it then runs on in the background, its outcome ignored). A fresh listener per
 * call, removed when `task` settles: racing many tasks (a stream's chunks) against one long-lived
 * promise would keep every one of them reachable until the end.
 */
export function raceSignal<T>(signal: AbortSignal, task: Promise<T>, failure: () => unknown): Promise<T> {
  if (signal.aborted) {
    task.catch(() => undefined); // abandoned: its own failure no longer matters
    return Promise.reject(failure());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(failure());
    signal.addEventListener('abort', onAbort, { once: true });
    task.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Runs `task`, rejecting with `Aborted` as soon as `signal` fires, even if `task` cannot be
 * interrupted itself. `task` keeps running in the background in that case; use this only for
 * work that is safe to finish or abandon (a stat, a readdir).
 */
export async function raceAbort<T>(signal: AbortSignal | undefined, task: Promise<T>, details: StorageErrorDetails = {}): Promise<T> {
  if (!signal) return task;
  return raceSignal(signal, task, () => abortError(signal, details));
}

/** Waits `ms`, or rejects `Aborted` as soon as `signal` fires (at once when it already has). */
export function abortableDelay(ms: number, signal: AbortSignal | undefined, details: StorageErrorDetails = {}): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal, details));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal, details));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
