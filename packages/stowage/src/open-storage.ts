import type { Storage } from '@stowage/core';
import type { LocalStorageOptions } from '@stowage/local';
import type { MemoryStorage } from '@stowage/memory';
import type { S3StorageOptions } from '@stowage/s3';
import { applyLayerParams } from './layer-params.js';
import { openLocal } from './open-local.js';
import { type StorageUrl, parseStorageUrl } from './parse-url.js';

/** Options of {@link openStorage}; each applies only to the schemes it names. */
export interface OpenStorageOptions {
  /**
   * `s3://`: credentials, or a provider of them. Default: the AWS SDK's default chain (environment,
   * shared config and credentials files, SSO, container and instance roles). Never echoed in
   * errors or logs.
   */
  credentials?: S3StorageOptions['credentials'];
  /** `s3://`: any other `S3Storage` setting (transfer sizes, retries, capabilities, an SDK config). */
  s3?: Omit<S3StorageOptions, 'region' | 'endpoint' | 'forcePathStyle' | 'credentials'>;
  /** `file://`: other `LocalStorage` settings (the URL's `?fsync=` and `?io=` win). */
  local?: Omit<LocalStorageOptions, 'root'>;
}

// `memory://name` stores, shared by every openStorage call of this process.
const namedMemory = new Map<string, MemoryStorage>();

/**
 * Opens the storage a URL names, loading only the driver its scheme needs (the AWS SDK is loaded
 * for `s3://` alone), hence the promise (the session level: boto3's `Session().resource('s3')` with its
 * configuration in one string):
 * - `memory://`: a fresh store in memory; `memory://name`: one store per name, shared in this process;
 * - `file:///abs/root` (`?fsync=true`, `?io=thread-pool`): `LocalStorage` on that folder;
 * - `s3://?region=…&endpoint=…&forcePathStyle=true`: `S3Storage`, credentials from the AWS default
 *   chain unless `options.credentials` gives them.
 *
 * Any scheme takes layers as parameters (docs/layers.md): `prefix=tenant-a/` (`prefixed`),
 * `retries=5` (`retry`), `timeout=30s` (each attempt's `timeout`; `ms`, `s` or `m`),
 * `readOnly=true` (`readOnly`): `file:///srv/data?prefix=tenant-a/&retries=3&timeout=10s`.
 *
 * An unknown scheme or a malformed URL is an `InvalidArgument` that names the problem (a rejected
 * promise, like every other failure).
 *
 * @example
 * const storage = await openStorage(process.env.STORAGE_URL ?? 'file:///var/lib/app/data');
 * const photos = new Bucket(storage, 'photos');
 */
export async function openStorage(url: string | URL, options: OpenStorageOptions = {}): Promise<Storage> {
  const parsed = parseStorageUrl(url);
  return applyLayerParams(await openStore(parsed, options), parsed.layers);
}

/** The store a parsed URL names, without its layers. */
async function openStore(parsed: StorageUrl, options: OpenStorageOptions): Promise<Storage> {
  switch (parsed.scheme) {
    case 'memory': {
      const { MemoryStorage } = await import('@stowage/memory');
      if (parsed.name === undefined) return new MemoryStorage();
      // Looked up after the await: two calls racing for one name get the same store.
      const known = namedMemory.get(parsed.name);
      if (known) return known;
      const store = new MemoryStorage();
      namedMemory.set(parsed.name, store);
      return store;
    }
    case 'file':
      return openLocal({
        ...options.local,
        root: parsed.root,
        ...(parsed.fsync !== undefined ? { fsync: parsed.fsync } : {}),
        ...(parsed.io !== undefined ? { io: parsed.io } : {}),
      });
    case 's3': {
      const { S3Storage } = await import('@stowage/s3');
      return new S3Storage({
        ...options.s3,
        ...(parsed.region !== undefined ? { region: parsed.region } : {}),
        ...(parsed.endpoint !== undefined ? { endpoint: parsed.endpoint } : {}),
        ...(parsed.forcePathStyle !== undefined ? { forcePathStyle: parsed.forcePathStyle } : {}),
        ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
      });
    }
  }
}
