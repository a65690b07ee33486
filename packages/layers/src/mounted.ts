import {
  type BodyInput,
  type BucketInfo,
  type Capabilities,
  type CopyOptions,
  type DeleteObjectsResult,
  FrontDoor,
  type GetOptions,
  type GetResult,
  type HeadOptions,
  type ListEntry,
  type ListOptions,
  type ObjectInfo,
  type ObjectRef,
  type PresignOptions,
  type PutOptions,
  type PutResult,
  S3_CAPABILITIES,
  type Signal,
  type Storage,
  type StorageDriver,
  StorageError,
  assertBucketName,
  assertKeyFor,
  copyAcross,
  invalidKey,
  keyProblemFor,
  normalizeMetadata,
  throwIfAborted,
} from '@stowage/core';

/** Options of {@link mounted}. */
export interface MountedOptions {
  /** The store of every bucket without a route of its own. Without it such a bucket does not exist. */
  fallback?: Storage;
}

/**
 * Stores side by side, one per bucket name: a call on bucket `photos` goes to `routes.photos`,
 * where the bucket is also called `photos` (a route names a bucket, not a store: the routed store
 * holds, or may create, a bucket of that name). A bucket without a route goes to `fallback`, or
 * does not exist: `NoSuchBucket`, and `AccessDenied` for `createBucket` (there is nowhere to make
 * it). Names and keys are checked before routing, in S3's order, so bad input gives the same code
 * whichever store a bucket lives in.
 *
 * - `listBuckets` merges the stores' buckets in name order: a routed bucket appears when it exists
 *   in its store; the fallback's buckets appear unless a route takes their name.
 * - `copyObject` inside one store is that store's copy; between two stores the object is streamed
 *   (got from one, put into the other, never held whole) and keeps its content headers and
 *   metadata unless the options give any, which then replace them all, as on S3.
 * - `capabilities` are what every store can do: a flag is `true` only when every store (fallback
 *   included) declares it, `maxKeyBytes` is the smallest, and keys are checked by them on every
 *   bucket. `presign` is present only when every store has it.
 *
 * Route names must be valid bucket names (`InvalidBucketName` otherwise); at least one route or a
 * fallback is needed (`InvalidArgument`).
 *
 * @example
 * const storage = mounted({ photos: new S3Storage(), scratch: new MemoryStorage() }, { fallback: new LocalStorage({ root: '/data' }) });
 * await storage.copyObject({ bucket: 'scratch', key: 'upload.jpg' }, { bucket: 'photos', key: '2024/upload.jpg' }); // streamed across
 */
export function mounted(routes: Record<string, Storage>, options: MountedOptions = {}): Storage {
  return new MountedStorage(routes, options);
}

function assertStorage(store: unknown, what: string): asserts store is Storage {
  if (typeof store !== 'object' || store === null || typeof (store as Storage).getObject !== 'function') {
    throw new StorageError('InvalidArgument', `${what} must be a Storage`);
  }
}

/** What every one of `stores` can do: flags true only where all are, the smallest `maxKeyBytes`. */
function commonCapabilities(stores: Storage[]): Capabilities {
  const common: Record<string, boolean | number> = {};
  const names = new Set([...Object.keys(S3_CAPABILITIES), ...stores.flatMap((s) => Object.keys(s.capabilities))]);
  for (const name of names) {
    const values = stores.map((s) => (s.capabilities as unknown as Record<string, unknown>)[name]);
    // As the contract reads them: a flag a store does not mention is not a flag it lacks.
    common[name] = values.every((v) => typeof v === 'number')
      ? Math.min(...(values as number[]))
      : values.every((v) => v !== false && v !== 0);
  }
  return Object.freeze(common) as unknown as Capabilities;
}

const nowhere = (bucket: string) =>
  new StorageError('NoSuchBucket', `no store is mounted for the bucket ${JSON.stringify(bucket)}`, { bucket });

/**
 * The store of a bucket with no route and no fallback, behind a front door so that bad input is
 * still refused as every store refuses it (bucket name, key, options, signal) before the bucket
 * is found missing.
 */
const NOWHERE: StorageDriver = {
  name: 'mounted',
  capabilities: S3_CAPABILITIES,
  listBuckets: async () => [],
  createBucket: async (bucket) => {
    throw new StorageError('AccessDenied', `no store is mounted for the bucket ${JSON.stringify(bucket)}, so it cannot be created`, {
      bucket,
    });
  },
  deleteBucket: async (bucket) => {
    throw nowhere(bucket);
  },
  bucketExists: async () => false,
  putObject: async (bucket) => {
    throw nowhere(bucket);
  },
  getObject: async (bucket) => {
    throw nowhere(bucket);
  },
  headObject: async (bucket) => {
    throw nowhere(bucket);
  },
  deleteObject: async (bucket) => {
    throw nowhere(bucket);
  },
  deleteObjects: async (bucket) => {
    throw nowhere(bucket);
  },
  copyObject: async (_source, target) => {
    throw nowhere(target.bucket);
  },
  // biome-ignore lint/correctness/useYield: a listing of a bucket that is not there fails on its first page
  listObjects: async function* (bucket) {
    throw nowhere(bucket);
  },
  presign: async (bucket) => {
    throw nowhere(bucket);
  },
};

/** Buckets routed to stores; see {@link mounted}. */
class MountedStorage implements Storage {
  readonly name = 'mounted';
  readonly capabilities: Capabilities;
  declare readonly presign?: (bucket: string, key: string, options: PresignOptions) => Promise<string>;
  /** A Map, not the routes object: a bucket named `constructor` must not find Object's. */
  private readonly routes = new Map<string, Storage>();
  private readonly fallback: Storage;
  private readonly hasFallback: boolean;

