import { UsageError } from './errors.js';

/** The prefix that marks an object location on the command line. */
export const SCHEME = 'stow://';

/** A bucket and a key in the session's store. The key is `''` for the bucket itself (`stow://photos`). */
export interface ObjectLocation {
  kind: 'object';
  bucket: string;
  key: string;
}

/** A local file or folder, as the user wrote it (relative paths stay relative in messages). */
export interface FileLocation {
  kind: 'file';
  path: string;
}

/** `-`: standard input as a source, standard output as a destination. */
export interface StdioLocation {
  kind: 'stdio';
}

/** Any argument that names where bytes come from or go to. */
export type Location = ObjectLocation | FileLocation | StdioLocation;

/**
 * Reads one location argument: `stow://bucket/key` (the key may be empty or end in `/`), `-`, or
 * anything else as a local path. Bucket names and keys are not checked here; the driver checks
 * them before any I/O and answers `InvalidBucketName`/`InvalidKey` with its own reasons.
 */
export function parseLocation(arg: string): Location {
  if (arg === '-') return { kind: 'stdio' };
  if (arg.slice(0, SCHEME.length).toLowerCase() !== SCHEME) return { kind: 'file', path: arg };
  const rest = arg.slice(SCHEME.length);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const key = slash === -1 ? '' : rest.slice(slash + 1);
  if (bucket === '') throw new UsageError(`${arg} names no bucket: write ${SCHEME}bucket/key`);
  return { kind: 'object', bucket, key };
}

/** `stow://bucket/key`, or `stow://bucket` when there is no key. */
export function formatObject(bucket: string, key = ''): string {
  return key === '' ? `${SCHEME}${bucket}` : `${SCHEME}${bucket}/${key}`;
}

/** A location as it appears in messages. */
export function formatLocation(location: Location): string {
  switch (location.kind) {
    case 'object':
      return formatObject(location.bucket, location.key);
    case 'file':
      return location.path;
    case 'stdio':
      return '-';
  }
}

/** The location as an object location, or a usage error that says what was expected. */
export function requireObject(arg: string, what = 'a location'): ObjectLocation {
  const location = parseLocation(arg);
  if (location.kind !== 'object') {
    throw new UsageError(`${arg} is not ${what} in the store: write ${SCHEME}${arg === '-' ? 'bucket/key' : arg.replace(/^\/+/, '')}`);
  }
  return location;
}

/** The location as a bucket (`stow://photos`, a trailing `/` allowed), or a usage error. */
export function requireBucket(arg: string): string {
  const location = requireObject(arg, 'a bucket');
  if (location.key !== '') throw new UsageError(`${arg} names an object; give the bucket alone: ${formatObject(location.bucket)}`);
  return location.bucket;
}

/** The last segment of a key (`cats/cat.jpg` → `cat.jpg`), used as a file name. */
export function keyBaseName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

/**
 * A key prefix as a folder: `''` stays (the whole bucket), anything else ends with `/`, so
 * `stow://photos/cats` in a recursive command means `cats/…` and never `catalog.txt`.
 */
export function folderPrefix(key: string): string {
  return key === '' || key.endsWith('/') ? key : `${key}/`;
}
