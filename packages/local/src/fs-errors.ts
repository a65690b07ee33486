import { StorageError, isStorageError } from '@stowage/core';
import { errnoCode } from './fs-api.js';

/** Maps an unexpected file system error to a {@link StorageError}; the original is kept as `cause`. */
export function fsError(error: unknown, bucket?: string, key?: string): StorageError {
  if (isStorageError(error)) return error;
  const code = errnoCode(error);
  const details = { ...(bucket !== undefined ? { bucket } : {}), ...(key !== undefined ? { key } : {}), cause: error };
  switch (code) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new StorageError('AccessDenied', `the file system refused access (${code})`, details);
    case 'ENAMETOOLONG':
    case 'ELOOP':
      return new StorageError('InvalidKey', `the key does not map to a usable path (${code})`, details);
    default:
      return new StorageError(
        'Unavailable',
        `the file system failed${code ? ` (${code})` : ''}: ${error instanceof Error ? error.message : String(error)}`,
        details,
      );
  }
}

/** A key that cannot be stored because a file and a folder would need the same name. */
export function keyConflict(bucket: string, key: string, detail: string): StorageError {
  return new StorageError(
    'InvalidKey',
    `invalid key ${JSON.stringify(key)}: ${detail}; the local disk cannot hold a file and a folder of one name (capabilities.fileAndFolderKeys is false)`,
    { bucket, key },
  );
}

/** True for the errors that mean a path (or a folder on the way to it) does not exist. */
export function isMissing(error: unknown): boolean {
  const code = errnoCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}
