import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { StorageError, compareKeys, fileError, forEachLimited, throwIfAborted } from '@stowage/core';
import type { Context, Remote } from './context.js';
import { UsageError } from './errors.js';
import { type Location, folderPrefix, formatLocation, storeId } from './locations.js';
import type { Plan, Task } from './tasks.js';
import { type LocalEntry, type RemoteEntry, type TreeMode, changed, keyToLocalPath, showUnder } from './tree.js';

// Folders whose listing is read ahead while an earlier one is walked, and file stats at once in
// one folder: the walk runs in parallel but yields in key order.
const READ_AHEAD = 4;
const STATS_AT_ONCE = 16;

interface Item {
  name: string;
  /** The name as it sorts among keys: a folder `d` as `d/`, so `a.txt` < `a/…` < `a0`. */
  sortKey: string;
  path: string;
  kind: 'file' | 'dir';
}

/**
 * Every file under `root` in the byte order of its relative path (the order S3 lists keys in),
 * yielded as the walk goes: one folder's entries are held at a time, and the next folders are
 * read ahead. Links to files are followed, links to folders skipped with a warning, and the
 * folders of local stores (`ctx.skipRoots()`) left out. A missing root yields nothing.
 */
export async function* walkSorted(ctx: Context, root: string, shownRoot: string): AsyncGenerator<LocalEntry> {
  const absRoot = resolve(ctx.io.cwd, root);
  const rootStats = await stat(absRoot).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw fileError(error, shownRoot);
  });
  if (rootStats === undefined) return;
  if (!rootStats.isDirectory()) throw new StorageError('InvalidArgument', `${shownRoot} is a file, not a folder`);
  const skip = new Set(ctx.skipRoots());

  const list = async (dir: string, relDir: string): Promise<Item[]> => {
    throwIfAborted(ctx.signal);
    let dirents: Dirent[];
    try {
      dirents = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      throw fileError(error, relDir === '' ? shownRoot : showUnder(shownRoot, relDir));
    }
    const items: Item[] = [];
    for (const dirent of dirents) {
      const path = join(dir, dirent.name);
      if (skip.has(path)) continue;
      let kind: 'file' | 'dir' | 'other' = dirent.isFile() ? 'file' : dirent.isDirectory() ? 'dir' : 'other';
      if (dirent.isSymbolicLink()) {
        const target = await stat(path).catch(() => undefined);
        if (target?.isDirectory()) {
          const rel = relDir === '' ? dirent.name : `${relDir}/${dirent.name}`;
          ctx.out.error(`stowage: warning: skipping ${showUnder(shownRoot, rel)}: a link to a folder`);
          continue;
        }
        kind = target?.isFile() ? 'file' : 'other';
      }
      if (kind !== 'other') items.push({ name: dirent.name, sortKey: kind === 'dir' ? `${dirent.name}/` : dirent.name, path, kind });
    }
    return items.sort((a, b) => compareKeys(a.sortKey, b.sortKey));
  };

  async function* visit(items: Item[], relDir: string): AsyncGenerator<LocalEntry> {
    const relOf = (item: Item) => (relDir === '' ? item.name : `${relDir}/${item.name}`);
    // Read the sub-folders' listings ahead, a few at a time, in the order they will be walked.
    const dirs = items.filter((i) => i.kind === 'dir');
    const pending = new Map<Item, Promise<Item[]>>();
    let next = 0;
    const readAhead = () => {
      while (next < dirs.length && pending.size < READ_AHEAD) {
        const dir = dirs[next++] as Item;
        const listing = list(dir.path, relOf(dir));
        listing.catch(() => undefined); // awaited when its turn comes
        pending.set(dir, listing);
      }
    };
    readAhead();
    // Stat the files between two folders together, then yield them in order.
    let run: Item[] = [];
    const flush = async function* (): AsyncGenerator<LocalEntry> {
      const stats = new Array<LocalEntry | undefined>(run.length);
      await forEachLimited(
        run,
        STATS_AT_ONCE,
        async (item, i) => {
          const rel = relOf(item);
          const s = await stat(item.path).catch((error: unknown) => {
            throw fileError(error, showUnder(shownRoot, rel));
          });
          stats[i] = { rel, path: item.path, shown: showUnder(shownRoot, rel), size: s.size, mtimeMs: s.mtimeMs };
        },
        ctx.signal,
      );
      run = [];
      for (const entry of stats) if (entry) yield entry;
    };
    for (const item of items) {
      if (item.kind === 'file') {
        run.push(item);
        if (run.length >= 256) yield* flush();
        continue;
      }
      yield* flush();
      const listing = pending.get(item) as Promise<Item[]>;
      pending.delete(item);
      readAhead();
      yield* visit(await listing, relOf(item));
    }
    yield* flush();
  }

  yield* visit(await list(absRoot, ''), '');
}

