import { UsageError } from './errors.js';

/** The prefix that marks an object location in the session's store on the command line. */
export const SCHEME = 'stow://';

/** The prefix of an Amazon S3 location (or of the server `--endpoint-url` names), as `aws s3` writes it. */
export const S3_SCHEME = 's3://';

/**
 * Which store a location is in: the session's store (`stow://`, chosen by `--store`), Amazon S3
 * (`s3://`), or a store named in the config file (`backup:bucket/key`, as rclone's remotes).
 */
export type StoreRef = { kind: 'default' } | { kind: 's3' } | { kind: 'named'; name: string };

/** The session's store. */
export const DEFAULT_STORE: StoreRef = { kind: 'default' };

/**
 * A bucket and a key in one store. The key is `''` for the bucket itself (`stow://photos`); the
 * bucket is `''` only for a store's top (`s3://`, `backup:`), which `ls` lists the buckets of.
 */
export interface ObjectLocation {
  kind: 'object';
  store: StoreRef;
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

// A named store: a name of two or more letters, digits, `_` or `-`, then `:` (one letter would be a
// Windows drive). `./x:y` is a local path.
const NAMED = /^([A-Za-z0-9][A-Za-z0-9_-]+):(?!\/\/)(.*)$/s;

/**
 * Reads one location argument: `stow://bucket/key` (the key may be empty or end in `/`),
 * `s3://bucket/key`, `name:bucket/key` (a store of the config file), `-`, or anything else as a
 * local path. Bucket names and keys are not checked here; the driver checks them before any I/O
 * and answers `InvalidBucketName`/`InvalidKey` with its own reasons. `s3://` and `name:` alone
 * (no bucket) are the store's top; `stow://` alone is a usage error, as it always was.
 */
export function parseLocation(arg: string): Location {
  if (arg === '-') return { kind: 'stdio' };
  const lower = arg.slice(0, SCHEME.length).toLowerCase();
  if (lower === SCHEME) return objectIn(DEFAULT_STORE, arg.slice(SCHEME.length), arg);
  if (lower.startsWith(S3_SCHEME)) return objectIn({ kind: 's3' }, arg.slice(S3_SCHEME.length), arg);
  const named = NAMED.exec(arg);
  if (named) return objectIn({ kind: 'named', name: named[1] as string }, named[2] as string, arg);
  return { kind: 'file', path: arg };
}

function objectIn(store: StoreRef, rest: string, arg: string): ObjectLocation {
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const key = slash === -1 ? '' : rest.slice(slash + 1);
  if (bucket === '' && (store.kind === 'default' || key !== '')) {
    throw new UsageError(`${arg} names no bucket: write ${formatIn(store, 'bucket', 'key')}`);
  }
  return { kind: 'object', store, bucket, key };
}

/** `stow://bucket/key`, or `stow://bucket` when there is no key: a location in the session's store. */
export function formatObject(bucket: string, key = ''): string {
  return formatIn(DEFAULT_STORE, bucket, key);
}

/** A bucket and key as the command line writes them in `store`: `stow://b/k`, `s3://b/k`, `backup:b/k`. */
export function formatIn(store: StoreRef, bucket: string, key = ''): string {
  const path = key === '' ? bucket : `${bucket}/${key}`;
  switch (store.kind) {
    case 'default':
      return `${SCHEME}${path}`;
    case 's3':
      return `${S3_SCHEME}${path}`;
    case 'named':
      return `${store.name}:${path}`;
  }
}

/** One string per store, to tell two stores apart (and find an opened one again). */
export function storeId(store: StoreRef): string {
  return store.kind === 'named' ? `named:${store.name}` : store.kind;
}

/** A location as it appears in messages. */
export function formatLocation(location: Location): string {
  switch (location.kind) {
    case 'object':
      return formatIn(location.store, location.bucket, location.key);
    case 'file':
      return location.path;
    case 'stdio':
      return '-';
  }
}

/**
 * The location as an object location with a bucket, or a usage error that says what was expected.
 * `top` lets a store's top (`s3://`, `backup:`) through, for `ls`.
 */
export function requireObject(arg: string, what = 'a location', top = false): ObjectLocation {
  const location = parseLocation(arg);
  if (location.kind !== 'object') {
    throw new UsageError(`${arg} is not ${what} in the store: write ${SCHEME}${arg === '-' ? 'bucket/key' : arg.replace(/^\/+/, '')}`);
  }
  if (location.bucket === '' && !top) throw new UsageError(`${arg} names no bucket: write ${formatIn(location.store, 'bucket')}`);
  return location;
}

/** The location as a bucket (`stow://photos`, a trailing `/` allowed), or a usage error. */
export function requireBucket(arg: string): ObjectLocation {
  const location = requireObject(arg, 'a bucket');
  if (location.key !== '') {
    throw new UsageError(`${arg} names an object; give the bucket alone: ${formatIn(location.store, location.bucket)}`);
  }
  return location;
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
