// @ts-check
// The page's third way, through stowage's S3 driver itself: bundled for the browser by the server
// (esbuild, the `browser` condition: @stowage/s3's web build and the AWS SDK's fetch runtime) and
// served as /direct.js. The driver signs each request in the page with the credentials the server
// granted, and uploads a large file in parts; `onProgress` reports the bytes the upload took.
import { S3Storage } from '@stowage/s3';

/**
 * @typedef {{
 *   endpoint?: string, region: string, bucket: string, key: string,
 *   credentials: { accessKeyId: string, secretAccessKey: string, sessionToken?: string },
 * }} Grant
 */

/**
 * Uploads `file` to the granted key; resolves with the object's ETag.
 * @param {File} file
 * @param {Grant} grant
 * @param {(loaded: number, total: number | undefined) => void} onProgress
 * @returns {Promise<string>}
 */
export async function uploadDirect(file, grant, onProgress) {
  const storage = new S3Storage({
    region: grant.region,
    credentials: grant.credentials,
    ...(grant.endpoint ? { endpoint: grant.endpoint } : {}),
  });
  try {
    const result = await storage.putObject(grant.bucket, grant.key, file, {
      contentType: file.type || 'application/octet-stream',
      onProgress: (event) => onProgress(event.loaded, event.total),
    });
    return result.etag;
  } finally {
    storage.destroy();
  }
}
