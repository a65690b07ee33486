import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { memoryVolume, type OpenStorageOptions } from 'stowage';
import { cephTarget, type S3rver, S3RVER_KEY_CAPABILITIES, startS3rver } from '@stowage/testing';

/** A place the walkthrough runs: a storage URL and the options that go with it. */
export interface Target {
  name: string;
  /** Why it does not run here, if it does not. */
  skip?: string;
  /** Starts what the target needs; returns the URL, options and a clean-up. */
  start(): Promise<{ url: string; options: OpenStorageOptions; stop(): Promise<void> }>;
  /** Whether the server can list pending multipart uploads (s3rver cannot: it answers 501). */
  listsUploads: boolean;
  /** Whether a multipart upload's ETag has S3's `"…-N"` form (s3rver gives a plain MD5-like one). */
  multipartEtags: boolean;
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
    listsUploads: false,
    multipartEtags: false,
    start: async () => ({ url: `memory://walkthrough-${unique()}`, options: {}, stop: async () => undefined }),
  },
  {
    name: 'local',
    listsUploads: false,
    multipartEtags: false,
    start: async () => {
      const root = await mkdtemp(join(tmpdir(), 'stowage-session-'));
      return { url: pathToFileURL(root).href, options: {}, stop: () => rm(root, { recursive: true, force: true }) };
    },
  },
  {
    name: 'local (memfs)',
    listsUploads: false,
    multipartEtags: false,
    start: async () => ({ url: `file:///store-${unique()}`, options: { local: { fs: memoryVolume() } }, stop: async () => undefined }),
  },
  {
    name: 's3 (s3rver)',
    listsUploads: false,
    multipartEtags: false,
    start: async () => {
      const server: S3rver = await startS3rver();
      return {
        url: s3Url(server.endpoint),
        // s3rver ignores If-Match on GET and If-None-Match on PUT, and cannot hold every key shape:
        // say so, as its driver tests do.
        options: {
          credentials: server.credentials,
          s3: { capabilities: { ...S3RVER_KEY_CAPABILITIES, conditionalGet: false, conditionalPut: false } },
        },
        stop: () => server.stop(),
      };
    },
  },
  {
    name: 's3 (Ceph RGW)',
    listsUploads: true,
    multipartEtags: true,
    ...(ceph.skip ? { skip: ceph.skip } : {}),
    start: async () => {
      const { endpoint, credentials } = ceph.options;
      if (endpoint === undefined) throw new Error('no Ceph endpoint');
      return { url: s3Url(endpoint), options: credentials ? { credentials } : {}, stop: async () => undefined };
    },
  },
];
