import { AbortMultipartUploadCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';

/** Where an S3 server is and how to reach it: the subset of the S3 driver's options a target sets. */
export interface S3Endpoint {
  endpoint?: string;
  region?: string;
  forcePathStyle?: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** An S3 server the suites can run against, from the environment. */
export interface EnvTarget {
  options: S3Endpoint;
  /** Why the suite is skipped, when the environment names no such server. */
  skip?: string;
}

/**
 * Ceph RGW, started by `scripts/ceph-rgw/start.sh` (in CI by `.ci/run`):
 * `STOWAGE_CEPH_ENDPOINT` (e.g. `http://127.0.0.1:7480`), and optionally
 * `STOWAGE_CEPH_ACCESS_KEY` / `STOWAGE_CEPH_SECRET_KEY` (default: the script's `S3RVER`/`S3RVER`).
 */
export function cephTarget(): EnvTarget {
  const endpoint = process.env.STOWAGE_CEPH_ENDPOINT;
  const options: S3Endpoint = {
    endpoint: endpoint ?? 'http://127.0.0.1:7480',
    credentials: {
      accessKeyId: process.env.STOWAGE_CEPH_ACCESS_KEY ?? 'S3RVER',
      secretAccessKey: process.env.STOWAGE_CEPH_SECRET_KEY ?? 'S3RVER',
    },
  };
  if (!endpoint) {
    return {
      options,
      skip: 'STOWAGE_CEPH_ENDPOINT is not set (start Ceph RGW with scripts/ceph-rgw/start.sh, then STOWAGE_CEPH_ENDPOINT=http://127.0.0.1:7480)',
    };
  }
  return { options };
}

/**
 * Any S3 endpoint (AWS, R2, a MinIO of your own, ...), enabled by `STOWAGE_S3_ENDPOINT` or
 * `STOWAGE_S3_REGION`:
 * - `STOWAGE_S3_ENDPOINT`: the endpoint URL; unset means AWS itself;
 * - `STOWAGE_S3_REGION`: the region (R2: `auto`; default us-east-1 with an endpoint);
 * - `STOWAGE_S3_FORCE_PATH_STYLE`: `true`/`false` (default: true with an endpoint);
 * - credentials: the SDK's default chain (`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/
 *   `AWS_SESSION_TOKEN`, `AWS_PROFILE`, SSO, roles); never in a file of this repository;
 * - `STOWAGE_S3_BUCKET_PREFIX`: prefix of the buckets the suites create and delete (bucket names
 *   are global on AWS; default `stowage-test`);
 * - `STOWAGE_S3_LIMITATIONS`: JSON `{ "<contract feature>": "<reason>" }` for what the server lacks.
 */
export function envTarget(): EnvTarget & { bucketPrefix: string; limitations: Record<string, string> } {
  const endpoint = process.env.STOWAGE_S3_ENDPOINT;
  const region = process.env.STOWAGE_S3_REGION;
  const pathStyle = process.env.STOWAGE_S3_FORCE_PATH_STYLE;
  const options: S3Endpoint = {
    ...(endpoint ? { endpoint } : {}),
    ...(region ? { region } : {}),
    ...(pathStyle ? { forcePathStyle: pathStyle === 'true' } : {}),
  };
  const bucketPrefix = process.env.STOWAGE_S3_BUCKET_PREFIX ?? 'stowage-test';
  let limitations: Record<string, string> = {};
  if (process.env.STOWAGE_S3_LIMITATIONS) limitations = JSON.parse(process.env.STOWAGE_S3_LIMITATIONS) as Record<string, string>;
  if (!endpoint && !region) {
    return {
      options,
      bucketPrefix,
      limitations,
      skip: 'neither STOWAGE_S3_ENDPOINT nor STOWAGE_S3_REGION is set (see packages/s3/README.md: running the suite against AWS or R2)',
    };
  }
  return { options, bucketPrefix, limitations };
}

/** Multipart uploads still open in `bucket`. */
export async function openUploads(client: S3Client, bucket: string): Promise<{ Key?: string; UploadId?: string }[]> {
  const out = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return out.Uploads ?? [];
}

/** Aborts every open upload of `bucket` (test clean-up of last resort); returns how many there were. */
export async function abortOpenUploads(client: S3Client, bucket: string): Promise<number> {
  const uploads = await openUploads(client, bucket);
  for (const u of uploads) {
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key, UploadId: u.UploadId }));
  }
  return uploads.length;
}
