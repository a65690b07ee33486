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
 * Runs `task`, rejecting with `Aborted` as soon as `signal` fires, even if `task` cannot be
 * interrupted itself. `task` keeps running in the background in that case; use this only for
 * work that is safe to finish or abandon (a stat, a readdir).
 */
export async function raceAbort<T>(
  signal: AbortSignal | undefined,
  task: Promise<T>,
  details: StorageErrorDetails = {},
): Promise<T> {
  if (!signal) return task;
  if (signal.aborted) {
    task.catch(() => undefined); // abandoned: its own failure no longer matters
    throw abortError(signal, details);
  }
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortError(signal, details));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([task, aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
