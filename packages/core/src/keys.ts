import { StorageError } from './errors.js';
import type { Capabilities } from './capabilities.js';
import { utf8Length } from './bytes.js';

/** S3's limit on a key's length, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

const LONE_SURROGATE = /\p{Cs}/u;
const ANY_SURROGATE = /[\uD800-\uDFFF]/;
const BUCKET_CHARS = /^[a-z0-9.-]+$/;
const IP_SHAPED = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/** Why `name` is not a valid S3 bucket name, or `undefined` when it is. */
export function bucketNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return 'a bucket name must be a string';
  if (name.length < 3 || name.length > 63) return 'a bucket name must be 3 to 63 characters long';
  if (!BUCKET_CHARS.test(name)) {
    return 'a bucket name may hold only lower-case letters, digits, dots and hyphens';
  }
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) {
    return 'a bucket name must begin and end with a letter or digit';
  }
  if (name.includes('..')) return 'a bucket name must not hold two adjacent dots';
  // S3's labels rule (Ceph RGW enforces it): `a-.b` and `a.-b` are refused.
  if (name.includes('-.') || name.includes('.-')) {
    return 'each dot-separated part of a bucket name must begin and end with a letter or digit';
  }
  if (IP_SHAPED.test(name)) return 'a bucket name must not look like an IP address';
  const prefix = RESERVED_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) return `a bucket name must not begin with "${prefix}"`;
  const suffix = RESERVED_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix) return `a bucket name must not end with "${suffix}"`;
  return undefined;
}

/** Bucket names already found valid (a program uses a few, on every call); past this many it starts over. */
const VALID_BUCKETS = new Set<string>();
const VALID_BUCKETS_KEPT = 1024;

/** Throws `InvalidBucketName` unless `name` follows S3's bucket naming rules. */
export function assertBucketName(name: unknown): asserts name is string {
  if (VALID_BUCKETS.has(name as string)) return;
  const problem = bucketNameProblem(name);
  if (problem === undefined) {
    if (VALID_BUCKETS.size >= VALID_BUCKETS_KEPT) VALID_BUCKETS.clear();
    VALID_BUCKETS.add(name as string);
    return;
  }
  const shown = typeof name === 'string' ? JSON.stringify(name) : String(typeof name);
  throw new StorageError('InvalidBucketName', `invalid bucket name ${shown}: ${problem}`, {
    ...(typeof name === 'string' ? { bucket: name } : {}),
  });
}

/** Why `key` is not a valid S3 key, or `undefined` when it is. */
export function keyProblem(key: unknown, maxBytes = MAX_KEY_BYTES): string | undefined {
  if (typeof key !== 'string') return 'a key must be a string';
  if (key.length === 0) return 'a key must not be empty';
  // Most keys: at most 3 UTF-8 bytes per UTF-16 unit without surrogates, so short enough unmeasured.
  if (key.length * 3 <= maxBytes && !ANY_SURROGATE.test(key)) return undefined;
  if (LONE_SURROGATE.test(key)) return 'a key must be valid Unicode (it holds a lone surrogate)';
  const bytes = utf8Length(key);
  if (bytes > maxBytes) return `a key must be at most ${maxBytes} UTF-8 bytes (this one is ${bytes})`;
  return undefined;
}

/** Throws `InvalidKey` unless `key` is a valid S3 key (non-empty, valid Unicode, at most 1024 UTF-8 bytes). */
export function assertKey(key: unknown, bucket?: string): asserts key is string {
  const problem = keyProblem(key);
  if (problem) throw invalidKey(key, problem, bucket);
}

/** An `InvalidKey` error for `key`, quoting at most its first 100 characters. */
export function invalidKey(key: unknown, problem: string, bucket?: string): StorageError {
  const shown = typeof key === 'string' ? JSON.stringify(key.length > 100 ? `${key.slice(0, 100)}…` : key) : String(typeof key);
  return new StorageError('InvalidKey', `invalid key ${shown}: ${problem}`, {
    ...(bucket !== undefined ? { bucket } : {}),
    ...(typeof key === 'string' ? { key } : {}),
  });
}

/**
 * Compares two keys in the byte order of their UTF-8 encoding (S3's listing order), which is code
 * point order; JavaScript's `<` compares UTF-16 units and disagrees above U+FFFF.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return (a.codePointAt(i) ?? x) - (b.codePointAt(i) ?? y);
  }
  return a.length - b.length;
}

/** The key-shape capabilities a store may lack (see {@link Capabilities}). */
export type KeyCapabilities = Pick<
  Capabilities,
  'dotSegments' | 'emptySegments' | 'folderMarkers' | 'longSegments' | 'nulInKeys' | 'maxKeyBytes'
>;

/** The longest file name most file systems take (ext4, APFS, NTFS), in bytes. */
export const MAX_SEGMENT_BYTES = 255;

/**
 * Why `key`, a valid S3 key, has a shape the store cannot hold by its declared capabilities, or
 * `undefined` when it can. The one place that turns capabilities into key rules: the front door
 * calls it for every key, and drivers that filter names (a local listing) call it too.
 */
export function keyShapeProblem(key: string, capabilities: KeyCapabilities): string | undefined {
  if (capabilities.maxKeyBytes < MAX_KEY_BYTES) {
    const problem = keyProblem(key, capabilities.maxKeyBytes);
    if (problem) return problem;
  }
  if (!capabilities.nulInKeys && key.includes('\u0000')) return 'this store cannot hold U+0000 in a key (capabilities.nulInKeys is false)';
  if (capabilities.dotSegments && capabilities.emptySegments && capabilities.folderMarkers && capabilities.longSegments) return undefined;
  const segments = key.split('/');
  const last = segments.length - 1;
  for (let at = 0; at <= last; at++) {
    const segment = segments[at] as string;
    if (segment === '') {
      // One trailing `/` after a non-empty segment is a folder marker, its own capability.
      const marker = at === last && at > 0 && segments[at - 1] !== '';
      if (marker && !capabilities.folderMarkers) {
        return 'this store cannot hold a key ending in "/" (a folder marker; capabilities.folderMarkers is false)';
      }
      if (!marker && !capabilities.emptySegments) {
        return 'this store cannot hold a key with an empty segment, a leading or doubled "/" (capabilities.emptySegments is false)';
      }
    }
    if (!capabilities.dotSegments && (segment === '.' || segment === '..')) {
      return `this store cannot hold a key with a "${segment}" segment (capabilities.dotSegments is false)`;
    }
    if (!capabilities.longSegments && utf8Length(segment) > MAX_SEGMENT_BYTES) {
      return `this store cannot hold a key segment longer than ${MAX_SEGMENT_BYTES} bytes (capabilities.longSegments is false)`;
    }
  }
  return undefined;
}

/** Why `key` is not a key this store can hold (S3's rules, then its capabilities), or `undefined`. */
export function keyProblemFor(key: unknown, capabilities: KeyCapabilities): string | undefined {
  return keyProblem(key) ?? keyShapeProblem(key as string, capabilities);
}

/** Throws `InvalidKey` unless `key` is valid on S3 and has a shape the store can hold, before any I/O. */
export function assertKeyFor(capabilities: KeyCapabilities, key: unknown, bucket?: string): asserts key is string {
  const problem = keyProblemFor(key, capabilities);
  if (problem) throw invalidKey(key, problem, bucket);
}
