/**
 * @stowage/s3: the stowage `Storage` on Amazon S3 and S3-compatible servers (Ceph RGW, MinIO,
 * Cloudflare R2, ...), built on `@aws-sdk/client-s3` and `@aws-sdk/lib-storage`.
 * @packageDocumentation
 */
export { S3Storage } from './s3-storage.js';
export {
  clientConfigFor,
  type S3ClientOptions,
  type S3StorageOptions,
  type S3TransferOptions,
} from './config.js';
export { toStorageError, type ErrorContext } from './errors.js';
export type { S3IntegrityOptions } from './integrity.js';
export { decodeMetadataValue, encodeMetadataValue } from './metadata.js';
