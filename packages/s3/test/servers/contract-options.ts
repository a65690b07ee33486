import type { S3StorageOptions } from '@stowage/s3';

const MiB = 1024 * 1024;

/**
 * Transfer settings for contract runs: parts of S3's minimum size, so the suite's multi-MiB bodies
 * (5 MiB + 1 KiB) really go up as multipart uploads and its abort cases abort real uploads.
 */
export const CONTRACT_TRANSFER: Pick<S3StorageOptions, 'multipartThreshold' | 'partSize'> = {
  multipartThreshold: 5 * MiB,
  partSize: 5 * MiB,
};

/** Credentials no server knows, for the contract's `AccessDenied` cases. */
export const UNKNOWN_CREDENTIALS = { accessKeyId: 'STOWAGEUNKNOWNKEY', secretAccessKey: 'not-a-real-secret' };
