import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import {
  abortError,
  allowAbortListeners,
  bareEtag,
  checkPutConditions,
  concatBytes,
  isStorageError,
  quoteEtag,
  raceSignal,
  type CountedBody,
  type PutOptions,
  type PutResult,
  type StorageError,
} from '@stowage/core';
import { MAX_PARTS, MIN_PART_SIZE, type ResolvedTransferOptions } from './config.js';
import { httpStatus, toStorageError } from './errors.js';
import { headObject } from './get.js';
import { failedAfterRetry, singlePutEtag } from './lost-answers.js';
import { attributeInput } from './object-info.js';
import { call, type DriverContext } from './send.js';
import { uploadStream } from './upload-stream.js';

/** The context of a put: the driver's, plus its transfer defaults. */
export interface UploadContext extends DriverContext {
  readonly transfer: ResolvedTransferOptions;
}

/**
 * A counted body's chunks, pulled one at a time (size, progress and abort are the counted body's
 * job), remembering the error it failed with: the real reason an upload failed.
 */
class BodySource {
  /** The error this source threw, if any. */
  failure: StorageError | undefined;
  private readonly iterator: AsyncIterator<Uint8Array>;

  constructor(private readonly body: CountedBody) {
    this.iterator = body.chunks()[Symbol.asyncIterator]();
  }

  /** Bytes taken from the body so far. */
  get loaded(): number {
    return this.body.loaded;
  }

  /** The next chunk, or `undefined` at the end. */
  async next(): Promise<Uint8Array | undefined> {
    try {
      const result = await this.iterator.next();
      return result.done ? undefined : result.value;
    } catch (error) {
      this.failure ??= error as StorageError;
      throw error;
    }
  }

  /** Stops the source (closes the caller's stream) when the upload ended early. */
  close(): void {
    void Promise.resolve(this.iterator.return?.(undefined)).catch(() => undefined);
  }
}

/**
 * Checks `ifMatch`/`ifNoneMatch` of a multipart put against the current object. S3 enforces them
 * atomically on CompleteMultipartUpload, but servers that predate conditional writes there (Ceph
 * RGW 16) ignore them: checking first makes such a put fail as it should, except for a write that
 * lands between this HEAD and the completion.
 */
async function checkConditions(ctx: DriverContext, bucket: string, key: string, options: PutOptions): Promise<void> {
  let current: { etag: string } | undefined;
  try {
    const head = await ctx.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: options.signal });
    current = { etag: head.ETag ?? '' };
  } catch (error) {
    if (httpStatus(error) !== 404)
      throw toStorageError(error, { operation: 'HeadObject', bucket, key, signal: options.signal }, ctx.secrets);
  }
  checkPutConditions(current, options, { bucket, key });
}

/** Writes an object: one PutObject up to the multipart threshold, a lib-storage `Upload` above it. */
export async function putObject(
  ctx: UploadContext,
  bucket: string,
  key: string,
  body: CountedBody,
  options: PutOptions,
): Promise<PutResult> {
  const threshold = options.multipartThreshold ?? ctx.transfer.multipartThreshold;
  const queueSize = options.concurrency ?? ctx.transfer.queueSize;
  const partHint = options.partSize ?? ctx.transfer.partSize;
  const { signal } = options;
  const metadata = options.metadata ?? {};
  const total = body.size;
  // S3 wants parts of at least 5 MiB and at most 10,000 of them.
  const partSize = Math.max(partHint, MIN_PART_SIZE, total === undefined ? 0 : Math.ceil(total / MAX_PARTS));
  const source = new BodySource(body);

  const params: PutObjectCommandInput & { Bucket: string; Key: string } = {
    Bucket: bucket,
    Key: key,
    ...attributeInput(options, metadata),
    ...(options.ifNoneMatch !== undefined ? { IfNoneMatch: options.ifNoneMatch } : {}),
    // Ceph RGW compares a PUT's If-Match with the bare ETag (a quoted one always fails); S3 accepts both.
    ...(options.ifMatch !== undefined ? { IfMatch: bareEtag(options.ifMatch) } : {}),
  };

  // Read up to the threshold: a body that ends by then goes up in one request.
  const prefix: (Uint8Array | undefined)[] = [];
  let buffered = 0;
  let ended = false;
  try {
    while (buffered <= threshold) {
      const chunk = await source.next();
      if (chunk === undefined) {
        ended = true;
        break;
      }
      prefix.push(chunk);
      buffered += chunk.byteLength;
    }
  } catch (error) {
    source.close();
    throw toStorageError(error, { operation: 'PutObject', bucket, key, signal }, ctx.secrets);
  }

  if (ended) {
    const chunks = prefix as Uint8Array[];
    const data = concatBytes(chunks);
    try {
      const out = await call(ctx, { operation: 'PutObject', bucket, key, signal }, (abortSignal) =>
        ctx.client.send(new PutObjectCommand({ ...params, Body: data, ContentLength: data.byteLength }), { abortSignal }),
      );
      return { etag: quoteEtag(out.ETag ?? ''), size: data.byteLength };
    } catch (error) {
      const done = await ownEarlierPut(ctx, bucket, key, data, options, error);
      if (done) return done;
      throw error;
    }
  }
  const conditional = options.ifMatch !== undefined || options.ifNoneMatch !== undefined;
  const beforeComplete = conditional ? () => checkConditions(ctx, bucket, key, options) : undefined;
  // Fail before uploading gigabytes that could never be stored.
  if (beforeComplete) {
    try {
      await beforeComplete();
    } catch (error) {
      source.close();
      throw error;
    }
  }
  return multipartPut(ctx, params, source, prefix, { partSize, queueSize, signal, beforeComplete });
}

