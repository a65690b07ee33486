import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { StorageError, type PresignOptions } from '@stowage/core';
import { toStorageError } from './errors.js';
import type { DriverContext } from './send.js';

/** SigV4 presigned URLs live at most 7 days. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 60 * 60;

/** A build-step middleware that must run after the SDK's checksum middleware. */
type BuildMiddleware = (next: (args: { request: unknown }) => Promise<unknown>) => (args: { request: unknown }) => Promise<unknown>;

/**
 * Drops checksum headers from a request about to be presigned. With the SDK's default
 * `WHEN_SUPPORTED`, a PutObject without a body gets the CRC32 of *no* bytes signed into the URL,
 * and every real upload through it then fails its checksum.
 */
const withoutChecksums: BuildMiddleware = (next) => async (args) => {
  const request = args.request as { headers?: Record<string, string> };
  if (request.headers) {
    for (const name of Object.keys(request.headers)) {
      const lower = name.toLowerCase();
      if (lower.startsWith('x-amz-checksum-') || lower === 'x-amz-sdk-checksum-algorithm') delete request.headers[name];
    }
  }
  return next(args);
};

/** A presigned GET or PUT URL for one object, valid for `expiresIn` seconds. No request is sent. */
export async function presign(ctx: DriverContext, bucket: string, key: string, options: PresignOptions): Promise<string> {
  const details = { bucket, key };
  if (key.split('/').some((segment) => segment === '.' || segment === '..')) {
    // WHATWG URLs (fetch, browsers) and curl resolve `.` and `..` segments away, so the URL would
    // name another object (or the bucket) and its signature would not match.
    throw new StorageError(
      'InvalidKey',
      `cannot presign ${JSON.stringify(key)}: HTTP clients remove its "." or ".." path segments`,
      details,
    );
  }
  const { method, expiresIn, contentType } = options;
  if (expiresIn > MAX_PRESIGN_SECONDS) {
    throw new StorageError('InvalidArgument', `expiresIn must be a whole number of seconds from 1 to ${MAX_PRESIGN_SECONDS}`, details);
  }
  try {
    if (method === 'GET') {
      return await getSignedUrl(ctx.client, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn });
    }
    const command = new PutObjectCommand({ Bucket: bucket, Key: key, ...(contentType !== undefined ? { ContentType: contentType } : {}) });
    command.middlewareStack.add(withoutChecksums as never, { step: 'build', priority: 'low', name: 'stowagePresignWithoutChecksums' });
    // Content-Type is signed, so the uploader must send exactly this one.
    return await getSignedUrl(ctx.client, command, {
      expiresIn,
      ...(contentType !== undefined ? { signableHeaders: new Set(['content-type']) } : {}),
    });
  } catch (error) {
    throw toStorageError(error, { operation: 'presign', bucket, key }, ctx.secrets);
  }
}
