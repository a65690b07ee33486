import { StorageError } from './errors.js';
import type { ProgressEvent } from './storage.js';

/**
 * Calls a caller's `onProgress` with `event`. A callback that throws fails the transfer the same
 * way on every driver: `InvalidArgument` (the caller's own code failed, not the store), with the
 * thrown value as `cause`.
 */
export function reportProgress(onProgress: ((event: ProgressEvent) => void) | undefined, event: ProgressEvent): void {
  if (!onProgress) return;
  try {
    onProgress(event);
  } catch (error) {
    throw progressFailed(error, event);
  }
}

/** The error for an `onProgress` callback that threw `error` while reporting `event`. */
export function progressFailed(error: unknown, event: Pick<ProgressEvent, 'bucket' | 'key'>): StorageError {
  return new StorageError('InvalidArgument', `the onProgress callback threw: ${error instanceof Error ? error.message : String(error)}`, {
    bucket: event.bucket,
    key: event.key,
    cause: error,
  });
}
