import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  type BucketLocationConstraint,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  isStorageError,
  StorageError,
  type BucketInfo,
  type Capabilities,
  type CopyOptions,
  type CountedBody,
  type DeleteObjectsResult,
  type GetOptions,
  type HeadOptions,
  type ListEntry,
  type ListOptions,
  type ObjectInfo,
  type ObjectRead,
  type ObjectRef,
  type PresignOptions,
  type PutOptions,
  type PutResult,
  type Signal,
  type StorageDriver,
  type StorageErrorDetails,
} from '@stowage/core';
import {
  assertClientOrConfig,
  createClient,
  resolveBodyResumes,
  resolveCapabilities,
  resolveTransferOptions,
  type ResolvedTransferOptions,
  type S3StorageOptions,
} from './config.js';
import { copyObject } from './copy.js';
import { deleteObjects } from './delete.js';
import { httpStatus, toStorageError } from './errors.js';
import { failedAfterRetry, serverErrorName } from './lost-answers.js';
import { integrityClient, resolveIntegrityOptions, type ResolvedIntegrityOptions } from './integrity.js';
import { getObject, headObject } from './get.js';
import { listObjects } from './list.js';
import { presign } from './presign.js';
import { call, staticSecrets } from './send.js';
import { putObject } from './upload.js';

/**
 * The driver behind {@link S3Storage}: S3's operations through the AWS SDK v3, on input the front
 * door has checked. Errors are mapped by {@link toStorageError}, with secrets redacted.
 */
