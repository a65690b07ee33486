import { StorageError, isStorageError, type StorageErrorDetails } from './errors.js';

/**
 * A local file error of a transfer (the file to upload, the download's target) as a
 * {@link StorageError} that names the path, so a missing file is not mistaken for a missing key.
 */
export function fileError(error: unknown, path: string, details: StorageErrorDetails = {}): StorageError {
  if (isStorageError(error)) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const why = error instanceof Error ? error.message : String(error);
  const withCause = { ...details, cause: error };
  switch (code) {
    case 'ENOENT':
      return new StorageError('InvalidArgument', `no such file or folder: ${path}`, withCause);
    case 'EISDIR':
      return new StorageError('InvalidArgument', `${path} is a folder, not a file`, withCause);
    case 'ENOTDIR':
      return new StorageError('InvalidArgument', `a parent of ${path} is not a folder`, withCause);
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new StorageError('AccessDenied', `no permission to use ${path}`, withCause);
    default:
      // ENOSPC, EIO, EMFILE...: the local side is unavailable for now.
      return new StorageError('Unavailable', `local file ${path}: ${why}`, withCause);
  }
}
