import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  UploadPartCopyCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3';
import {
  forEachLimited,
  pickContentHeaders,
  quoteEtag,
  replacesAttributes,
  throwIfAborted,
  type CopyOptions,
  type ObjectInfo,
  type ObjectRef,
  type PutResult,
} from '@stowage/core';
import { MAX_PARTS, MAX_SINGLE_OBJECT, type ResolvedTransferOptions } from './config.js';
import { toStorageError } from './errors.js';
import { headObject } from './get.js';
import { attributeInput } from './object-info.js';
import { call, type DriverContext } from './send.js';

/** The context of a copy: the driver's, plus its transfer settings. */
export interface CopyContext extends DriverContext {
  readonly transfer: ResolvedTransferOptions;
}

/** `x-amz-copy-source`: the bucket and the URL-encoded key (slashes kept, as S3's examples do). */
export function copySource(ref: ObjectRef): string {
  return `${ref.bucket}/${ref.key.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * Copies an object inside the server. The source is read with HeadObject first: it gives the
 * size (S3 copies at most 5 GiB per request; above that the copy goes part by part), the
 * attributes to resend when an object is copied onto itself, and a precise `NoSuchKey`.
 */
export async function copyObject(ctx: CopyContext, source: ObjectRef, target: ObjectRef, options: CopyOptions): Promise<PutResult> {
  const metadata = options.metadata ?? {};
  const { signal } = options;

  const info = await headObject(ctx, source.bucket, source.key, {
    ...(options.sourceIfMatch !== undefined ? { ifMatch: options.sourceIfMatch } : {}),
    ...(signal ? { signal } : {}),
  });
  const replace = replacesAttributes(options);
  const self = source.bucket === target.bucket && source.key === target.key;
  // S3 refuses to copy an object onto itself unchanged; resending its own attributes with
  // REPLACE is the documented way to "touch" it (what boto3's copy does too).
  const attributes = replace ? attributeInput(options, metadata) : attributeInput(pickContentHeaders(info), info.metadata);
  const directive = replace || self ? 'REPLACE' : 'COPY';
  // Every request is pinned to the version read above, so a concurrent overwrite fails the copy.
  const sourceIfMatch = options.sourceIfMatch ?? info.etag;

  if (info.size > Math.min(ctx.transfer.multipartCopyThreshold, MAX_SINGLE_OBJECT)) {
    return multipartCopy(ctx, source, target, info, attributes, sourceIfMatch, signal);
  }
  const out = await call(ctx, { operation: 'CopyObject', bucket: target.bucket, key: target.key, signal }, (abortSignal) =>
    ctx.client.send(
      new CopyObjectCommand({
        Bucket: target.bucket,
        Key: target.key,
        CopySource: copySource(source),
        CopySourceIfMatch: sourceIfMatch,
        MetadataDirective: directive,
        ...(directive === 'REPLACE' ? attributes : {}),
      }),
      { abortSignal },
    ),
  );
  return { etag: quoteEtag(out.CopyObjectResult?.ETag ?? ''), size: info.size };
}

async function multipartCopy(
  ctx: CopyContext,
  source: ObjectRef,
  target: ObjectRef,
  info: ObjectInfo,
  attributes: ReturnType<typeof attributeInput>,
  sourceIfMatch: string,
  signal: AbortSignal | undefined,
): Promise<PutResult> {
  const { bucket, key } = target;
  const context = { operation: 'multipart copy', bucket, key, signal };
  const partSize = Math.max(ctx.transfer.copyPartSize, Math.ceil(info.size / MAX_PARTS));
  const created = await call(ctx, context, () =>
    // No signal: a cancelled create could leave an upload whose id we never learn.
    ctx.client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ...attributes })),
  );
  const uploadId = created.UploadId as string;
  try {
    const count = Math.ceil(info.size / partSize);
    const parts: CompletedPart[] = new Array<CompletedPart>(count);
    const numbers = Array.from({ length: count }, (_, index) => index);
    // Every part settles before the upload is completed or aborted, so no part lands after.
    await forEachLimited(numbers, ctx.transfer.queueSize, async (index) => {
      const start = index * partSize;
      const end = Math.min(info.size, start + partSize) - 1;
      const out = await ctx.client.send(
        new UploadPartCopyCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber: index + 1,
          CopySource: copySource(source),
          CopySourceIfMatch: sourceIfMatch,
          CopySourceRange: `bytes=${start}-${end}`,
        }),
        { abortSignal: signal },
      );
      parts[index] = { PartNumber: index + 1, ETag: out.CopyPartResult?.ETag ?? '' };
    });
    throwIfAborted(signal, target);
    const done = await ctx.client.send(
      new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }),
    );
    let etag = done.ETag ?? '';
    if (etag === '') {
      // Ceph RGW completes without an ETag; HeadObject has it.
      const head = await ctx.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      etag = head.ETag ?? '';
    }
    return { etag: quoteEtag(etag), size: info.size };
  } catch (error) {
    // Never strand an upload: its parts would stay (and be billed) until someone aborts it.
    await ctx.client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
    throw toStorageError(error, context, ctx.secrets);
  }
}
