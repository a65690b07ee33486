import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startS3rver } from '@stowage/testing';

/** A store the CLI runs against, started for a test file and removed after it. */
export interface StoreTarget {
  name: 'local' | 's3rver';
  /** The `--store` value. */
  url: string;
  /** Environment the CLI needs for it (credentials). */
  env: Record<string, string>;
  /** The local root folder, for the local store. */
  root?: string;
  stop(): Promise<void>;
}

/** A local store in a fresh temporary folder. */
export async function localTarget(): Promise<StoreTarget> {
  const root = await mkdtemp(join(tmpdir(), 'stowage-cli-store-'));
  return {
    name: 'local',
    url: pathToFileURL(root).href,
    env: {},
    root,
    stop: () => rm(root, { recursive: true, force: true }),
  };
}

/** s3rver on a free port of 127.0.0.1 (the S3 driver's helper), reached with its fixed credentials. */
export async function s3rverTarget(): Promise<StoreTarget> {
  const server = await startS3rver();
  return {
    name: 's3rver',
    url: `s3://?endpoint=${encodeURIComponent(server.endpoint)}&region=us-east-1&forcePathStyle=true`,
    env: { AWS_ACCESS_KEY_ID: server.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: server.credentials.secretAccessKey },
    stop: () => server.stop(),
  };
}

/** Both targets, for `describe.each`. */
export const TARGETS = [
  { name: 'local', start: localTarget },
  { name: 's3rver', start: s3rverTarget },
] as const;
