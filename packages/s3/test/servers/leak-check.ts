import type { Signal } from '@stowage/core';
import { S3Storage } from '@stowage/s3';
import { abortOpenUploads, openUploads } from '@stowage/testing';

/** Buckets in which a test left a multipart upload behind (found, and aborted, at deleteBucket). */
export const leakedUploads: { bucket: string; keys: string[] }[] = [];

/**
 * An S3Storage that, before deleting a bucket, checks with ListMultipartUploads that no upload
 * was left open in it, and fails the deletion (so the contract case that used the bucket fails)
 * when one was. Only for servers that have ListMultipartUploads.
 */
export class LeakCheckingS3Storage extends S3Storage {
  override async deleteBucket(bucket: string, options?: Signal): Promise<void> {
    let open: { Key?: string }[] = [];
    try {
      open = await openUploads(this.client, bucket);
    } catch {
      // A missing bucket or a refused request: deleteBucket reports that itself.
    }
    if (open.length > 0) {
      leakedUploads.push({ bucket, keys: open.map((u) => u.Key ?? '') });
      await abortOpenUploads(this.client, bucket);
      throw new Error(`multipart uploads left behind in ${bucket}: ${open.map((u) => u.Key).join(', ')}`);
    }
    return super.deleteBucket(bucket, options);
  }
}