  constructor(routes: Record<string, Storage>, options: MountedOptions) {
    if (typeof routes !== 'object' || routes === null) throw new StorageError('InvalidArgument', 'mounted() takes an object of routes');
    for (const [bucket, store] of Object.entries(routes)) {
      assertBucketName(bucket);
      assertStorage(store, `the route ${JSON.stringify(bucket)}`);
      this.routes.set(bucket, store);
    }
    const fallback = options?.fallback;
    if (fallback !== undefined) assertStorage(fallback, 'the fallback');
    const stores = [...this.routes.values(), ...(fallback ? [fallback] : [])];
    if (stores.length === 0) throw new StorageError('InvalidArgument', 'mounted() needs at least one route or a fallback');
    this.hasFallback = fallback !== undefined;
    this.fallback = fallback ?? new FrontDoor(NOWHERE);
    this.capabilities = commonCapabilities(stores);
    if (stores.every((s) => typeof s.presign === 'function')) {
      (this as { presign?: Storage['presign'] }).presign = async (bucket, key, presignOptions) => {
        const store = this.objectStore(bucket, key);
        return (store.presign as NonNullable<Storage['presign']>)(bucket, key, presignOptions);
      };
    }
  }

  async listBuckets(options: Signal = {}): Promise<BucketInfo[]> {
    const stores = new Set([...this.routes.values(), ...(this.hasFallback ? [this.fallback] : [])]);
    const lists = await Promise.all([...stores].map(async (store) => ({ store, buckets: await store.listBuckets(options) })));
    const merged: BucketInfo[] = [];
    for (const { store, buckets } of lists) {
      for (const info of buckets) if (this.storeFor(info.name) === store) merged.push(info);
    }
    // Bucket names are ASCII, so UTF-16 order is S3's byte order.
    return merged.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  createBucket(bucket: string, options: Signal = {}): Promise<void> {
    return this.storeFor(bucket).createBucket(bucket, options);
  }
  deleteBucket(bucket: string, options: Signal = {}): Promise<void> {
    return this.storeFor(bucket).deleteBucket(bucket, options);
  }
  bucketExists(bucket: string, options: Signal = {}): Promise<boolean> {
    return this.storeFor(bucket).bucketExists(bucket, options);
  }

  async putObject(bucket: string, key: string, body: BodyInput, options: PutOptions = {}): Promise<PutResult> {
    return this.objectStore(bucket, key).putObject(bucket, key, body, options);
  }
  async getObject(bucket: string, key: string, options: GetOptions = {}): Promise<GetResult> {
    return this.objectStore(bucket, key).getObject(bucket, key, options);
  }
  async headObject(bucket: string, key: string, options: HeadOptions = {}): Promise<ObjectInfo> {
    return this.objectStore(bucket, key).headObject(bucket, key, options);
  }
  async deleteObject(bucket: string, key: string, options: Signal = {}): Promise<void> {
    return this.objectStore(bucket, key).deleteObject(bucket, key, options);
  }

  async deleteObjects(bucket: string, keys: string[], options: Signal = {}): Promise<DeleteObjectsResult> {
    assertBucketName(bucket);
    if (!Array.isArray(keys)) throw new StorageError('InvalidArgument', 'keys must be an array of strings', { bucket });
    // Keys every store could hold go on; the rest are refused here as a store refuses them.
    const refused: DeleteObjectsResult['errors'] = [];
    const valid: string[] = [];
    for (const key of new Set<unknown>(keys)) {
      const problem = keyProblemFor(key, this.capabilities);
      if (problem === undefined) valid.push(key as string);
      else refused.push({ key: String(key), code: 'InvalidKey', message: invalidKey(key, problem, bucket).message });
    }
    const result = await this.storeFor(bucket).deleteObjects(bucket, valid, options);
    return refused.length === 0 ? result : { deleted: result.deleted, errors: [...refused, ...result.errors] };
  }

  async copyObject(source: ObjectRef, target: ObjectRef, options: CopyOptions = {}): Promise<PutResult> {
    if (typeof source !== 'object' || source === null || typeof target !== 'object' || target === null) {
      throw new StorageError('InvalidArgument', 'a copy takes a source and a target, each { bucket, key }');
    }
    // S3's order: both bucket names, then both keys.
    assertBucketName(source.bucket);
    assertBucketName(target.bucket);
    const from = this.objectStore(source.bucket, source.key);
    const to = this.objectStore(target.bucket, target.key);
    if (from === to) return to.copyObject(source, target, options);
    // Across stores: the options are checked here, before the source is read, as a copy checks them before any I/O.
    const details = { bucket: target.bucket, key: target.key };
    if (typeof options !== 'object' || options === null)
      throw new StorageError('InvalidArgument', 'copy options must be an object', details);
    if (options.sourceIfMatch !== undefined && typeof options.sourceIfMatch !== 'string') {
      throw new StorageError('InvalidArgument', 'sourceIfMatch must be an ETag string', details);
    }
    if (options.metadata !== undefined) normalizeMetadata(options.metadata, details);
    throwIfAborted(options.signal, details);
    return copyAcross(from, source, to, target, options);
  }

  listObjects(bucket: string, options: ListOptions = {}): AsyncIterable<ListEntry> {
    // The store's own listing checks the name and options when it is first read, as every listing does.
    return this.storeFor(bucket).listObjects(bucket, options);
  }

  /** The store of `bucket`: its route, else the fallback (or nowhere). */
  private storeFor(bucket: string): Storage {
    return this.routes.get(bucket) ?? this.fallback;
  }

  /** The store of an object, after checking the bucket name and the key by what every store can hold. */
  private objectStore(bucket: string, key: string): Storage {
    assertBucketName(bucket);
    assertKeyFor(this.capabilities, key, bucket);
    return this.storeFor(bucket);
  }
}