export class S3Driver implements StorageDriver {
  readonly name = 's3';
  readonly capabilities: Capabilities;
  /** The `S3Client` underneath. */
  readonly client: S3Client;
  private readonly ownsClient: boolean;
  /** Bucket names with a createBucket in progress, so concurrent calls for one name queue up. */
  private readonly creating = new Map<string, Promise<void>>();
  /** What the operation modules need: the client, its transfer settings, secrets to redact. */
  readonly #ctx: {
    client: S3Client;
    capabilities: Capabilities;
    transfer: ResolvedTransferOptions;
    secrets: readonly string[];
    integrity: ResolvedIntegrityOptions;
    bodyResumes: number;
  };

  constructor(options: S3StorageOptions = {}) {
    assertClientOrConfig(options);
    const transfer = resolveTransferOptions(options);
    this.capabilities = resolveCapabilities(options.capabilities);
    this.ownsClient = options.client === undefined;
    this.client = options.client ?? createClient(options);
    const integrity = resolveIntegrityOptions(options.integrity);
    this.#ctx = {
      // Uploads go through a view of the client that adds Content-MD5 and its checks to each
      // PutObject/UploadPart command; the client itself (maybe the caller's) is left as it is.
      client: integrityClient(this.client, integrity),
      capabilities: this.capabilities,
      transfer,
      secrets: staticSecrets(options.credentials ?? options.clientConfig?.credentials),
      integrity,
      bodyResumes: resolveBodyResumes(options),
    };
  }

  /** Closes the connections of a client this driver built (a client given to it is left alone). */
  destroy(): void {
    if (this.ownsClient) this.client.destroy();
  }

  mapError(error: unknown, details: StorageErrorDetails): StorageError {
    return toStorageError(error, { operation: 'S3', ...details }, this.#ctx.secrets);
  }

  /** The buckets the credentials own (ListBuckets, following continuation tokens), with creation dates. */
  async listBuckets(options: Signal): Promise<BucketInfo[]> {
    const buckets: BucketInfo[] = [];
    let token: string | undefined;
    do {
      const continuation = token;
      const out = await call(this.#ctx, { operation: 'ListBuckets', signal: options.signal }, (abortSignal) =>
        this.client.send(new ListBucketsCommand(continuation ? { ContinuationToken: continuation } : {}), { abortSignal }),
      );
      for (const b of out.Buckets ?? []) {
        if (b.Name !== undefined) buckets.push({ name: b.Name, ...(b.CreationDate ? { createdAt: b.CreationDate } : {}) });
      }
      token = out.ContinuationToken;
    } while (token);
    return buckets.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Creates a bucket; `BucketAlreadyExists` when it exists, also when it is yours. Ceph RGW and
   * AWS us-east-1 answer 200 to creating a bucket you own, so a HeadBucket asks first, and calls
   * for one name through this storage run one at a time. Two *processes* creating the same
   * bucket at once on such a server can still both succeed.
   */
  async createBucket(bucket: string, options: Signal): Promise<void> {
    const previous = this.creating.get(bucket) ?? Promise.resolve();
    const mine = previous.then(() => this.createBucketOnce(bucket, options));
    const settled = mine.then(
      () => undefined,
      () => undefined,
    );
    this.creating.set(bucket, settled);
    try {
      return await mine;
    } finally {
      if (this.creating.get(bucket) === settled) this.creating.delete(bucket);
    }
  }

  private async createBucketOnce(bucket: string, options: Signal): Promise<void> {
    let exists = false;
    try {
      exists = await this.bucketExists(bucket, options);
    } catch (error) {
      // 403 and the like: CreateBucket itself will say what is wrong.
      if (isStorageError(error, 'Aborted')) throw error;
    }
    if (exists) throw new StorageError('BucketAlreadyExists', `CreateBucket ${bucket}: the bucket already exists`, { bucket });
    const region = await this.client.config.region();
    // us-east-1 is the default location and must not be named; any other region must be.
    const location = region && region !== 'us-east-1' && this.client.config.endpoint === undefined ? region : undefined;
    try {
      await call(this.#ctx, { operation: 'CreateBucket', bucket, signal: options.signal }, (abortSignal) =>
        this.client.send(
          new CreateBucketCommand({
            Bucket: bucket,
            ...(location ? { CreateBucketConfiguration: { LocationConstraint: location as BucketLocationConstraint } } : {}),
          }),
          { abortSignal },
        ),
      );
    } catch (error) {
      // The bucket did not exist a moment ago, so a retry that finds it met this call's own
      // earlier attempt, whose answer was lost: AWS says "already yours"; a server with one
      // account (s3rver) says "exists", and then a HeadBucket that answers proves it is ours.
      if (failedAfterRetry(error)) {
        if (serverErrorName(error) === 'BucketAlreadyOwnedByYou') return;
        if (isStorageError(error, 'BucketAlreadyExists') && (await this.bucketExists(bucket, options).catch(() => false))) return;
      }
      throw error;
    }
  }

  /** Deletes an empty bucket: `NoSuchBucket` when missing, `BucketNotEmpty` while it holds objects. */
  async deleteBucket(bucket: string, options: Signal): Promise<void> {
    try {
      await call(this.#ctx, { operation: 'DeleteBucket', bucket, signal: options.signal }, (abortSignal) =>
        this.client.send(new DeleteBucketCommand({ Bucket: bucket }), { abortSignal }),
      );
    } catch (error) {
      // A retry that finds no bucket met this call's own earlier attempt, whose answer was lost.
      if (failedAfterRetry(error) && isStorageError(error, 'NoSuchBucket')) return;
      throw error;
    }
  }

  /** True when HeadBucket answers, false on 404; other failures (403: someone else's bucket) reject. */
  async bucketExists(bucket: string, options: Signal): Promise<boolean> {
    return call(this.#ctx, { operation: 'HeadBucket', bucket, signal: options.signal }, async (abortSignal) => {
      try {
        await this.client.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal });
        return true;
      } catch (error) {
        if (httpStatus(error) === 404 && !abortSignal?.aborted) return false;
        throw error;
      }
    });
  }

  /**
   * Writes an object. Bodies up to `multipartThreshold` go up in one PutObject; larger ones and
   * streams of unknown length through lib-storage's `Upload` in `partSize` parts, `concurrency`
   * at a time. A failed or aborted multipart upload is aborted on the server, so no parts remain.
   * `onProgress` counts bytes as the upload takes them from the body (per chunk, so also within
   * a part); they run ahead of what the server has confirmed by at most `partSize × concurrency`.
   */
  putObject(bucket: string, key: string, body: CountedBody, options: PutOptions): Promise<PutResult> {
    return putObject(this.#ctx, bucket, key, body, options);
  }

  /**
   * Reads an object as a stream (the HTTP response itself). Ranges and conditions are sent to the
   * server and checked again on the response; every failure rejects before this returns.
   */
  getObject(bucket: string, key: string, options: GetOptions): Promise<ObjectRead> {
    return getObject(this.#ctx, bucket, key, options);
  }

  /** The object's size, ETag, dates, content headers and metadata (HeadObject), with read conditions. */
  headObject(bucket: string, key: string, options: HeadOptions): Promise<ObjectInfo> {
    return headObject(this.#ctx, bucket, key, options);
  }

  /** Deletes an object; deleting a missing key succeeds, as on S3. A missing bucket is `NoSuchBucket`. */
  async deleteObject(bucket: string, key: string, options: Signal): Promise<void> {
    await call(this.#ctx, { operation: 'DeleteObject', bucket, key, signal: options.signal, notFound: 'NoSuchBucket' }, (abortSignal) =>
      this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }), { abortSignal }),
    );
  }

  /** Deletes many keys with DeleteObjects, 1000 per request, duplicates once; per-key failures are in `errors`. */
  deleteObjects(bucket: string, keys: string[], options: Signal): Promise<DeleteObjectsResult> {
    return deleteObjects(this.#ctx, bucket, keys, options);
  }

  /**
   * Copies inside the server (CopyObject; UploadPartCopy above 5 GiB). Without header or metadata
   * options the source's are kept; with any, they replace them all (S3's `REPLACE`).
   */
  copyObject(source: ObjectRef, target: ObjectRef, options: CopyOptions): Promise<PutResult> {
    return copyObject(this.#ctx, source, target, options);
  }

  /** Lists through ListObjectsV2; each page (`pageSize` → `MaxKeys`) is fetched when it is reached. */
  listObjects(bucket: string, options: ListOptions): AsyncIterable<ListEntry> {
    return listObjects(this.#ctx, bucket, options);
  }

  /** A presigned GET or PUT URL (SigV4 query signing), valid for `expiresIn` seconds (at most 7 days). */
  presign(bucket: string, key: string, options: PresignOptions): Promise<string> {
    return presign(this.#ctx, bucket, key, options);
  }
}