/** Every object under `prefix` in `remote`, in the order the store lists them (key order). */
async function* remoteSorted(ctx: Context, remote: Remote, bucket: string, prefix: string): AsyncGenerator<RemoteEntry> {
  try {
    for await (const entry of remote.storage.listObjects(bucket, { ...(prefix !== '' ? { prefix } : {}), signal: ctx.signal })) {
      if (entry.type !== 'object') continue;
      yield { rel: entry.key.slice(prefix.length), key: entry.key, size: entry.size, lastModified: entry.lastModified, etag: entry.etag };
    }
  } catch (error) {
    throw ctx.tag(error, remote);
  }
}

/**
 * Checks that a listing comes in strictly increasing key order: the merge below relies on it, and
 * a store that broke it would make sync copy or delete the wrong files.
 */
async function* inOrder<T extends { rel: string }>(entries: AsyncIterable<T>, where: string): AsyncGenerator<T> {
  let last: string | undefined;
  for await (const entry of entries) {
    if (last !== undefined && compareKeys(entry.rel, last) <= 0) {
      throw new StorageError(
        'NotSupported',
        `${where} is not listed in key order (${JSON.stringify(entry.rel)} after ${JSON.stringify(last)}): sync cannot merge it`,
      );
    }
    last = entry.rel;
    yield entry;
  }
}

/** An empty side: what `cp -r` merges with, since it copies everything whatever the destination holds. */
async function* nothing<T>(): AsyncGenerator<T> {}

/** The two sides merged by relative path as they stream: each path once, with what each side has. */
async function* merge<A extends { rel: string }, B extends { rel: string }>(
  left: AsyncIterable<A>,
  right: AsyncIterable<B>,
): AsyncGenerator<{ rel: string; source?: A; destination?: B }> {
  const a = left[Symbol.asyncIterator]();
  const b = right[Symbol.asyncIterator]();
  try {
    // Both listings are started at once, so neither waits for the other's first page.
    let [x, y] = await Promise.all([a.next(), b.next()]);
    while (!x.done || !y.done) {
      const order = x.done ? 1 : y.done ? -1 : compareKeys(x.value.rel, y.value.rel);
      if (order < 0 && !x.done) {
        yield { rel: x.value.rel, source: x.value };
        x = await a.next();
      } else if (order > 0 && !y.done) {
        yield { rel: y.value.rel, destination: y.value };
        y = await b.next();
      } else if (!x.done && !y.done) {
        yield { rel: x.value.rel, source: x.value, destination: y.value };
        [x, y] = await Promise.all([a.next(), b.next()]);
      }
    }
  } finally {
    await Promise.all([a.return?.(), b.return?.()]);
  }
}

/**
 * The tasks of `sync` (and of `cp -r`, `mv -r`), planned as both sides are listed (in key order,
 * merged as they stream): a transfer is yielded as soon as the merge reaches its path, so
 * transfers start while the listing goes on and memory does not grow with the number of files.
 * Deletions come out of the same stream; the runner holds them back until both listings have
 * ended in order. A file is copied when the destination lacks it, its size differs, or the source
 * is newer (as `aws s3 sync` decides); downloads set each file's mtime to the object's time, so
 * syncing back does not upload them again.
 */
