import { StorageError } from './errors.js';

/**
 * How transfers split their work, as boto3's `TransferConfig`: objects above `multipartThreshold`
 * move in parts of `partSize` bytes, `concurrency` parts at a time.
 */
export interface TransferConfig {
  /** Bytes above which a transfer goes in parts (default 8 MiB, boto3's `multipart_threshold`). */
  multipartThreshold?: number;
  /**
   * Bytes per part (default 8 MiB, boto3's `multipart_chunksize`). Uploads use it as is; downloads
   * read ranges of this size, or of a whole multiple of it for objects above
   * `2 × concurrency × partSize`, so that a large object goes in about `2 × concurrency` requests.
   */
  partSize?: number;
  /** Parts in flight at once (default 4; boto3's `max_concurrency` is 10, sized for bigger machines). */
  concurrency?: number;
  /** Tries per part of a download before it fails (default 5, boto3's `num_download_attempts`). */
  maxAttempts?: number;
}

const MiB = 1024 * 1024;

/** The defaults of {@link TransferConfig}. */
export const DEFAULT_TRANSFER_CONFIG: Readonly<Required<TransferConfig>> = Object.freeze({
  multipartThreshold: 8 * MiB,
  partSize: 8 * MiB,
  concurrency: 4,
  maxAttempts: 5,
});

/** Fills in defaults and rejects values no transfer can use (`InvalidArgument`). */
export function resolveTransferConfig(config: TransferConfig, details: { bucket?: string; key?: string } = {}): Required<TransferConfig> {
  const out = { ...DEFAULT_TRANSFER_CONFIG };
  for (const name of Object.keys(DEFAULT_TRANSFER_CONFIG) as (keyof TransferConfig)[]) {
    const value = config[name];
    if (value === undefined) continue;
    const least = name === 'multipartThreshold' ? 0 : 1;
    if (!Number.isSafeInteger(value) || value < least) {
      throw new StorageError('InvalidArgument', `${name} must be a whole number ≥ ${least}, not ${String(value)}`, details);
    }
    out[name] = value;
  }
  return out;
}

/** What a finished transfer did. */
export interface TransferResult {
  bucket: string;
  key: string;
  /** Bytes transferred. */
  size: number;
  /** The object's ETag. */
  etag: string;
}
