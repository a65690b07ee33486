/**
 * stowage/s3: the S3 driver's class, for `new S3Storage({ region, endpoint, credentials })`. It is
 * an entry of its own because it loads the AWS SDK; `openStorage('s3://…')` loads it by itself.
 * @packageDocumentation
 */
export { S3Storage, type S3StorageOptions } from '@stowage/s3';
