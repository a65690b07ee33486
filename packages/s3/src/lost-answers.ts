import { isStorageError, quoteEtag } from '@stowage/core';
import { md5Hex } from '@stowage/core/md5';

/**
 * True when `error` came from a request the SDK sent more than once. An earlier attempt may have
 * reached the server and done the work while its answer was lost (a cut connection, a timeout),
 * so an error that the work itself explains (the object or bucket is already as asked) may be the
 * driver meeting its own earlier attempt, not another writer.
 */
export function failedAfterRetry(error: unknown): boolean {
  if (!isStorageError(error)) return false;
  const attempts = (error.cause as { $metadata?: { attempts?: unknown } } | undefined)?.$metadata?.attempts;
  return typeof attempts === 'number' && attempts > 1;
}

/** The SDK error name behind a `StorageError` (`BucketAlreadyOwnedByYou`, `NoSuchBucket`, …). */
export function serverErrorName(error: unknown): string | undefined {
  const name = (error as { cause?: { name?: unknown } } | undefined)?.cause?.name;
  return typeof name === 'string' ? name : undefined;
}

/** The ETag S3 gives a single PUT of `bytes`: the quoted MD5 of them. */
export function singlePutEtag(bytes: Uint8Array): string {
  return quoteEtag(md5Hex(bytes));
}
