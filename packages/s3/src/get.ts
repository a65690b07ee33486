import { GetObjectCommand, HeadBucketCommand, HeadObjectCommand, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import {
  bareEtag,
  checkReadConditions,
  rangeHeader,
  resolveRange,
  StorageError,
  type ByteRange,
  type GetOptions,
  type HeadOptions,
  type ObjectInfo,
  type ObjectRead,
  type ReadConditions,
} from '@stowage/core';
import { httpStatus, redact, safeCause, toStorageError } from './errors.js';
import type { BodyResume } from './body-checks.js';
import { etagIsMd5, md5OfEtag } from './integrity.js';
import { objectInfo } from './object-info.js';
import { bodyRead, discardBody, responseBody, sliceBody, type ResponseBody } from './response-body.js';
import { call, type DriverContext } from './send.js';
import { verifiedBody } from './verified-body.js';

function conditionInput(conditions: ReadConditions) {
  return {
    ...(conditions.ifMatch !== undefined ? { IfMatch: conditions.ifMatch } : {}),
    ...(conditions.ifNoneMatch !== undefined ? { IfNoneMatch: conditions.ifNoneMatch } : {}),
    ...(conditions.ifModifiedSince !== undefined ? { IfModifiedSince: conditions.ifModifiedSince } : {}),
    ...(conditions.ifUnmodifiedSince !== undefined ? { IfUnmodifiedSince: conditions.ifUnmodifiedSince } : {}),
  };
}

/**
 * HeadObject. A 404 to HEAD has no body to say what is missing, so on 404 a HeadBucket tells a
 * missing bucket (`NoSuchBucket`) from a missing key (`NoSuchKey`).
 */
export async function headObject(ctx: DriverContext, bucket: string, key: string, options: HeadOptions): Promise<ObjectInfo> {
  const { signal } = options;
  const context = { operation: 'HeadObject', bucket, key, signal };
  const out = await call(ctx, context, async (abortSignal) => {
    try {
      return await ctx.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ...conditionInput(options) }), { abortSignal });
    } catch (error) {
      if (httpStatus(error) === 404 && !signal?.aborted) {
        const bucketExists = await bucketAnswers(ctx, bucket, signal);
        throw toStorageError(error, { ...context, notFound: bucketExists ? 'NoSuchKey' : 'NoSuchBucket' }, ctx.secrets);
      }
      throw error;
    }
  });
  const info = objectInfo(key, out);
  // Also checked here, since some S3-compatible servers (s3rver) ignore If-* headers.
  checkReadConditions(info, options, { bucket, key });
  return info;
}

/** True unless HeadBucket answers 404 (any other failure: assume it exists, the first error stands). */
async function bucketAnswers(ctx: DriverContext, bucket: string, signal: AbortSignal | undefined): Promise<boolean> {
  try {
    await ctx.client.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal: signal });
    return true;
  } catch (error) {
    return httpStatus(error) !== 404;
  }
}

// `Content-Range: bytes 0-9/100`
const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+|\*)$/;

function parseContentRange(value: string | undefined): { offset: number; length: number; size?: number } | undefined {
  const match = value === undefined ? null : CONTENT_RANGE.exec(value.trim());
  if (!match) return undefined;
  const offset = Number(match[1]);
  const length = Number(match[2]) - offset + 1;
  return { offset, length, ...(match[3] !== '*' ? { size: Number(match[3]) } : {}) };
}

/**
 * GetObject with a range and conditions. Everything that can fail (missing key, conditions,
 * range) fails before this returns; the body is the response stream itself, never buffered.
 */
