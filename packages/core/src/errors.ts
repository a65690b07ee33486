/**
 * The stable error codes every driver uses. They follow S3's names where S3 has one, so code that
 * handles `NoSuchKey` works the same on every backend.
 */
export const ERROR_CODES = [
  'NoSuchBucket',
  'NoSuchKey',
  'BucketAlreadyExists',
  'BucketNotEmpty',
  'PreconditionFailed',
  'NotModified',
  'InvalidRange',
  'InvalidKey',
  'InvalidBucketName',
  'InvalidArgument',
  'Aborted',
  'NotSupported',
  'AccessDenied',
  'ChecksumMismatch',
  'Unavailable',
  'Timeout',
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Where an error happened and what caused it; all optional. */
export interface StorageErrorDetails {
  bucket?: string;
  key?: string;
  /** The driver's own error (an SDK exception, an `ENOENT`, ...), kept for debugging. */
  cause?: unknown;
}

/**
 * The one error type every stowage operation rejects with. Switch on {@link StorageError.code};
 * the message is for people and may change.
 */
export class StorageError extends Error {
  readonly code: ErrorCode;
  readonly bucket?: string;
  readonly key?: string;

  constructor(code: ErrorCode, message: string, details: StorageErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'StorageError';
    this.code = code;
    if (details.bucket !== undefined) this.bucket = details.bucket;
    if (details.key !== undefined) this.key = details.key;
  }

  /** A plain form for logs: code, message, bucket and key. The cause is left out on purpose. */
  toJSON(): { name: string; code: ErrorCode; message: string; bucket?: string; key?: string } {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.bucket !== undefined ? { bucket: this.bucket } : {}),
      ...(this.key !== undefined ? { key: this.key } : {}),
    };
  }
}

/**
 * True when `error` is a {@link StorageError} (with the given `code`, when one is given).
 *
 * @example
 * if (isStorageError(e, 'NoSuchKey')) return undefined;
 */
export function isStorageError(error: unknown, code?: ErrorCode): error is StorageError {
  return error instanceof StorageError && (code === undefined || error.code === code);
}

/** Describes a location for messages: `bucket/key`, or `bucket`. */
export function describeLocation(bucket?: string, key?: string): string {
  if (bucket === undefined) return key ?? '';
  return key === undefined ? bucket : `${bucket}/${key}`;
}

/** The error of an API that needs Node (files on disk, Node streams) when called in a browser or worker. */
export function nodeOnly(what: string): StorageError {
  return new StorageError('NotSupported', `${what} needs Node (it is not in the browser and worker build)`);
}
