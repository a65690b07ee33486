import { assertKey, invalidKey, utf8Length } from '@stowage/core';

/** The longest file name most file systems take (ext4, APFS, NTFS), in bytes. */
export const MAX_SEGMENT_BYTES = 255;

const WINDOWS_RESERVED_CHARS = /[<>:"|?*\\\u0000-\u001f]/;
const WINDOWS_RESERVED_NAMES = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/**
 * Why a key has no file of its own on local disk, or `undefined` when it maps to one. This is the one
 * place that decides; every operation calls it before any I/O, so a key can never name a path
 * outside its bucket's folder: no segment is empty, `.` or `..`, holds `/` or NUL, and (on Windows)
 * no segment holds `\` or a drive letter's `:`.
 */
export function localKeyProblem(key: string, platform: string = process.platform): string | undefined {
  const segments = key.split('/');
  for (const segment of segments) {
    if (segment === '') {
      return 'an empty path segment (a leading, trailing or doubled "/") has no file name on local disk';
    }
    if (segment === '.' || segment === '..') return `a "${segment}" segment would name another folder on local disk`;
    if (segment.includes('\u0000')) return 'NUL cannot appear in a file name';
    if (utf8Length(segment) > MAX_SEGMENT_BYTES) {
      return `a path segment is longer than ${MAX_SEGMENT_BYTES} bytes, the longest file name the disk takes`;
    }
    if (platform === 'win32' && (WINDOWS_RESERVED_CHARS.test(segment) || WINDOWS_RESERVED_NAMES.test(segment) || /[. ]$/.test(segment))) {
      return 'this segment is not a valid Windows file name';
    }
  }
  return undefined;
}

/** The path segments of `key` under its bucket's folder; throws `InvalidKey` when it has none. */
export function keySegments(bucket: string, key: string): string[] {
  assertKey(key, bucket);
  const problem = localKeyProblem(key);
  if (problem) throw invalidKey(key, problem, bucket);
  return key.split('/');
}

/** True when a directory entry's name could be a key segment (so internal or foreign names stay hidden). */
export function isKeySegment(name: string): boolean {
  return localKeyProblem(name) === undefined && !name.includes('/');
}