/**
 * The client lib-storage gets: a view of `client` whose part uploads carry `stop.signal`, so a
 * failure or an abort cancels the parts in flight (lib-storage sends without a signal), whose
 * first failed request fires `stop` (so lib-storage stops waiting for a body that stalls), and that
 * runs `beforeComplete` before CompleteMultipartUpload. CreateMultipartUpload and
 * AbortMultipartUpload keep no signal: cancelling the first could leave an upload whose id is
 * unknown, and the second is the cleanup.
 */
function uploadClient(client: S3Client, stop: AbortController, beforeComplete: (() => Promise<void>) | undefined): S3Client {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return async (command: unknown, options?: Record<string, unknown>) => {
        const cancellable = command instanceof UploadPartCommand || command instanceof PutObjectCommand;
        if (command instanceof CompleteMultipartUploadCommand && beforeComplete) await beforeComplete();
        const send = target.send.bind(target) as (c: unknown, o?: Record<string, unknown>) => Promise<unknown>;
        try {
          return await send(command, cancellable ? { ...options, abortSignal: stop.signal } : options);
        } catch (error) {
          if (!stop.signal.aborted && !(command instanceof AbortMultipartUploadCommand)) stop.abort(error);
          throw error;
        }
      };
    },
  });
}

/**
 * The body as lib-storage reads it: the chunks read ahead, then the rest of the source, as a
 * stream holding at most one chunk ahead (so progress follows what the upload took). When `stop`
 * fires, a pending read is abandoned and the stream fails, so a body that stalls is not waited for.
 */
function uploadBody(source: BodySource, prefix: (Uint8Array | undefined)[], stop: AbortSignal): ReturnType<typeof uploadStream> {
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < prefix.length; i++) {
      const chunk = prefix[i] as Uint8Array;
      prefix[i] = undefined; // let it go once lib-storage has it
      yield chunk;
    }
    for (;;) {
      const chunk = await raceSignal(stop, source.next(), () => stop.reason);
      if (chunk === undefined) return;
      if (chunk.byteLength > 0) yield chunk;
    }
  }
  return uploadStream(chunks());
}

/**
 * A multipart upload through lib-storage's `Upload`: parts of `partSize` bytes, `queueSize` at a
 * time. The first failure (the body's own, a part's, the caller's abort) cancels the parts in
 * flight and aborts the multipart upload; a body whose length differs from its declared size
 * fails before CompleteMultipartUpload, so no truncated object is ever stored.
 */
async function multipartPut(
  ctx: UploadContext,
  params: PutObjectCommandInput & { Bucket: string; Key: string },
  source: BodySource,
  prefix: (Uint8Array | undefined)[],
  {
    partSize,
    queueSize,
    signal,
    beforeComplete,
  }: { partSize: number; queueSize: number; signal: AbortSignal | undefined; beforeComplete: (() => Promise<void>) | undefined },
): Promise<PutResult> {
  const { Bucket: bucket, Key: key } = params;
  const context = { operation: 'multipart upload', bucket, key, signal };
  // Fires on the caller's abort and on the first failed request.
  const stop = new AbortController();
  allowAbortListeners(stop.signal, 16 + 4 * queueSize);
  const forwardAbort = () => stop.abort(abortError(signal, { bucket, key }));
  signal?.addEventListener('abort', forwardAbort, { once: true });
  const upload = new Upload({
    client: uploadClient(ctx.client, stop, beforeComplete),
    params: { ...params, Body: uploadBody(source, prefix, stop.signal) },
    partSize,
    queueSize,
    // lib-storage aborts the multipart upload on any failure (a part, the body, Complete).
    leavePartsOnError: false,
  });
  let etag: string;
  try {
    const out = await upload.done();
    etag = out.ETag ?? '';
  } catch (error) {
    source.close();
    // lib-storage has aborted the upload already when it could; abort again in case that
    // failed (e.g. a network error), since a stranded upload keeps its parts billed forever.
    const uploadId = upload.uploadId;
    if (uploadId) {
      await ctx.client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
    }
    // The body's own failure, or the caller's abort, is the one worth reporting: not the parts it
    // cancelled, nor lib-storage's cleanup error (s3rver answers AbortMultipartUpload with 405).
    const reason: unknown = signal?.aborted ? stop.signal.reason : undefined;
    throw toStorageError(source.failure ?? reason ?? error, context, ctx.secrets);
  } finally {
    signal?.removeEventListener('abort', forwardAbort);
  }
  if (etag === '') {
    // Ceph RGW answers CompleteMultipartUpload without an ETag; HeadObject has the real one.
    const head = await call(ctx, { operation: 'HeadObject', bucket, key }, () =>
      ctx.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })),
    );
    etag = head.ETag ?? '';
  }
  return { etag: quoteEtag(etag), size: source.loaded };
}

/**
 * A conditional put that failed its condition on a retry, after an attempt whose answer was lost:
 * when the object now holds exactly the bytes this put sent (its ETag is their MD5), that attempt
 * stored them and the put succeeded. Another writer storing identical bytes in between cannot be
 * told apart (docs/integrity.md).
 */
async function ownEarlierPut(
  ctx: UploadContext,
  bucket: string,
  key: string,
  data: Uint8Array,
  options: PutOptions,
  error: unknown,
): Promise<PutResult | undefined> {
  const conditional = options.ifMatch !== undefined || options.ifNoneMatch !== undefined;
  if (!conditional || !isStorageError(error, 'PreconditionFailed') || !failedAfterRetry(error)) return undefined;
  const etag = singlePutEtag(data);
  const current = await headObject(ctx, bucket, key, {}).catch(() => undefined);
  return current?.etag === etag ? { etag, size: data.byteLength } : undefined;
}
