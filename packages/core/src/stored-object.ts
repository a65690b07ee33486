import type { Bucket } from './bucket.js';
import { type DownloadFileOptions, downloadFile } from './download-file.js';
import { StorageError, isStorageError } from './errors.js';
import type {
  BodyInput,
  CopyOptions,
  GetOptions,
  GetResult,
  HeadOptions,
  ObjectInfo,
  ObjectRef,
  PutOptions,
  PutResult,
  Signal,
  Storage,
} from './storage.js';
import type { TransferResult } from './transfer-config.js';
import { type UploadFileOptions, uploadFile } from './upload-file.js';
import { copyAcross } from './copy-across.js';

/** What a listing tells about an object; the rest needs `load()`. */
const LISTED = new Set<keyof ObjectInfo>(['key', 'size', 'etag', 'lastModified']);

/**
 * One object, boto3's `s3.Object(bucket, key)`: identified by its bucket and key, with attributes
 * that are read from the store by {@link StoredObject.load} (a HEAD) and actions that act on it.
 *
 * @example
 * const cat = new Bucket(storage, 'photos').object('cats/cat.jpg');
 * await cat.load();
 * console.log(cat.size, cat.contentType, cat.metadata);
 */
export class StoredObject implements ObjectRef {
  /** The bucket this object is in. */
  readonly bucketResource: Bucket;
  /** The object's key. */
  readonly key: string;
  private info: ObjectInfo | undefined;
  /** Which attributes `info` holds: all after `load()`, only those a listing has otherwise. */
  private complete = false;

  /** Use `bucket.object(key)`; the key is checked when the object is first used. */
  constructor(bucket: Bucket, key: string, listed?: ObjectInfo) {
    this.bucketResource = bucket;
    this.key = key;
    if (listed) this.info = listed;
  }

  /** The bucket's name (so a `StoredObject` is an {@link ObjectRef}). */
  get bucket(): string {
    return this.bucketResource.name;
  }

  /** The storage this object lives in. */
  get storage(): Storage {
    return this.bucketResource.storage;
  }

  /** True once attributes were loaded (by `load()`, `get()` or `exists()`). */
  get loaded(): boolean {
    return this.complete;
  }

  /** Size in bytes. Set by `load()` and by listings. */
  get size(): number {
    return this.attribute('size');
  }
  /** The ETag, quoted as S3 sends it. Set by `load()` and by listings. */
  get etag(): string {
    return this.attribute('etag');
  }
  /** Set by `load()` and by listings. */
  get lastModified(): Date {
    return this.attribute('lastModified');
  }
  /** Set by `load()`; `undefined` when the object has none. */
  get contentType(): string | undefined {
    return this.attribute('contentType');
  }
  /** Set by `load()`; `undefined` when the object has none. */
  get contentEncoding(): string | undefined {
    return this.attribute('contentEncoding');
  }
  /** Set by `load()`; `undefined` when the object has none. */
  get contentDisposition(): string | undefined {
    return this.attribute('contentDisposition');
  }
  /** Set by `load()`; `undefined` when the object has none. */
  get contentLanguage(): string | undefined {
    return this.attribute('contentLanguage');
  }
  /** Set by `load()`; `undefined` when the object has none. */
  get cacheControl(): string | undefined {
    return this.attribute('cacheControl');
  }
  /** User metadata, names in lower case. Set by `load()`. */
  get metadata(): Record<string, string> {
    return this.attribute('metadata');
  }

  /** Reads the attributes from the store (a HEAD request); `NoSuchKey` when there is no object. */
  async load(options: HeadOptions = {}): Promise<this> {
    this.remember(await this.storage.headObject(this.bucket, this.key, options));
    return this;
  }

  /** True when the object exists (loading its attributes then), false on `NoSuchKey`. */
  async exists(options: Signal = {}): Promise<boolean> {
    try {
      await this.load(options);
      return true;
    } catch (error) {
      if (isStorageError(error, 'NoSuchKey')) return false;
      throw error;
    }
  }

  /** Writes the object. Attributes loaded before are dropped: they describe the old object. */
  async put(body: BodyInput, options: PutOptions = {}): Promise<PutResult> {
    this.forget();
    return this.storage.putObject(this.bucket, this.key, body, options);
  }

  /** Reads the object (streaming); its attributes are loaded from the response. */
  async get(options: GetOptions = {}): Promise<GetResult> {
    const result = await this.storage.getObject(this.bucket, this.key, options);
    this.remember(result.info);
    return result;
  }

  /** The whole object as UTF-8 text. */
  async text(options: GetOptions = {}): Promise<string> {
    return (await this.get(options)).text();
  }

  /** The whole object as bytes. */
  async bytes(options: GetOptions = {}): Promise<Uint8Array> {
    return (await this.get(options)).bytes();
  }

  /**
   * Copies this object to `target`, in the same storage with one server-side copy, or streamed
   * through this process when `target` lives in another storage (another driver or account).
   */
  async copyTo(target: StoredObject | ObjectRef, options: CopyOptions = {}): Promise<PutResult> {
    const targetStorage = target instanceof StoredObject ? target.storage : this.storage;
    if (target instanceof StoredObject) target.forget();
    const source = { bucket: this.bucket, key: this.key };
    const to = { bucket: target.bucket, key: target.key };
    if (targetStorage === this.storage) return this.storage.copyObject(source, to, options);
    return copyAcross(this.storage, source, targetStorage, to, options);
  }

  /** Deletes the object; deleting a missing object succeeds (as on S3). */
  async delete(options: Signal = {}): Promise<void> {
    this.forget();
    await this.storage.deleteObject(this.bucket, this.key, options);
  }

  /** Uploads a local file to this object: see {@link Bucket.uploadFile}. */
  async uploadFile(path: string, options: UploadFileOptions = {}): Promise<TransferResult> {
    this.forget();
    return uploadFile(this.storage, this.bucket, this.key, path, options);
  }

  /** Downloads this object to a local file: see {@link Bucket.downloadFile}. */
  async downloadFile(path: string, options: DownloadFileOptions = {}): Promise<TransferResult> {
    return downloadFile(this.storage, this.bucket, this.key, path, options);
  }

  /** `bucket/key`, for messages. */
  toString(): string {
    return `${this.bucket}/${this.key}`;
  }

  private attribute<K extends keyof ObjectInfo>(name: K): ObjectInfo[K] {
    if (this.info && (this.complete || LISTED.has(name))) return this.info[name];
    const hint = this.info ? ' (a listing does not include it)' : '';
    throw new StorageError(
      'InvalidArgument',
      `${String(name)} of ${this.toString()} is not loaded${hint}: call await object.load() first`,
      { bucket: this.bucket, key: this.key },
    );
  }

  private remember(info: ObjectInfo): void {
    this.info = info;
    this.complete = true;
  }

  private forget(): void {
    this.info = undefined;
    this.complete = false;
  }
}
