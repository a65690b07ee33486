import { Bucket } from './bucket.js';
import type { Signal, Storage } from './storage.js';
import type { StoredObject } from './stored-object.js';

/** boto3's `s3.buckets`: the collection of all buckets. */
export interface BucketCollection {
  /** Every bucket, as {@link Bucket}s with `createdAt` set where the driver reports it. */
  all(options?: Signal): AsyncIterable<Bucket>;
}

/**
 * The resource level over one storage, boto3's `session.resource('s3')`: buckets and objects by
 * name, and the collection of all buckets.
 *
 * @example
 * const s3 = resource(storage);
 * for await (const bucket of s3.buckets.all()) console.log(bucket.name, bucket.createdAt);
 * const cat = s3.object('photos', 'cats/cat.jpg');
 */
export class StorageResource {
  /** boto3's `s3.buckets`. */
  readonly buckets: BucketCollection;

  constructor(readonly storage: Storage) {
    this.buckets = { all: (options) => allBuckets(storage, options) };
  }

  /** The bucket named `name` (boto3's `s3.Bucket(name)`); nothing is read until it is used. */
  bucket(name: string): Bucket {
    return new Bucket(this.storage, name);
  }

  /** The object `bucket/key` (boto3's `s3.Object(bucket, key)`). */
  object(bucket: string, key: string): StoredObject {
    return new Bucket(this.storage, bucket).object(key);
  }
}

/** The resource level over `storage`: `resource(storage).buckets.all()`, `.bucket(name)`, `.object(b, k)`. */
export function resource(storage: Storage): StorageResource {
  return new StorageResource(storage);
}

/** Every bucket of `storage`, in the order the driver lists them. */
export async function* allBuckets(storage: Storage, options: Signal = {}): AsyncGenerator<Bucket> {
  for (const info of await storage.listBuckets(options)) yield new Bucket(storage, info.name, info.createdAt);
}
