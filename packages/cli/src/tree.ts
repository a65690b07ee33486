import { sep } from 'node:path';
import type { PathFilter } from './filters.js';

/** A file of a local tree, by its path relative to the tree's root with `/` separators. */
export interface LocalEntry {
  rel: string;
  /** Absolute path. */
  path: string;
  /** The path as it appears in messages (under the folder the user named). */
  shown: string;
  size: number;
  mtimeMs: number;
}

/** An object under a prefix, by its key relative to the prefix. */
export interface RemoteEntry {
  rel: string;
  key: string;
  size: number;
  lastModified: Date;
  etag: string;
}

/** How to plan a tree: `cp -r`/`mv -r` copy everything; `sync` only what is new or changed. */
export interface TreeMode {
  /** Skip files whose destination has the same size and is not older. */
  onlyChanged: boolean;
  /** Compare sizes only (ignore times). */
  sizeOnly: boolean;
  /** Downloads: a same-sized file is the same only when its time is the object's, to the second. */
  exactTimestamps?: boolean;
  /** Also delete destination files that are not in the source. */
  deleteExtra: boolean;
  /** Delete each source once it is copied (`mv`). */
  move: boolean;
  /**
   * `--include`/`--exclude`: only the paths it keeps take part, on both sides, so `--delete` leaves
   * excluded destination files alone (as `aws s3 sync` does).
   */
  filter?: PathFilter;
}

/** A local folder's path as shown in messages, joined with a relative path. */
export function showUnder(shownRoot: string, rel: string): string {
  const base = shownRoot.endsWith('/') || shownRoot.endsWith(sep) ? shownRoot.slice(0, -1) : shownRoot;
  return `${base}/${rel}`;
}

/**
 * The local relative path (with the platform's separator) for the rest of a key, or `undefined`
 * when the key cannot be a file under the folder: an empty segment (`a//b`, a trailing `/`),
 * `.` or `..` (which would climb out of it), or NUL.
 */
export function keyToLocalPath(rel: string): string | undefined {
  const segments = rel.split('/');
  const bad = segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\0') || (sep === '\\' && /[\\:]/.test(s)));
  return bad ? undefined : segments.join(sep);
}

/** True when the source, a second ahead or more (S3 keeps seconds), is newer than the destination. */
function newer(sourceMs: number, destinationMs: number): boolean {
  return Math.floor(sourceMs / 1000) > Math.floor(destinationMs / 1000);
}

/**
 * Whether a source file or object must be copied over what the destination has (`undefined`:
 * nothing), as `aws s3 sync` decides: always when not `onlyChanged`, else when the sizes differ or
 * the source is newer, to the second (not with `sizeOnly`). With `exactTimestamps`, a download
 * also happens when the times differ at all, as `aws s3 sync --exact-timestamps` does.
 */
export function changed(
  mode: TreeMode,
  source: { size: number; ms: number },
  destination: { size: number; ms: number } | undefined,
  download = false,
): boolean {
  if (!mode.onlyChanged || destination === undefined) return true;
  if (source.size !== destination.size) return true;
  if (mode.sizeOnly) return false;
  if (download && mode.exactTimestamps) return Math.floor(source.ms / 1000) !== Math.floor(destination.ms / 1000);
  return newer(source.ms, destination.ms);
}
