import { StorageError } from './errors.js';
import type { ListOptions } from './storage.js';

/**
 * Throws `InvalidArgument` for list options no backend accepts: a `prefix`, `delimiter` or
 * `startAfter` that is not a string, a `pageSize` that is not a whole number ≥ 1. An empty
 * delimiter is allowed and means none, as on S3.
 */
export function assertListOptions(bucket: string, options: ListOptions): void {
  for (const name of ['prefix', 'delimiter', 'startAfter'] as const) {
    const value = options[name];
    if (value !== undefined && typeof value !== 'string') throw new StorageError('InvalidArgument', `${name} must be a string`, { bucket });
  }
  const { pageSize } = options;
  if (pageSize !== undefined && (!Number.isSafeInteger(pageSize) || pageSize < 1)) {
    throw new StorageError('InvalidArgument', 'pageSize must be a whole number ≥ 1', { bucket });
  }
}
