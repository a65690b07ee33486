import { compareKeys } from './keys.js';
import type { ListEntry, ObjectInfo } from './storage.js';

/** What {@link listSorted} applies: a listing's prefix, delimiter and start. */
export interface ListWindow {
  prefix: string;
  delimiter?: string | undefined;
  startAfter?: string | undefined;
}

/**
 * S3's listing rules over objects already in S3's order ({@link compareKeys}), for drivers that
 * can walk their keys in order: only keys under `prefix`, only entries after `startAfter`, and with
 * a delimiter the keys that hold it past the prefix rolled up into one common prefix each. A common
 * prefix at or before `startAfter` is left out, as S3 does, so a listing resumed after a page
 * that ended on it does not repeat it. The memory driver keeps the same rules with seeks in its
 * sorted index; this is the plain walk.
 */
export function* listSorted(objects: Iterable<ObjectInfo>, window: ListWindow): Generator<ListEntry> {
  const { prefix, delimiter, startAfter } = window;
  let lastPrefix: string | undefined;
  for (const info of objects) {
    const { key } = info;
    if (!key.startsWith(prefix) || (startAfter !== undefined && compareKeys(key, startAfter) <= 0)) continue;
    const at = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    if (at < 0) {
      yield { type: 'object', ...info };
      continue;
    }
    const common = key.slice(0, at + (delimiter as string).length);
    if (common === lastPrefix || (startAfter !== undefined && compareKeys(common, startAfter) <= 0)) continue;
    lastPrefix = common;
    yield { type: 'prefix', prefix: common };
  }
}
