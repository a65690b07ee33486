import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { memoryVolume, type OpenStorageOptions } from 'stowage';
import { cephTarget, type S3rver, S3RVER_PROFILE, startS3rver } from '@stowage/testing';

/** A place the walkthrough runs: a storage URL and the options that go with it. */
export interface Target {
  name: string;
  /** Why it does not run here, if it does not. */
  skip?: string;
  /**
   * Starts what the target needs; returns the URL, options and a clean-up. What the storage can do
   * (pending uploads left by an abort, `-N` multipart ETags, ...) is read from its `capabilities`:
   * an S3 server's profile is declared in the options.
   */
  start(): Promise<{ url: string; options: OpenStorageOptions; stop(): Promise<void> }>;
}

/** A URL-safe suffix so runs against a shared server do not collide. */
export function unique(): string {
  return Math.random().toString(36).slice(2, 10);
}

/** The URL of an S3-compatible endpoint, as `openStorage` takes it. */
export function s3Url(endpoint: string): string {
  return `s3://?region=us-east-1&endpoint=${encodeURIComponent(endpoint)}&forcePathStyle=true`;
}

const ceph = cephTarget();

/**
 * memory, local disk, the local driver on a memfs volume, S3 on s3rver (started here), and Ceph RGW
 * when STOWAGE_CEPH_ENDPOINT names one.
 */
export const TARGETS: Target[] = [
  {
    name: 'memory',
    start: async () => ({ url: `memory://walkthrough-${unique()}`, options: {}, stop: async () => undefined }),
  },
  {
    name: 'local',
    start: async () => {
      const root = await mkdtemp(join(tmpdir(), 'stowage-session-'));
      return { url: pathToFileURL(root).href, options: {}, stop: () => rm(root, { recursive: true, force: true }) };
    },
  },
  {
    name: 'local (memfs)',
    start: async () => ({ url: `file:///store-${unique()}`, options: { local: { fs: memoryVolume() } }, stop: async () => undefined }),
  },
  {
    name: 's3 (s3rver)',
    start: async () => {
      const server: S3rver = await startS3rver();
      return {
        url: s3Url(server.endpoint),
        // What s3rver lacks, as its driver tests declare it; and conditionalGet off, as these tests
        // always had it: s3rver ignores If-Match on GET (the driver checks ETags itself, so its
        // profile keeps conditionalGet), and downloadFile takes its path without If-Match here.
        options: {
          credentials: server.credentials,
          s3: { capabilities: { ...S3RVER_PROFILE.capabilities, conditionalGet: false } },
        },
        stop: () => server.stop(),
      };
    },
  },
  {
    name: 's3 (Ceph RGW)',
    ...(ceph.skip ? { skip: ceph.skip } : {}),
    start: async () => {
      const { endpoint, credentials } = ceph.options;
      if (endpoint === undefined) throw new Error('no Ceph endpoint');
      const s3 = { capabilities: ceph.profile.capabilities };
      return { url: s3Url(endpoint), options: credentials ? { credentials, s3 } : { s3 }, stop: async () => undefined };
    },
  },
];
