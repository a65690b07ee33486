import { invalidKey, keyShapeProblem } from '@stowage/core';
import { FS_CAPABILITIES } from './capabilities.js';

const WINDOWS_RESERVED_CHARS = /[<>:"|?*\\\u0000-\u001f]/;
const WINDOWS_RESERVED_NAMES = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/** Why a segment is no Windows file name, or `undefined` when it is one (or this is not Windows). */
function windowsProblem(key: string, platform: string): string | undefined {
  if (platform !== 'win32') return undefined;
  for (const segment of key.split('/')) {
    if (WINDOWS_RESERVED_CHARS.test(segment) || WINDOWS_RESERVED_NAMES.test(segment) || /[. ]$/.test(segment)) {
      return 'this segment is not a valid Windows file name';
    }
  }
  return undefined;
}

/**
 * Why a key has no file of its own on local disk, or `undefined` when it maps to one: the key
 * shapes the driver's capabilities rule out (core's one rule: no empty, `.` or `..` segment, no
 * NUL, no segment over 255 bytes), so a key can never name a path outside its bucket's folder,
 * and on Windows the names its file system refuses.
 */
export function localKeyProblem(key: string, platform: string = process.platform): string | undefined {
  return keyShapeProblem(key, FS_CAPABILITIES) ?? windowsProblem(key, platform);
}

/**
 * The path segments of a key the front door has checked; throws `InvalidKey` for the names only
 * this platform refuses (Windows), before any I/O.
 */
export function keySegments(bucket: string, key: string): string[] {
  const problem = windowsProblem(key, process.platform);
  if (problem) throw invalidKey(key, problem, bucket);
  return key.split('/');
}

/**
 * True when a key's segments name a folder marker: a key ending in `/` (`photos/`), as the AWS
 * console makes for a folder. On the local disk a marker is the folder itself, with a record that
 * makes it an object (see folder-markers.ts).
 */
export function isFolderMarker(segments: readonly string[]): boolean {
  return segments.length > 1 && segments[segments.length - 1] === '';
}

/** True when a directory entry's name could be a key segment (so internal or foreign names stay hidden). */
export function isKeySegment(name: string): boolean {
  return name !== '' && !name.includes('/') && localKeyProblem(name) === undefined;
}
