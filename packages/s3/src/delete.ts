import { DeleteObjectsCommand } from '@aws-sdk/client-s3';
import { assertBucketName, assertKey, throwIfAborted, type DeleteObjectsResult, type Signal } from '@stowage/core';
import { codeForS3Error } from './errors.js';
import { call, type DriverContext } from './send.js';

/** S3's limit of keys per DeleteObjects request. */
export const DELETE_BATCH = 1000;

/**
 * Deletes keys with DeleteObjects in batches of {@link DELETE_BATCH}. Every key is checked before
 * the first request; a key given twice is deleted (and reported) once. Keys S3 reports an error
 * for are in `errors` with their stowage code; the others (missing ones included) in `deleted`.
 * A failure of a whole request (missing bucket, access denied) rejects the call.
 */
export async function deleteObjects(ctx: DriverContext, bucket: string, keys: string[], options: Signal = {}): Promise<DeleteObjectsResult> {
  assertBucketName(bucket);
  for (const key of keys) assertKey(key, bucket);
  const { signal } = options;
  throwIfAborted(signal, { bucket });
  const unique = [...new Set(keys)];
  const result: DeleteObjectsResult = { deleted: [], errors: [] };
  for (let start = 0; start < unique.length; start += DELETE_BATCH) {
    const batch = unique.slice(start, start + DELETE_BATCH);
    const out = await call(ctx, { operation: 'DeleteObjects', bucket, signal }, (abortSignal) =>
      ctx.client.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          // Quiet: the response lists only failures, not every deleted key.
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
        { abortSignal },
      ),
    );
    const failed = new Map<string, { code: string | undefined; message: string }>();
    for (const e of out.Errors ?? []) {
      if (e.Key !== undefined) failed.set(e.Key, { code: e.Code, message: e.Message ?? e.Code ?? 'delete failed' });
    }
    for (const key of batch) {
      const error = failed.get(key);
      if (!error) result.deleted.push(key);
      else result.errors.push({ key, code: codeForS3Error(error.code, undefined), message: error.message });
    }
  }
  return result;
}
