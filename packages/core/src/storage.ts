import type { Readable } from 'node:stream';
import type { Capabilities } from './capabilities.js';
import type { ErrorCode } from './errors.js';

/** Anything an object's body can be given as. Streams are consumed once and never buffered whole. */
export type BodyInput = string | Uint8Array | Readable | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Blob;

/** Options every operation takes. */
export interface Signal {
  /** Aborts the operation; it then rejects with a `StorageError` whose code is `Aborted`. */
  signal?: AbortSignal;
}

/** A bucket as listed. */
export interface BucketInfo {
  name: string;
  createdAt?: Date;
}

/** The HTTP content headers an object keeps (S3's `Content-*` and `Cache-Control`). */
export interface ContentHeaders {
  contentType?: string;
  contentEncoding?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  cacheControl?: string;
}

/** Everything known about a stored object. */
export interface ObjectInfo extends ContentHeaders {
  key: string;
  /** Size in bytes. */
  size: number;
  /** The entity tag, quoted as S3 sends it (`"9a0364b9e99bb480dd25e1f0284c8555"`). */
  etag: string;
  lastModified: Date;
  /** User metadata (S3's `x-amz-meta-*`), names in lower case. */
  metadata: Record<string, string>;
}

/** Progress of one transfer. `delta` is negative when a retry rewinds. */
export interface ProgressEvent {
  bucket: string;
  key: string;
  /** Bytes transferred so far; never exceeds `total`. */
  loaded: number;
  /** Total bytes, when known. */
  total?: number;
  /** Bytes since the previous event. */
  delta: number;
}

/** Options of {@link Storage.putObject}. */
export interface PutOptions extends ContentHeaders, Signal {
  metadata?: Record<string, string>;
  /** Write only if the current object's ETag is this one (else `PreconditionFailed`). */
  ifMatch?: string;
  /** `'*'`: write only if no object exists under the key (else `PreconditionFailed`). */
  ifNoneMatch?: '*';
  /** The body's length, when the caller knows it and the body is a stream. A mismatch is `InvalidArgument`. */
  size?: number;
  /** Called as bytes are written (drivers may call it per chunk; transfers throttle it). */
  onProgress?: (event: ProgressEvent) => void;
  /** Hint for drivers that upload in parts: bodies larger than this go up in parts. */
  multipartThreshold?: number;
  /** Hint for drivers that upload in parts: bytes per part. */
  partSize?: number;
  /** Hint for drivers that upload in parts: parts in flight at once. */
  concurrency?: number;
}

/** Options of {@link Storage.presign}. */
export interface PresignOptions {
  /** `GET` to download, `PUT` to upload. */
  method: 'GET' | 'PUT';
  /** Seconds the URL stays valid. */
  expiresIn: number;
  /** For `PUT`: the content type the uploader must send. */
  contentType?: string;
}

/** What a successful write returns. */
export interface PutResult {
  etag: string;
  /** Bytes written, when the driver knows it. */
  size?: number;
}

/** A byte range: from `offset` (for `length` bytes, or to the end), or the last `suffix` bytes. */
export type ByteRange = { offset: number; length?: number } | { suffix: number };

/** Conditions on reads, as S3's `If-*` request headers. */
export interface ReadConditions {
  ifMatch?: string;
  ifNoneMatch?: string;
  ifModifiedSince?: Date;
  ifUnmodifiedSince?: Date;
}

/** Options of {@link Storage.headObject}. */
export interface HeadOptions extends ReadConditions, Signal {}

/** Options of {@link Storage.getObject}. */
export interface GetOptions extends ReadConditions, Signal {
  range?: ByteRange;
}

/** An object being read. `body` streams; consume it once, by one of the helpers or directly. */
export interface GetResult {
  /** Attributes of the whole object (not of the range). */
  info: ObjectInfo;
  /** The bytes `body` holds, when a range was asked for. */
  range?: { offset: number; length: number };
  body: Readable;
  text(): Promise<string>;
  bytes(): Promise<Uint8Array>;
  webStream(): ReadableStream<Uint8Array>;
}

/** An entry of a listing: an object, or (with a delimiter) a common prefix. */
export type ListEntry = ({ type: 'object' } & ObjectInfo) | { type: 'prefix'; prefix: string };

/** Options of {@link Storage.listObjects}. */
export interface ListOptions extends Signal {
  prefix?: string;
  /** Roll keys up to common prefixes at this string (usually `/`). */
  delimiter?: string;
  /** List keys after this one (exclusive). */
  startAfter?: string;
  /** How many entries to fetch per request, where the backend pages. */
  pageSize?: number;
}

/** Names an object. */
export interface ObjectRef {
  bucket: string;
  key: string;
}

/** Options of {@link Storage.copyObject}. Giving any header or `metadata` replaces them all (S3's `REPLACE`). */
export interface CopyOptions extends ContentHeaders, Signal {
  metadata?: Record<string, string>;
  /** Copy only if the source's ETag is this one. */
  sourceIfMatch?: string;
}

/** What a batch delete did: missing keys count as deleted, as on S3. */
export interface DeleteObjectsResult {
  deleted: string[];
  errors: { key: string; code: ErrorCode; message: string }[];
}

/**
 * The client level: one method per S3 operation, the same on every driver. Every method validates
 * bucket names and keys before any I/O and rejects only with `StorageError`.
 */
export interface Storage {
  /** `'memory' | 'local' | 's3'`, or a third party's. */
  readonly name: string;
  /** What this driver supports; read by the contract suite and by callers. */
  readonly capabilities: Capabilities;
  listBuckets(options?: Signal): Promise<BucketInfo[]>;
  /** Rejects `BucketAlreadyExists` when it exists. */
  createBucket(bucket: string, options?: Signal): Promise<void>;
  /** Rejects `NoSuchBucket`, or `BucketNotEmpty` while it holds objects. */
  deleteBucket(bucket: string, options?: Signal): Promise<void>;
  bucketExists(bucket: string, options?: Signal): Promise<boolean>;
  putObject(bucket: string, key: string, body: BodyInput, options?: PutOptions): Promise<PutResult>;
  /** Rejects (`NoSuchKey`, `PreconditionFailed`, `InvalidRange`, ...) before it returns, never from the stream. */
  getObject(bucket: string, key: string, options?: GetOptions): Promise<GetResult>;
  headObject(bucket: string, key: string, options?: HeadOptions): Promise<ObjectInfo>;
  /** Idempotent: deleting a missing key succeeds. */
  deleteObject(bucket: string, key: string, options?: Signal): Promise<void>;
  deleteObjects(bucket: string, keys: string[], options?: Signal): Promise<DeleteObjectsResult>;
  copyObject(source: ObjectRef, target: ObjectRef, options?: CopyOptions): Promise<PutResult>;
  /** Entries in the byte order of the keys' UTF-8 encoding, fetched as they are consumed. */
  listObjects(bucket: string, options?: ListOptions): AsyncIterable<ListEntry>;
  /** A URL anyone can use to GET or PUT the object until it expires; present when `capabilities.presign`. */
  presign?(bucket: string, key: string, options: PresignOptions): Promise<string>;
}
