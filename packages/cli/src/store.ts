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
export async function openStore(url: string): Promise<Storage> {
  const { openStorage } = await import('./open-storage.js');
  try {
    return await openStorage(url);
  } catch (error) {
    const { isStorageError } = await import('@stowage/core');
    if (isStorageError(error, 'InvalidArgument')) throw new UsageError(`--store: ${error.message}`);
    throw error;
  }
}
