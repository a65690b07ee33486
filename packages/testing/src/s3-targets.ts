import { AbortMultipartUploadCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { type BooleanCapability, isBooleanCapability, type ServerProfile, serverProfile } from './server-profile.js';

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
  /** What the server lacks, with the reasons: the S3 storage under test declares it. */
  profile: ServerProfile;
  /** Why the suite is skipped, when the environment names no such server. */
  skip?: string;
}

/**
 * What Ceph RGW (Debian's 16.2, as `scripts/ceph-rgw/start.sh` runs it) lacks: only U+0000 in keys.
 * The driver then refuses such keys itself (`InvalidKey`), as the contract expects.
 */
export const CEPH_PROFILE: ServerProfile = serverProfile(
  'Ceph RGW 16',
  { nulInKeys: 'Ceph RGW 16 answers a key holding U+0000 with 400 and a body that is not XML' },
  { verifiesSignatures: true },
);

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
      profile: CEPH_PROFILE,
      skip: 'STOWAGE_CEPH_ENDPOINT is not set (start Ceph RGW with scripts/ceph-rgw/start.sh, then STOWAGE_CEPH_ENDPOINT=http://127.0.0.1:7480)',
    };
  }
  return { options, profile: CEPH_PROFILE };
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
 * - `STOWAGE_S3_LIMITATIONS`: JSON `{ "<capability>": "<reason>" }` for what the server lacks, in the
 *   names of `Capabilities` (e.g. `{ "exclusiveCreateBucket": "AWS us-east-1 answers 200 to re-creating a bucket" }`);
 *   an unknown name is an error rather than silently ignored;
 * - `STOWAGE_S3_LARGE_BODIES=false`: leave out the contract's multi-MiB cases (a quick or cheap run).
 */
export function envTarget(): EnvTarget & { bucketPrefix: string; largeBodies: boolean } {
  const endpoint = process.env.STOWAGE_S3_ENDPOINT;
  const region = process.env.STOWAGE_S3_REGION;
  const pathStyle = process.env.STOWAGE_S3_FORCE_PATH_STYLE;
  const options: S3Endpoint = {
    ...(endpoint ? { endpoint } : {}),
    ...(region ? { region } : {}),
    ...(pathStyle ? { forcePathStyle: pathStyle === 'true' } : {}),
  };
  const bucketPrefix = process.env.STOWAGE_S3_BUCKET_PREFIX ?? 'stowage-test';
  const profile = serverProfile(endpoint ?? `AWS ${region ?? ''}`.trim(), limitationsFromEnv(process.env.STOWAGE_S3_LIMITATIONS), {
    verifiesSignatures: true,
  });
  const largeBodies = process.env.STOWAGE_S3_LARGE_BODIES !== 'false';
  if (!endpoint && !region) {
    return {
      options,
      profile,
      bucketPrefix,
      largeBodies,
      skip: 'neither STOWAGE_S3_ENDPOINT nor STOWAGE_S3_REGION is set (see packages/s3/README.md: running the suite against AWS or R2)',
    };
  }
  return { options, profile, bucketPrefix, largeBodies };
}

/** `STOWAGE_S3_LIMITATIONS` checked: a JSON object of capability names and reason strings. */
function limitationsFromEnv(json: string | undefined): Partial<Record<BooleanCapability, string>> {
  if (!json) return {};
  const parsed: unknown = JSON.parse(json);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('STOWAGE_S3_LIMITATIONS must be a JSON object of capability names and reasons');
  }
  const lacks: Partial<Record<BooleanCapability, string>> = {};
  for (const [name, reason] of Object.entries(parsed)) {
    if (!isBooleanCapability(name)) throw new Error(`STOWAGE_S3_LIMITATIONS: ${JSON.stringify(name)} is not a boolean capability`);
    if (typeof reason !== 'string') throw new Error(`STOWAGE_S3_LIMITATIONS: the reason for ${name} must be a string`);
    lacks[name] = reason;
  }
  return lacks;
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