export async function* syncTasks(
  ctx: Context,
  source: Location,
  destination: Location,
  mode: TreeMode,
  problems: { count: number },
): AsyncGenerator<Task> {
  for (const side of [source, destination]) {
    if (side.kind === 'object' && side.bucket === '') throw new UsageError(`${formatLocation(side)} names no bucket: add one`);
  }
  const keep = mode.filter ?? (() => true);
  const wanted = <T extends { rel: string }>(entry: T | undefined): T | undefined => (entry && keep(entry.rel) ? entry : undefined);
  // `cp -r` and `mv -r` copy everything: the destination is listed only to compare or delete.
  const listsDestination = mode.onlyChanged || mode.deleteExtra;
  const destinationSide = <T extends { rel: string }>(entries: () => AsyncIterable<T>, where: string): AsyncIterable<T> =>
    listsDestination ? inOrder(entries(), where) : nothing<T>();
  if (source.kind === 'file' && destination.kind === 'object') {
    const to = await ctx.remote(destination.store);
    const prefix = folderPrefix(destination.key);
    const exists = await stat(resolve(ctx.io.cwd, source.path)).then(
      () => true,
      () => false,
    );
    if (!exists) throw new StorageError('InvalidArgument', `no such file or folder: ${source.path}`);
    const pairs = merge(
      inOrder(walkSorted(ctx, source.path, source.path), source.path),
      destinationSide(() => remoteSorted(ctx, to, destination.bucket, prefix), to.format(destination.bucket, prefix)),
    );
    for await (const pair of pairs) {
      const file = wanted(pair.source);
      const there = wanted(pair.destination);
      if (file) {
        const dst = there && { size: there.size, ms: there.lastModified.getTime() };
        if (changed(mode, { size: file.size, ms: file.mtimeMs }, dst)) {
          yield {
            op: 'upload',
            file: file.path,
            shown: file.shown,
            to,
            bucket: destination.bucket,
            key: prefix + file.rel,
            size: file.size,
            move: mode.move,
          };
        }
      } else if (there && mode.deleteExtra && !pair.source) yield { op: 'delete', in: to, bucket: destination.bucket, key: there.key };
    }
    return;
  }
  if (source.kind === 'object' && destination.kind === 'file') {
    const from = await ctx.remote(source.store);
    const prefix = folderPrefix(source.key);
    const root = resolve(ctx.io.cwd, destination.path);
    const pairs = merge(
      inOrder(remoteSorted(ctx, from, source.bucket, prefix), from.format(source.bucket, prefix)),
      destinationSide(() => walkSorted(ctx, destination.path, destination.path), destination.path),
    );
    for await (const pair of pairs) {
      const object = wanted(pair.source);
      const file = wanted(pair.destination);
      if (object) {
        const local = keyToLocalPath(object.rel);
        if (local === undefined) {
          // A "folder" marker (an empty object whose key ends in /) is how some tools show folders.
          if (object.size === 0 && object.rel.endsWith('/')) continue;
          ctx.report(
            ctx.tag(
              new StorageError('InvalidKey', 'skipped: the key is not a valid local file name', { bucket: source.bucket, key: object.key }),
              from,
            ),
          );
          problems.count++;
          continue;
        }
        const dst = file && { size: file.size, ms: file.mtimeMs };
        if (changed(mode, { size: object.size, ms: object.lastModified.getTime() }, dst, true)) {
          yield {
            op: 'download',
            from,
            bucket: source.bucket,
            key: object.key,
            file: join(root, local),
            shown: showUnder(destination.path, object.rel),
            size: object.size,
            lastModified: object.lastModified,
            etag: object.etag,
            move: mode.move,
          };
        }
      } else if (file && mode.deleteExtra && !pair.source) yield { op: 'unlink', file: file.path, shown: file.shown };
    }
    return;
  }
  if (source.kind === 'object' && destination.kind === 'object') {
    const fromPrefix = folderPrefix(source.key);
    const toPrefix = folderPrefix(destination.key);
    const [from, to] = await Promise.all([ctx.remote(source.store), ctx.remote(destination.store)]);
    if (
      storeId(source.store) === storeId(destination.store) &&
      source.bucket === destination.bucket &&
      (fromPrefix.startsWith(toPrefix) || toPrefix.startsWith(fromPrefix))
    ) {
      throw new UsageError(
        `${from.format(source.bucket, fromPrefix)} and ${to.format(destination.bucket, toPrefix)} overlap: one is inside the other`,
      );
    }
    const pairs = merge(
      inOrder(remoteSorted(ctx, from, source.bucket, fromPrefix), from.format(source.bucket, fromPrefix)),
      destinationSide(() => remoteSorted(ctx, to, destination.bucket, toPrefix), to.format(destination.bucket, toPrefix)),
    );
    for await (const pair of pairs) {
      const object = wanted(pair.source);
      const there = wanted(pair.destination);
      if (object) {
        const dst = there && { size: there.size, ms: there.lastModified.getTime() };
        if (changed(mode, { size: object.size, ms: object.lastModified.getTime() }, dst)) {
          yield {
            op: 'copy',
            from,
            source: { bucket: source.bucket, key: object.key },
            to,
            target: { bucket: destination.bucket, key: toPrefix + object.rel },
            size: object.size,
            etag: object.etag,
            move: mode.move,
          };
        }
      } else if (there && mode.deleteExtra && !pair.source) yield { op: 'delete', in: to, bucket: destination.bucket, key: there.key };
    }
    return;
  }
  throw new UsageError('one side must be a store location (stow://, s3://, NAME:) and the other a local folder, or both store locations');
}

/**
 * A recursive copy's or move's whole plan (`cp -r`, `mv -r`): the same tasks, collected first so
 * the progress bar knows the total.
 */
export async function planTree(ctx: Context, source: Location, destination: Location, mode: TreeMode): Promise<Plan> {
  const problems = { count: 0 };
  const tasks: Task[] = [];
  for await (const task of syncTasks(ctx, source, destination, mode, problems)) tasks.push(task);
  return { tasks, problems: problems.count };
}
