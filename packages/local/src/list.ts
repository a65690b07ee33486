import path from 'node:path';
import { compareKeys } from '@stowage/core';
import { errnoCode, type FsDirent, type FsPromises } from './fs-api.js';
import { isKeySegment } from './key-path.js';

/**
 * An object found by the walk (its attributes are loaded later), or a common prefix. An object with
 * `folder` is a folder the walk passed through, listed as a folder marker (`key` ends in `/`) if
 * its record says it is one.
 */
export type WalkEntry = { type: 'object'; key: string; path: string; folder?: true } | { type: 'prefix'; prefix: string };

/** Whether a folder is a folder marker (see folder-markers.ts). */
export type IsMarker = (dir: string) => Promise<boolean>;

interface WalkOptions {
  prefix: string;
  delimiter?: string;
  startAfter?: string;
}

/**
 * Walks a bucket's folder in key order (UTF-8 byte order), one folder in memory at a time. Each
 * folder is read and sorted whole, a sub-folder `d` sorting as `d/` (so `a.txt` < `a/` < `a0`), and
 * descended into in its place. Folders wholly before `startAfter` are skipped, the walk starts at
 * the deepest folder the prefix names, and with a delimiter a folder whose keys all share one
 * common prefix is reported without being walked. Each folder walked is offered as a possible
 * folder marker just before its contents, where its key (`name/`) sorts. Entries come in runs (a
 * folder's files up to its next sub-folder), one step of the generators per run rather than per key.
 */
export async function* walkKeys(fs: FsPromises, bucketDir: string, isMarker: IsMarker, options: WalkOptions): AsyncGenerator<WalkEntry[]> {
  const { prefix, delimiter, startAfter } = options;
  const slash = prefix.lastIndexOf('/');
  const dirKey = prefix.slice(0, slash + 1);
  const nameFilter = prefix.slice(slash + 1);
  const dirSegments = slash >= 0 ? prefix.slice(0, slash).split('/') : [];
  if (!dirSegments.every(isKeySegment)) return;
  const startDir = path.join(bucketDir, ...dirSegments);
  try {
    // A folder reached through a symbolic link is outside the store: list nothing there.
    if ((await fs.realpath(startDir)) !== startDir) return;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return;
    throw error;
  }

  const after = (itemKey: string) => startAfter === undefined || compareKeys(itemKey, startAfter) > 0;

  async function* walk(dir: string, key: string, filter: string, read = readSorted(fs, dir, filter)): AsyncGenerator<WalkEntry[]> {
    const items = await read;
    let run: WalkEntry[] = [];
    // The next sub-folder's entries are read (on the thread pool) while this one's are walked.
    let next: { index: number; read: Promise<DirItem[]> } | undefined;
    for (let index = 0; index < items.length; index++) {
      const item = items[index] as DirItem;
      const itemKey = key + item.sortKey;
      const itemPath = `${dir}${path.sep}${item.name}`;
      if (!item.isDir) {
        if (after(itemKey)) run.push({ type: 'object', key: itemKey, path: itemPath });
        continue;
      }
      const subtreeAfter = after(itemKey);
      if (!subtreeAfter && !startAfter?.startsWith(itemKey)) continue; // every key below is ≤ startAfter
      if (delimiter && subtreeAfter) {
        const at = itemKey.indexOf(delimiter, prefix.length);
        if (at >= 0) {
          if (await holdsObject(fs, itemPath, isMarker)) run.push({ type: 'prefix', prefix: itemKey.slice(0, at + delimiter.length) });
          continue;
        }
      }
      const own = next?.index === index ? next.read : readSorted(fs, itemPath, '');
      next = undefined;
      let following = index + 1;
      while (following < items.length && !(items[following] as DirItem).isDir) following++;
      if (!delimiter && following < items.length) {
        next = { index: following, read: readSorted(fs, `${dir}${path.sep}${(items[following] as DirItem).name}`, '') };
        next.read.catch(() => undefined); // awaited when its turn comes, or not needed
      }
      if (subtreeAfter) run.push({ type: 'object', key: itemKey, path: itemPath, folder: true });
      if (run.length > 0) yield run;
      run = [];
      yield* walk(itemPath, itemKey, '', own);
    }
    if (run.length > 0) yield run;
  }

  async function* start(): AsyncGenerator<WalkEntry[]> {
    // A prefix naming a folder (`photos/`) lists that folder's own marker first.
    if (dirKey !== '' && nameFilter === '' && after(dirKey)) yield [{ type: 'object', key: dirKey, path: startDir, folder: true }];
    yield* walk(startDir, dirKey, nameFilter);
  }

  yield* rollUp(start(), prefix, delimiter, startAfter);
}

/**
 * Rolls keys up to common prefixes (S3's delimiter), each prefix once. A prefix at or before
 * `startAfter` is left out even when keys under it come after it, as S3 (and Ceph) do: a listing
 * resumed after a page that ended on that prefix must not repeat it.
 */
async function* rollUp(
  runs: AsyncIterable<WalkEntry[]>,
  prefix: string,
  delimiter: string | undefined,
  startAfter: string | undefined,
): AsyncGenerator<WalkEntry[]> {
  if (!delimiter) {
    yield* runs;
    return;
  }
  let last: string | undefined = startAfter;
  for await (const entries of runs) {
    const out: WalkEntry[] = [];
    for (const entry of entries) {
      let common: string | undefined;
      if (entry.type === 'prefix') common = entry.prefix;
      else {
        const at = entry.key.indexOf(delimiter, prefix.length);
        if (at >= 0) common = entry.key.slice(0, at + delimiter.length);
      }
      if (common === undefined) out.push(entry);
      else if (last === undefined || compareKeys(common, last) > 0) {
        last = common;
        out.push({ type: 'prefix', prefix: common });
      }
    }
    if (out.length > 0) yield out;
  }
}

interface DirItem {
  name: string;
  isDir: boolean;
  sortKey: string;
}

async function readSorted(fs: FsPromises, dir: string, filter: string): Promise<DirItem[]> {
  let entries: FsDirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    // A folder removed while we walk (its last object deleted) simply has nothing left.
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return [];
    throw error;
  }
  const items: DirItem[] = [];
  for (const entry of entries) {
    const name = String(entry.name);
    if (entry.isSymbolicLink() || !isKeySegment(name) || !name.startsWith(filter)) continue;
    const isDir = entry.isDirectory();
    if (!isDir && !entry.isFile()) continue;
    items.push({ name, isDir, sortKey: isDir ? `${name}/` : name });
  }
  return items.sort((a, b) => compareKeys(a.sortKey, b.sortKey));
}

/**
 * True when a folder is a folder marker or holds an object somewhere below it (empty folders list
 * nothing, as on S3). Markers are looked for only in folders with no file, where they decide.
 */
export async function holdsObject(fs: FsPromises, dir: string, isMarker: IsMarker): Promise<boolean> {
  const items = await readSorted(fs, dir, '');
  if (items.some((item) => !item.isDir)) return true;
  if (await isMarker(dir)) return true;
  for (const item of items) if (await holdsObject(fs, path.join(dir, item.name), isMarker)) return true;
  return false;
}
