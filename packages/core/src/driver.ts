import type { Readable } from 'node:stream';
import type { Capabilities } from './capabilities.js';
import type { CountedBody } from './counted-body.js';
import type { StorageError, StorageErrorDetails } from './errors.js';
import type {
  BucketInfo,
  CopyOptions,
  DeleteObjectsResult,
  GetOptions,
  HeadOptions,
  ListEntry,
  ListOptions,
  ObjectInfo,
  ObjectRef,
  PresignOptions,
  PutOptions,
  PutResult,
  Signal,
} from './storage.js';

/**
 * An object being read, as a driver returns it; the front door makes the caller's `GetResult` of
 * it (and watches the signal on the body). Only `stream` is required; the others are fast paths a
 * driver may offer for when the stream was never asked for.
 */
export interface ObjectRead {
  /** Attributes of the whole object (not of the range). */
  readonly info: ObjectInfo;
  /** The bytes this read holds, when a range was asked for. */
  readonly range?: { offset: number; length: number } | undefined;
  /** The bytes as a Node stream; called at most once. */
  stream(): Readable;
  /** All the bytes at once, without a stream. */
  bytes?(): Uint8Array | Promise<Uint8Array>;
  /** All the bytes decoded as UTF-8, without a stream. */
  text?(): string | Promise<string>;
  /** The bytes as a web stream, without a Node stream. */
  webStream?(): ReadableStream<Uint8Array>;
}

/**
 * What a driver implements: the operations of {@link Storage}, each receiving input the front door
 * has already checked. Put behind {@link FrontDoor}, a driver gets every rule the front door
 * keeps, the same on every driver:
 *
 * - bucket names follow S3's rules and keys S3's rules and the driver's {@link Capabilities}
 *   (`InvalidBucketName`, `InvalidKey`); ranges, read and write conditions, metadata, list options
 *   and transfer hints are well formed (`InvalidArgument`); an empty `delimiter` arrives as none;
 * - the signal had not fired when the call began (`Aborted`);
 * - a put's body is a {@link CountedBody}: its size, progress, abort and source failures handled;
 * - `deleteObjects` gets distinct keys that are each valid (the front door reports the others);
 * - anything a driver throws that is not a `StorageError` goes through {@link StorageDriver.mapError}
 *   (`Aborted` when the signal fired meanwhile);
 * - the body of a read ends with `Aborted` when the signal fires while it is read.
 *
 * What is left to a driver is S3's semantics on its backend: `NoSuchBucket`, `NoSuchKey`,
 * conditions against the stored object, ranges against its size, listing order.
 */
export interface StorageDriver {
  /** `'memory' | 'local' | 's3'`, or a third party's. */
  readonly name: string;
  /** What this driver supports; the front door checks keys by it, the contract suite gates cases by it. */
  readonly capabilities: Capabilities;
  /** Turns a foreign error (an SDK exception, an `errno`) into a `StorageError`; default `Unavailable`. */
  mapError?(error: unknown, details: StorageErrorDetails): StorageError;
  listBuckets(options: Signal): Promise<BucketInfo[]>;
  createBucket(bucket: string, options: Signal): Promise<void>;
  deleteBucket(bucket: string, options: Signal): Promise<void>;
  bucketExists(bucket: string, options: Signal): Promise<boolean>;
  /** `options.metadata`, when present, is normalized (names in lower case, within S3's size limit). */
  putObject(bucket: string, key: string, body: CountedBody, options: PutOptions): Promise<PutResult>;
  getObject(bucket: string, key: string, options: GetOptions): Promise<ObjectRead>;
  headObject(bucket: string, key: string, options: HeadOptions): Promise<ObjectInfo>;
  deleteObject(bucket: string, key: string, options: Signal): Promise<void>;
  /** `keys` are distinct and valid; the result covers exactly them. */
  deleteObjects(bucket: string, keys: string[], options: Signal): Promise<DeleteObjectsResult>;
  /** `options.metadata`, when present, is normalized. */
  copyObject(source: ObjectRef, target: ObjectRef, options: CopyOptions): Promise<PutResult>;
  /** `options.delimiter` is absent or non-empty; `prefix` is a string (`''` for none). */
  listObjects(bucket: string, options: ListOptions & { prefix: string }): AsyncIterable<ListEntry>;
  presign?(bucket: string, key: string, options: PresignOptions): Promise<string>;
}
