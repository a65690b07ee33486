import { DeleteObjectCommand, DeleteObjectsCommand } from '@aws-sdk/client-s3';
import { isStorageError, type DeleteObjectsResult, type Signal } from '@stowage/core';
import { codeForS3Error } from './errors.js';
import { call, type DriverContext } from './send.js';

/** S3's limit of keys per DeleteObjects request. */
export const DELETE_BATCH = 1000;

// Characters XML 1.0 cannot carry at all, not even as character references: a key holding one
// cannot be named in a DeleteObjects body (the SDK escapes CR and LF, which XML can carry).
const NOT_IN_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
// Keys with leading or trailing white space survive XML on AWS, but some servers' parsers trim
// element text (s3rver then reports the key deleted and keeps it): they go one by one as well.
const EDGE_SPACE = /^\s|\s$/;
const oneByOne = (key: string): boolean => NOT_IN_XML.test(key) || EDGE_SPACE.test(key);

/**
 * Deletes keys (distinct and valid: the front door reports the others) with DeleteObjects in
 * batches of {@link DELETE_BATCH}. Keys S3 reports an error for are in `errors` with their stowage code; the others
 * (missing ones included, as on S3) in `deleted`. A failure of a whole request (missing bucket,
 * access denied) rejects the call.
 */
export async function deleteObjects(ctx: DriverContext, bucket: string, keys: string[], options: Signal): Promise<DeleteObjectsResult> {
  const { signal } = options;
  const result: DeleteObjectsResult = { deleted: [], errors: [] };
  // Keys XML cannot hold go one by one through DeleteObject, whose key travels in the URL.
  for (const key of keys.filter(oneByOne)) {
    try {
      await call(ctx, { operation: 'DeleteObject', bucket, key, signal, notFound: 'NoSuchBucket' }, (abortSignal) =>
        ctx.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }), { abortSignal }),
      );
      result.deleted.push(key);
    } catch (error) {
      // As in a batch: a whole-request failure rejects, a per-key one is reported.
      if (!isStorageError(error) || ['NoSuchBucket', 'Aborted', 'AccessDenied', 'Unavailable'].includes(error.code)) throw error;
      result.errors.push({ key, code: error.code, message: error.message });
    }
  }
  const batchable = keys.filter((k) => !oneByOne(k));
  for (let start = 0; start < batchable.length; start += DELETE_BATCH) {
    const batch = batchable.slice(start, start + DELETE_BATCH);
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
