import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Storage } from '@stowage/core';
import { UsageError } from './errors.js';

/** The folder (in the current directory) that is the store when none is named. */
export const DEFAULT_STORE_DIR = '.stowage-store';

/** The environment variable that names the store when `--store` is not given. */
export const STORE_ENV = 'STOWAGE_STORE';

const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * The store URL of this run: `--store`, else `$STOWAGE_STORE`, else `./.stowage-store` on the local
 * disk, so every command works on a fresh machine. A value without a scheme is a folder path
 * (`--store ./data`), made absolute against `cwd`.
 */
export function storeUrl(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  const given = flag ?? (env[STORE_ENV] || undefined);
  if (given === undefined) return pathToFileURL(resolve(cwd, DEFAULT_STORE_DIR)).href;
  if (given.trim() === '') throw new UsageError('--store is empty: give a URL such as file:///abs/folder or s3://?endpoint=…');
  return HAS_SCHEME.test(given) ? given : pathToFileURL(resolve(cwd, given)).href;
}

/** The store's root folder when it is on the local disk (`LocalStorage` keeps it as `root`). */
export function localRoot(storage: Storage): string | undefined {
  if (storage.name !== 'local' || !('root' in storage)) return undefined;
  return typeof storage.root === 'string' ? storage.root : undefined;
}

/**
 * Opens the store. A malformed URL is a usage error (exit 2) whose message names the problem but
 * never the URL's values, which may be secrets. The local folder is created by the driver on
 * first use. `stowage` is loaded only here, so `--help`, `--version` and usage errors answer without
 * loading it; `openStorage` then loads only the URL's driver (the AWS SDK for `s3://` alone).
 */
export async function openStore(url: string, options: { profile?: string | undefined; what?: string } = {}): Promise<Storage> {
  const { openStorage } = await import('./open-storage.js');
  try {
    // The profile reaches the SDK as its client's `profile` (AWS_PROFILE for this store alone); other schemes ignore it.
    return await openStorage(url, options.profile !== undefined ? { s3: { clientConfig: { profile: options.profile } } } : {});
  } catch (error) {
    const { isStorageError } = await import('@stowage/core');
    if (isStorageError(error, 'InvalidArgument')) throw new UsageError(`${options.what ?? '--store'}: ${error.message}`);
    throw error;
  }
}

/** What `s3://` locations mean: Amazon S3, or the server of `--endpoint-url`, as `aws s3` has it. */
export interface S3Flags {
  endpointUrl?: string | undefined;
  region?: string | undefined;
}

/**
 * The store URL of `s3://` locations: Amazon S3 in the region the SDK finds (`--region`,
 * `AWS_REGION`, the profile's), or with `--endpoint-url` an S3-compatible server addressed by path.
 */
export function s3Url(flags: S3Flags): string {
  const params = new URLSearchParams();
  if (flags.endpointUrl !== undefined) {
    let endpoint: URL;
    try {
      endpoint = new URL(flags.endpointUrl);
    } catch {
      throw new UsageError('--endpoint-url takes a URL such as http://127.0.0.1:9000', 'InvalidArgument');
    }
    if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') {
      throw new UsageError('--endpoint-url takes an http:// or https:// URL', 'InvalidArgument');
    }
    if (endpoint.username !== '' || endpoint.password !== '') {
      throw new UsageError('--endpoint-url must not hold credentials: use the AWS environment or --profile', 'InvalidArgument');
    }
    params.set('endpoint', flags.endpointUrl);
    params.set('forcePathStyle', 'true');
  }
  if (flags.region !== undefined) params.set('region', flags.region);
  const query = params.toString();
  return query === '' ? 's3://' : `s3://?${query}`;
}

/** The layers the command line asks for (`--retries`, `--timeout`, `--debug`), as given. */
export interface StoreFlags {
  retries?: string | undefined;
  timeout?: string | undefined;
  /** With `--debug`: called with one line per storage call. */
  log?: ((line: string) => void) | undefined;
}

/**
 * `storage` in the layers the flags ask for, through @stowage/layers as a library user would stack
 * them (docs/layers.md): each attempt's `timeout` inside `retry`, the log outermost so it shows each
 * call as the command made it. Bad values are usage errors (exit 2). Loaded only when a flag is given.
 */
export async function withFlags(storage: Storage, flags: StoreFlags): Promise<Storage> {
  if (flags.retries === undefined && flags.timeout === undefined && flags.log === undefined) return storage;
  const { layered, logging, parseDuration, retry, timeout } = await import('@stowage/layers');
  const layers = [];
  if (flags.timeout !== undefined) {
    const ms = parseDuration(flags.timeout);
    if (ms === undefined) throw new UsageError('--timeout takes a duration such as 500ms, 30s or 2m');
    layers.push(timeout(ms));
  }
  if (flags.retries !== undefined) {
    if (!/^\d{1,2}$/.test(flags.retries)) throw new UsageError('--retries takes a whole number from 0 to 99');
    const retries = Number(flags.retries);
    if (retries > 0) layers.push(retry({ maxAttempts: retries + 1 }));
  }
  const { log } = flags;
  if (log) {
    layers.push(
      logging((event) => {
        const where = [event.bucket, event.key].filter((part) => part !== undefined).join('/');
        log(`debug: ${event.operation} ${where} ${event.outcome} ${event.durationMs.toFixed(1)} ms`);
      }),
    );
  }
  return layered(storage, ...layers);
}
