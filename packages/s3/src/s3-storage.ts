import type { S3Client } from '@aws-sdk/client-s3';
import { FrontDoor, type PresignOptions } from '@stowage/core';
import type { S3StorageOptions } from './config.js';
import { S3Driver } from './s3-driver.js';

/**
 * A `Storage` on Amazon S3 or any S3-compatible server (Ceph RGW, MinIO, R2, ...), through
 * the AWS SDK v3, behind core's front door. Operations keep S3's own semantics; errors are
 * `StorageError`s with the SDK's error as `cause`.
 *
 * @example
 * ```ts
 * const s3 = new S3Storage({ region: 'eu-west-1' });                       // AWS, default credentials
 * const ceph = new S3Storage({ endpoint: 'http://127.0.0.1:7480' });       // path style, WHEN_REQUIRED checksums
 * const mine = new S3Storage({ client: existingS3Client });
 * await s3.putObject('photos', 'cat.jpg', fs.createReadStream('cat.jpg'), { onProgress: console.log });
 * ```
 */
export class S3Storage extends FrontDoor<S3Driver> {
  /** A presigned GET or PUT URL (SigV4 query signing), valid for `expiresIn` seconds (at most 7 days). No request is sent. */
  declare readonly presign: (bucket: string, key: string, options: PresignOptions) => Promise<string>;

  constructor(options: S3StorageOptions = {}) {
    super(new S3Driver(options));
  }

  /**
   * The `S3Client` underneath, for what this abstraction does not cover (tagging, versioning,
   * lifecycle, ...), like boto3's `resource.meta.client`.
   */
  get client(): S3Client {
    return this.driver.client;
  }

  /** Closes the connections of a client this storage built (a client given to it is left alone). */
  destroy(): void {
    this.driver.destroy();
  }
}
