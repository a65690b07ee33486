import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { S3_CAPABILITIES, StorageError, type Capabilities } from '@stowage/core';
import { maxAttemptsInEnvironment, newClient, requestHandlerFor } from './client-runtime.js';
import type { S3IntegrityOptions } from './integrity.js';

/** How the driver reaches S3 when it builds the client itself. */
export interface S3ClientOptions {
  /**
   * The region. Default: `us-east-1` when `endpoint` is set (S3-compatible servers rarely care, but
   * the signature needs one; R2 wants `auto`), else the SDK's own lookup (`AWS_REGION`, config files).
   */
  region?: string;
  /** An S3-compatible server (`http://127.0.0.1:7480`, `https://<account>.r2.cloudflarestorage.com`). */
  endpoint?: string;
  /** Address buckets as `endpoint/bucket` instead of `bucket.endpoint`. Default: `true` with `endpoint`, else `false`. */
  forcePathStyle?: boolean;
  /**
   * Credentials or a provider of them. Default: the SDK's credential chain (environment, shared
   * files, SSO, container and instance roles). Never put a real key in code.
   */
  credentials?: S3ClientConfig['credentials'];
  /**
   * When to compute request checksums. Default: `'WHEN_REQUIRED'` with `endpoint` (non-AWS servers
   * reject or mangle the SDK's `aws-chunked` trailing checksums), the SDK's default otherwise.
   */
  requestChecksumCalculation?: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';
  /** When to validate response checksums. Default: `'WHEN_REQUIRED'` with `endpoint`, the SDK's default otherwise. */
  responseChecksumValidation?: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';
  /**
   * Attempts per request (the first one included): throttling (503 SlowDown), 5xx, timeouts,
   * connection resets and digest errors are retried with the SDK's exponential backoff and
   * jitter. Default: 5 (the SDK's own default is 3); `AWS_MAX_ATTEMPTS` or `clientConfig.maxAttempts`
   * also set it.
   */
  maxAttempts?: number;
  /**
   * The SDK's retry mode: `'standard'` (exponential backoff with jitter, a retry quota) or
   * `'adaptive'` (standard plus client-side rate limiting after throttling). Default: the SDK's
   * (`AWS_RETRY_MODE`, else `'standard'`).
   */
  retryMode?: 'standard' | 'adaptive';
  /**
   * Milliseconds to wait for a TCP connection before the attempt fails (and is retried).
   * Default: 10,000. Applies when the driver builds the request handler (not with
   * `clientConfig.requestHandler`).
   */
  connectionTimeout?: number;
  /**
   * Milliseconds a connection may stay silent (no byte sent or received) before the attempt fails
   * with a timeout: before the response it is retried; in the middle of a body it fails the
   * body with `Unavailable`. Default: 60,000 (boto3's read timeout). Applies when the driver
   * builds the request handler.
   */
  socketTimeout?: number;
  /** Any other `S3Client` setting; the fields above win over the same fields here. */
  clientConfig?: S3ClientConfig;
}

/** Sizes and limits of transfers. Per-call `PutOptions` hints win over these. */
export interface S3TransferOptions {
  /** Bodies larger than this go up as a multipart upload. Default: 8 MiB. */
  multipartThreshold?: number;
  /** Bytes per part of a multipart upload (at least 5 MiB). Default: 8 MiB, raised to fit 10,000 parts. */
  partSize?: number;
  /** Parts uploaded at once (lib-storage's `queueSize`). Default: 4. */
  queueSize?: number;
  /** Objects larger than this are copied part by part (S3 copies at most 5 GiB in one request). Default: 5 GiB. */
  multipartCopyThreshold?: number;
  /** Bytes per part of a multipart copy. Default: 512 MiB, raised to fit 10,000 parts. */
  copyPartSize?: number;
  /**
   * Times a read whose connection breaks mid-body (reset, stall, closed short) goes on with a
   * ranged GET of the missing bytes of the same version (`If-Match`), with backoff, before its
   * stream fails with `Unavailable`. The reader sees one uninterrupted stream, still checked
   * whole (length, MD5). Default: 4; 0 turns it off.
   */
  bodyResumes?: number;
}

/** Options of {@link S3Storage}: an existing client, or what to build one from, plus transfer settings. */
export interface S3StorageOptions extends S3ClientOptions, S3TransferOptions {
  /**
   * Use this client instead of building one (the client options above must then be left out).
   * The storage never destroys a client it was given.
   */
  client?: S3Client;
  /**
   * What the server cannot do, for S3-compatible servers that lack features (e.g.
   * `{ conditionalPut: false }`); merged over S3's own capabilities and reported as
   * `storage.capabilities`, which callers and the contract suite read. The key shapes declared
   * missing (`emptySegments`, `dotSegments`, `longSegments`, `nulInKeys`, a lower `maxKeyBytes`)
   * are also refused by the driver with `InvalidKey` before any request.
   */
  capabilities?: Partial<Capabilities>;
  /**
   * What the driver verifies: Content-MD5 on uploads, the ETag the server answers, the MD5 of
   * full reads. Everything is on by default; see docs/integrity.md.
   */
  integrity?: S3IntegrityOptions;
}

