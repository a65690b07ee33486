import { type DownloadFileOptions, downloadFile } from './download-file.js';
import { StorageError } from './errors.js';
import { assertBucketName } from './keys.js';
import type { ListOptions, Signal, Storage } from './storage.js';
import { StoredObject } from './stored-object.js';
import type { TransferResult } from './transfer-config.js';
import { type UploadFileOptions, uploadFile } from './upload-file.js';

/** Options of {@link Bucket.objects}: a listing without a delimiter (every object, no folders). */
export type ObjectsOptions = Omit<ListOptions, 'delimiter'>;

/** Options of {@link Bucket.delete}. */
export interface DeleteBucketOptions extends Signal {
  /** Delete every object first (else a bucket that holds objects is `BucketNotEmpty`). */
  force?: boolean;
}

/** S3's DeleteObjects takes at most 1000 keys. */
const DELETE_BATCH = 1000;

/**
 * One bucket, boto3's `s3.Bucket(name)`: identified by its storage and name, with actions on the
 * bucket and on its objects, and the file transfers.
 *
 * @example
 * const photos = new Bucket(storage, 'photos');
 * if (!(await photos.exists())) await photos.create();
 * await photos.uploadFile('./cat.jpg', 'cats/cat.jpg', { onProgress: progressBar() });
 * for await (const o of photos.objects({ prefix: 'cats/' })) console.log(o.key, o.size);
 */
export class Bucket {
  /** The storage the bucket lives in. */
  readonly storage: Storage;
  /** The bucket's name; checked against S3's rules here, so a bad name fails before any I/O. */
  readonly name: string;
  /** When the bucket was created, if it came from a bucket listing that says so. */
  readonly createdAt: Date | undefined;

  constructor(storage: Storage, name: string, createdAt?: Date) {
    assertBucketName(name);
    this.storage = storage;
    this.name = name;
    this.createdAt = createdAt;
  }

  /** The object under `key` (nothing is read until it is used). */
  object(key: string): StoredObject {
    return new StoredObject(this, key);
  }

  /** Creates the bucket; `BucketAlreadyExists` when it exists. */
  async create(options: Signal = {}): Promise<this> {
    await this.storage.createBucket(this.name, options);
    return this;
  }

  /** True when the bucket exists. */
  async exists(options: Signal = {}): Promise<boolean> {
    return this.storage.bucketExists(this.name, options);
  }

  /**
   * Deletes the bucket: `BucketNotEmpty` while it holds objects, unless `force`, which deletes them
   * first (in batches, as S3 allows 1000 keys per request).
   */
  async delete(options: DeleteBucketOptions = {}): Promise<void> {
    const { force, ...signal } = options;
    if (force) await this.deleteAllObjects(signal);
    await this.storage.deleteBucket(this.name, signal);
  }

  /**
   * The objects, in key order, as {@link StoredObject}s with `size`, `etag` and `lastModified` set
   * (boto3's `bucket.objects.filter(Prefix=...)`). Pages are fetched as the loop goes.
   */
  async *objects(options: ObjectsOptions = {}): AsyncGenerator<StoredObject> {
    for await (const entry of this.storage.listObjects(this.name, options)) {
      if (entry.type === 'object') {
        const { type: _type, ...info } = entry;
        yield new StoredObject(this, entry.key, info);
      }
    }
  }

  /**
   * Uploads the local file at `path` to `key` (boto3's `upload_file`): streamed from disk, in
   * concurrent parts above the multipart threshold where the driver supports it, with the content
   * type guessed from the file name unless given. Nothing is left behind if it fails or is aborted.
   */
  async uploadFile(path: string, key: string, options: UploadFileOptions = {}): Promise<TransferResult> {
    return uploadFile(this.storage, this.name, key, path, options);
  }

  /**
   * Downloads `key` to the local file at `path` (boto3's `download_file`): ranged reads in parallel
   * above the multipart threshold, pinned to one ETag, into a temporary file renamed into place
   * once complete; the target is never left partial.
   */
  async downloadFile(key: string, path: string, options: DownloadFileOptions = {}): Promise<TransferResult> {
    return downloadFile(this.storage, this.name, key, path, options);
  }

  /** The bucket's name. */
  toString(): string {
    return this.name;
  }

  private async deleteAllObjects(options: Signal): Promise<void> {
    let batch: string[] = [];
    const flush = async () => {
      const { errors } = await this.storage.deleteObjects(this.name, batch, options);
      batch = [];
      const first = errors[0];
      if (first) {
        throw new StorageError(first.code, `could not empty bucket ${this.name}: ${first.key}: ${first.message}`, {
          bucket: this.name,
          key: first.key,
        });
      }
    };
    for await (const entry of this.storage.listObjects(this.name, options)) {
      if (entry.type !== 'object') continue;
      batch.push(entry.key);
      if (batch.length === DELETE_BATCH) await flush();
    }
    if (batch.length > 0) await flush();
  }
}
