import { compareKeys, type ListEntry } from '@stowage/core';
import type { BucketIndex } from './bucket-index.js';
import { listedObject, type StoredVersion } from './version.js';

export interface ListPosition {
  prefix: string;
  delimiter: string | undefined;
  /** Entries are listed after this key or common prefix (exclusive), as S3's `StartAfter`. */
  after: string | undefined;
}

/**
 * One page of a listing, read from the bucket's ordered keys in one synchronous step (so a page
 * is a consistent view, as one ListObjectsV2 response is), starting after `position.after`.
 * Returns the entries and the position to go on from, or `undefined` when the listing is complete.
 *
 * With a delimiter, the keys under a common prefix are rolled up into it and skipped by one seek
 * past the prefix, not walked. A common prefix at or before `after` is left out (S3 and Ceph do
 * the same): a listing resumed after a page that ended on that prefix must not repeat it.
 */
export function listPage(
  index: BucketIndex,
  position: ListPosition,
  limit: number,
): { entries: ListEntry[]; next: ListPosition | undefined } {
  const { prefix, delimiter } = position;
  let { after } = position;
  const entries: ListEntry[] = [];
  let seek = after === undefined || compareKeys(after, prefix) < 0 ? prefix : after;
  for (;;) {
    let restart: string | undefined;
    const cursor = index.keysFrom(seek);
    // Keys come in increasing order, and `after` only moves to a key or prefix at or before the
    // current key: once one key is past `after`, every later one on this cursor is too.
    let past = after === undefined;
    for (let key = cursor.next(); key !== undefined; key = cursor.next()) {
      if (!key.startsWith(prefix)) return { entries, next: undefined };
      if (!past) {
        if (compareKeys(key, after as string) <= 0) continue;
        past = true;
      }
      if (delimiter) {
        const at = key.indexOf(delimiter, prefix.length);
        if (at >= 0) {
          const common = key.slice(0, at + delimiter.length);
          if (after === undefined || compareKeys(common, after) > 0) {
            entries.push({ type: 'prefix', prefix: common });
            after = common;
          }
          restart = prefixEnd(common);
          if (restart === undefined) continue; // no string follows them all: walk past them instead
          break;
        }
      }
      entries.push(listedObject(key, cursor.value as StoredVersion));
      after = key;
      if (entries.length >= limit) return { entries, next: { prefix, delimiter, after } };
    }
    if (restart === undefined) return { entries, next: undefined };
    if (entries.length >= limit) return { entries, next: { prefix, delimiter, after } };
    seek = restart;
  }
}

/**
 * The first string after every string that starts with `prefix`, in code point order: `prefix`
 * with its last code point raised by one. `undefined` when that code point is already the last.
 */
export function prefixEnd(prefix: string): string | undefined {
  const lastUnit = prefix.charCodeAt(prefix.length - 1);
  const width = lastUnit >= 0xdc00 && lastUnit <= 0xdfff && prefix.length >= 2 ? 2 : 1;
  const last = prefix.codePointAt(prefix.length - width) as number;
  if (last >= 0x10ffff) return undefined;
  const next = last === 0xd7ff ? 0xe000 : last + 1; // code points D800–DFFF are never in a key
  return prefix.slice(0, prefix.length - width) + String.fromCodePoint(next);
}