export async function getObject(ctx: DriverContext, bucket: string, key: string, options: GetOptions): Promise<ObjectRead> {
  const details = { bucket, key };
  const { signal, range } = options;
  const context = { operation: 'GetObject', bucket, key, signal };
  const request = (r: ByteRange | undefined, conditions: ReadConditions) =>
    call(ctx, context, (abortSignal) =>
      ctx.client.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, ...(r ? { Range: rangeHeader(r) } : {}), ...conditionInput(conditions) }),
        { abortSignal },
      ),
    );
  let out = await request(range, options);
  let body = responseBody(out.Body);
  try {
    if (!body) throw new StorageError('Unavailable', `GetObject ${bucket}/${key}: the response has no body`, details);
    body = checkedBody(ctx, body, out, range === undefined, details, resumeFrom(ctx, bucket, key, out, signal));
    let served = parseContentRange(out.ContentRange);
    const size = served?.size ?? out.ContentLength ?? 0;
    const info = objectInfo(key, out, size);
    // Also checked here, since some S3-compatible servers (s3rver) ignore If-Match and friends.
    checkReadConditions(info, options, details);
    const watch = { bucket, key, signal };
    if (!range) return bodyRead(info, body, undefined, watch);

    const wanted = resolveRange(range, size, details);
    if (!served) {
      // The server ignored the Range header and sent the whole object: cut the range out.
      body = sliceBody(body, wanted.offset, wanted.length);
      served = wanted;
    } else if (served.offset !== wanted.offset || served.length !== wanted.length) {
      if (served.offset <= wanted.offset && served.offset + served.length >= wanted.offset + wanted.length) {
        // More than asked (s3rver answers `bytes=0-0` with the whole object): cut it down.
        body = sliceBody(body, wanted.offset - served.offset, wanted.length);
      } else {
        // Other bytes than asked (s3rver answers a suffix range with the first bytes): ask again
        // for the explicit range of this same version of the object.
        discardBody(body);
        out = await request({ offset: wanted.offset, length: wanted.length }, { ifMatch: info.etag });
        const retried = responseBody(out.Body);
        body = retried === undefined ? undefined : checkedBody(ctx, retried, out, false, details);
        const again = parseContentRange(out.ContentRange);
        if (!body || !again || again.offset > wanted.offset || again.offset + again.length < wanted.offset + wanted.length) {
          if (body) discardBody(body);
          throw new StorageError(
            'Unavailable',
            `GetObject ${bucket}/${key}: the server answered a different range than requested`,
            details,
          );
        }
        if (again.offset !== wanted.offset || again.length !== wanted.length)
          body = sliceBody(body, wanted.offset - again.offset, wanted.length);
      }
      served = wanted;
    }
    return bodyRead(info, body, { offset: served.offset, length: served.length }, watch);
  } catch (error) {
    if (body) discardBody(body);
    throw toStorageError(error, context, ctx.secrets);
  }
}

/**
 * The response body, checked as it streams: its length against `Content-Length` always, and on a
 * full read (`whole`) of an object whose ETag is a plain MD5 (single-part, not KMS or SSE-C), its
 * MD5 against the ETag. See {@link verifiedBody}.
 */
function checkedBody(
  ctx: DriverContext,
  body: ResponseBody,
  out: GetObjectCommandOutput,
  whole: boolean,
  details: { bucket: string; key: string },
  resume?: BodyResume<ResponseBody>,
): ResponseBody {
  const md5 =
    whole && ctx.integrity.verifyDownloads && etagIsMd5(out.ServerSideEncryption, out.SSECustomerAlgorithm)
      ? md5OfEtag(out.ETag)
      : undefined;
  const length = out.ContentLength;
  return verifiedBody(
    body,
    { ...(length !== undefined ? { length } : {}), ...(md5 !== undefined ? { md5 } : {}) },
    (code, message, cause) =>
      new StorageError(code, redact(`GetObject ${details.bucket}/${details.key}: ${message}`, ctx.secrets), {
        ...details,
        ...(cause !== undefined ? { cause: safeCause(cause, ctx.secrets) } : {}),
      }),
    resume,
  );
}

/**
 * How a response body goes on after its connection breaks: a ranged GetObject of the missing
 * bytes, pinned to the ETag (`If-Match`, and compared, since s3rver ignores If-Match), accepted
 * only when the server answers exactly that range. `undefined` when resuming is off or the
 * response gives nothing to pin it to.
 */
function resumeFrom(
  ctx: DriverContext,
  bucket: string,
  key: string,
  out: GetObjectCommandOutput,
  signal: AbortSignal | undefined,
): BodyResume<ResponseBody> | undefined {
  const attempts = ctx.bodyResumes ?? 0;
  const etag = out.ETag;
  const length = out.ContentLength;
  if (attempts <= 0 || etag === undefined || length === undefined) return undefined;
  const base = parseContentRange(out.ContentRange)?.offset ?? 0;
  const context = { operation: 'GetObject', bucket, key, signal };
  return {
    attempts,
    from: async (position) => {
      const wanted = { offset: base + position, length: length - position };
      const again = await call(ctx, context, (abortSignal) =>
        ctx.client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: rangeHeader(wanted), IfMatch: etag }), { abortSignal }),
      );
      const served = parseContentRange(again.ContentRange);
      const body = responseBody(again.Body);
      if (
        !body ||
        !served ||
        served.offset !== wanted.offset ||
        served.length !== wanted.length ||
        bareEtag(again.ETag ?? '') !== bareEtag(etag)
      ) {
        if (body) discardBody(body);
        throw new StorageError(
          'Unavailable',
          `GetObject ${bucket}/${key}: the server did not resume the body with the requested range of the same object`,
          { bucket, key },
        );
      }
      return body;
    },
  };
}