/** Attempts per request when nothing else says (the SDK's default is 3; boto3's legacy mode 5). */
export const DEFAULT_MAX_ATTEMPTS = 5;
/** Milliseconds to wait for a connection. */
export const DEFAULT_CONNECTION_TIMEOUT = 10_000;
/** Milliseconds a connection may stay silent, mid-request or mid-body. */
export const DEFAULT_SOCKET_TIMEOUT = 60_000;

/** S3's smallest part (all but the last), and its largest part count. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
export const MAX_PARTS = 10_000;
/** S3's largest single PUT or CopyObject. */
export const MAX_SINGLE_OBJECT = 5 * 1024 * 1024 * 1024;

/** The transfer settings with their defaults filled in. */
export type ResolvedTransferOptions = Required<Omit<S3TransferOptions, 'bodyResumes'>>;

const CLIENT_OPTION_NAMES = [
  'region',
  'endpoint',
  'forcePathStyle',
  'credentials',
  'requestChecksumCalculation',
  'responseChecksumValidation',
  'maxAttempts',
  'retryMode',
  'connectionTimeout',
  'socketTimeout',
  'clientConfig',
] as const satisfies readonly (keyof S3ClientOptions)[];

function positiveInteger(name: string, value: number | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new StorageError('InvalidArgument', `${name} must be a whole number ≥ ${min}`);
  }
  return value;
}

/** Fills in the transfer defaults and checks the values. */
export function resolveTransferOptions(options: S3TransferOptions): ResolvedTransferOptions {
  return {
    multipartThreshold: positiveInteger('multipartThreshold', options.multipartThreshold, 8 * 1024 * 1024, 0),
    partSize: positiveInteger('partSize', options.partSize, 8 * 1024 * 1024, MIN_PART_SIZE),
    queueSize: positiveInteger('queueSize', options.queueSize, 4),
    multipartCopyThreshold: positiveInteger('multipartCopyThreshold', options.multipartCopyThreshold, MAX_SINGLE_OBJECT, 0),
    copyPartSize: positiveInteger('copyPartSize', options.copyPartSize, 512 * 1024 * 1024, MIN_PART_SIZE),
  };
}

/** How often a broken read body is resumed (`bodyResumes`, checked; default 4). */
export function resolveBodyResumes(options: S3TransferOptions): number {
  return positiveInteger('bodyResumes', options.bodyResumes, 4, 0);
}

/** The capabilities of a driver on a server, S3's own unless the caller says the server lacks some. */
export function resolveCapabilities(overrides: Partial<Capabilities> | undefined): Capabilities {
  return Object.freeze({ ...S3_CAPABILITIES, ...overrides });
}

/**
 * The `S3Client` settings the driver uses for `options`: path-style addressing, a region and
 * `WHEN_REQUIRED` checksums for custom endpoints, and in Node keep-alive agents with `TCP_NODELAY`.
 */
export function clientConfigFor(options: S3ClientOptions): S3ClientConfig {
  const custom = options.endpoint !== undefined || options.clientConfig?.endpoint !== undefined;
  const config: S3ClientConfig = { ...options.clientConfig };
  const set = <K extends keyof S3ClientConfig>(name: K, value: S3ClientConfig[K] | undefined) => {
    if (value !== undefined) config[name] = value;
  };
  set('region', options.region ?? config.region ?? (custom ? 'us-east-1' : undefined));
  set('endpoint', options.endpoint);
  set('forcePathStyle', options.forcePathStyle ?? config.forcePathStyle ?? (custom ? true : undefined));
  set('credentials', options.credentials);
  set('maxAttempts', options.maxAttempts ?? config.maxAttempts ?? (maxAttemptsInEnvironment() ? undefined : DEFAULT_MAX_ATTEMPTS));
  set('retryMode', options.retryMode);
  // The SDK's default (WHEN_SUPPORTED) sends streamed bodies as aws-chunked with a trailing CRC:
  // s3rver stores the chunk framing inside the object, Ceph RGW answers 411, Swift 501.
  set(
    'requestChecksumCalculation',
    options.requestChecksumCalculation ?? config.requestChecksumCalculation ?? (custom ? 'WHEN_REQUIRED' : undefined),
  );
  set(
    'responseChecksumValidation',
    options.responseChecksumValidation ?? config.responseChecksumValidation ?? (custom ? 'WHEN_REQUIRED' : undefined),
  );
  if (config.requestHandler === undefined) {
    const handler = requestHandlerFor({
      // Without these a stalled server holds a request (or a body) forever.
      connectionTimeout: positiveInteger('connectionTimeout', options.connectionTimeout, DEFAULT_CONNECTION_TIMEOUT),
      socketTimeout: positiveInteger('socketTimeout', options.socketTimeout, DEFAULT_SOCKET_TIMEOUT),
    });
    if (handler !== undefined) config.requestHandler = handler;
  }
  return config;
}

/** Builds an `S3Client` for `options`. */
export function createClient(options: S3ClientOptions): S3Client {
  return newClient(clientConfigFor(options));
}

/** Throws `InvalidArgument` when both a client and options to build one are given. */
export function assertClientOrConfig(options: S3StorageOptions): void {
  if (options.client === undefined) return;
  const extra = CLIENT_OPTION_NAMES.filter((name) => options[name] !== undefined);
  if (extra.length > 0) {
    throw new StorageError('InvalidArgument', `give either an S3Client or client options, not both (${extra.join(', ')} would be ignored)`);
  }
}
