import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { StorageError, fileError, throwIfAborted } from '@stowage/core';
import type { Context, Remote } from './context.js';
import { UsageError } from './errors.js';
import { type Location, folderPrefix, formatLocation, storeId } from './locations.js';
import type { PathFilter } from './filters.js';
import type { Plan } from './tasks.js';

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
 * Every file under `root`, recursively, keyed by relative path. Symbolic links to files are
 * followed; links to folders are skipped with a warning (a loop would never end); `exclude`
 * (the store's own folder, when it lies inside) is left out. A missing root is `undefined`.
 */
export async function walkLocal(ctx: Context, root: string, shownRoot: string): Promise<Map<string, LocalEntry> | undefined> {
  const absRoot = resolve(ctx.io.cwd, root);
  const skip = new Set(ctx.skipRoots());
  const entries = new Map<string, LocalEntry>();
  const rootStats = await stat(absRoot).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw fileError(error, shownRoot);
  });
  if (rootStats === undefined) return undefined;
  if (!rootStats.isDirectory()) throw new StorageError('InvalidArgument', `${shownRoot} is a file, not a folder`);

  const visit = async (dir: string, relDir: string): Promise<void> => {
    throwIfAborted(ctx.signal);
    let dirents: Dirent[];
    try {
      dirents = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      throw fileError(error, relDir === '' ? shownRoot : showUnder(shownRoot, relDir));
    }
    for (const dirent of dirents) {
      const path = join(dir, dirent.name);
      const rel = relDir === '' ? dirent.name : `${relDir}/${dirent.name}`;
      if (skip.has(path)) continue;
      let kind: 'file' | 'dir' | 'other' = dirent.isFile() ? 'file' : dirent.isDirectory() ? 'dir' : 'other';
      if (dirent.isSymbolicLink()) {
        const target = await stat(path).catch(() => undefined);
        if (target?.isDirectory()) {
          ctx.out.error(`stowage: warning: skipping ${showUnder(shownRoot, rel)}: a link to a folder`);
          continue;
        }
        kind = target?.isFile() ? 'file' : 'other';
      }
      if (kind === 'dir') await visit(path, rel);
      else if (kind === 'file') {
        const stats = await stat(path).catch((error: unknown) => {
          throw fileError(error, showUnder(shownRoot, rel));
        });
        entries.set(rel, { rel, path, shown: showUnder(shownRoot, rel), size: stats.size, mtimeMs: stats.mtimeMs });
      }
    }
  };
  await visit(absRoot, '');
  return entries;
}

/** Every object under `prefix` (a folder prefix, `''` or ending in `/`) in `remote`, keyed by the rest of its key. */
export async function listRemote(ctx: Context, remote: Remote, bucket: string, prefix: string): Promise<Map<string, RemoteEntry>> {
  const entries = new Map<string, RemoteEntry>();
  try {
    for await (const entry of remote.storage.listObjects(bucket, { ...(prefix !== '' ? { prefix } : {}), signal: ctx.signal })) {
      if (entry.type !== 'object') continue;
      const rel = entry.key.slice(prefix.length);
      entries.set(rel, { rel, key: entry.key, size: entry.size, lastModified: entry.lastModified, etag: entry.etag });
    }
  } catch (error) {
    throw ctx.tag(error, remote);
  }
  return entries;
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

/**
 * Plans a recursive copy, move or sync between a local folder and a prefix, or two prefixes, as
 * `aws s3 sync` decides it: a file is copied when the destination lacks it, its size differs, or
 * the source is newer. Downloads set each file's mtime to the object's time, so syncing back does
 * not upload them again.
 */
export async function planTree(ctx: Context, source: Location, destination: Location, mode: TreeMode): Promise<Plan> {
  for (const side of [source, destination]) {
    if (side.kind === 'object' && side.bucket === '') throw new UsageError(`${formatLocation(side)} names no bucket: add one`);
  }
  const plan: Plan = { tasks: [], problems: 0 };
  const tasks = plan.tasks;
  if (source.kind === 'file' && destination.kind === 'object') {
    const to = await ctx.remote(destination.store);
    const files = await walkLocal(ctx, source.path, source.path);
    if (files === undefined) throw new StorageError('InvalidArgument', `no such file or folder: ${source.path}`);
    const prefix = folderPrefix(destination.key);
    const objects =
      mode.onlyChanged || mode.deleteExtra ? await listRemote(ctx, to, destination.bucket, prefix) : new Map<string, RemoteEntry>();
    for (const file of sorted(files, mode.filter)) {
      const existing = objects.get(file.rel);
      if (!changed(mode, { size: file.size, ms: file.mtimeMs }, existing && { size: existing.size, ms: existing.lastModified.getTime() }))
        continue;
      tasks.push({
        op: 'upload',
        file: file.path,
        shown: file.shown,
        to,
        bucket: destination.bucket,
        key: prefix + file.rel,
        size: file.size,
        move: mode.move,
      });
    }
    if (mode.deleteExtra) {
      for (const object of sorted(objects, mode.filter))
        if (!files.has(object.rel)) tasks.push({ op: 'delete', in: to, bucket: destination.bucket, key: object.key });
    }
    return plan;
  }
  if (source.kind === 'object' && destination.kind === 'file') {
    const prefix = folderPrefix(source.key);
    const from = await ctx.remote(source.store);
    const objects = await listRemote(ctx, from, source.bucket, prefix);
    const files =
      mode.onlyChanged || mode.deleteExtra
        ? ((await walkLocal(ctx, destination.path, destination.path)) ?? new Map<string, LocalEntry>())
        : new Map<string, LocalEntry>();
    const root = resolve(ctx.io.cwd, destination.path);
    for (const object of sorted(objects, mode.filter)) {
      const local = keyToLocalPath(object.rel);
      if (local === undefined) {
        // A "folder" marker (an empty object whose key ends in /) is how some tools show folders: nothing to do.
        if (object.size === 0 && object.rel.endsWith('/')) continue;
        ctx.report(
          ctx.tag(
            new StorageError('InvalidKey', 'skipped: the key is not a valid local file name', { bucket: source.bucket, key: object.key }),
            from,
          ),
        );
        plan.problems++;
        continue;
      }
      const existing = files.get(object.rel);
      if (
        !changed(mode, { size: object.size, ms: object.lastModified.getTime() }, existing && { size: existing.size, ms: existing.mtimeMs })
      )
        continue;
      tasks.push({
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
      });
    }
    if (mode.deleteExtra) {
      for (const file of sorted(files, mode.filter))
        if (!objects.has(file.rel)) tasks.push({ op: 'unlink', file: file.path, shown: file.shown });
    }
    return plan;
  }
  if (source.kind === 'object' && destination.kind === 'object') {
    const fromPrefix = folderPrefix(source.key);
    const toPrefix = folderPrefix(destination.key);
    const [from, to] = await Promise.all([ctx.remote(source.store), ctx.remote(destination.store)]);
    const sameStore = storeId(source.store) === storeId(destination.store);
    if (sameStore && source.bucket === destination.bucket && (fromPrefix.startsWith(toPrefix) || toPrefix.startsWith(fromPrefix))) {
      throw new UsageError(
        `${from.format(source.bucket, fromPrefix)} and ${to.format(destination.bucket, toPrefix)} overlap: one is inside the other`,
      );
    }
    const objects = await listRemote(ctx, from, source.bucket, fromPrefix);
    const existing =
      mode.onlyChanged || mode.deleteExtra ? await listRemote(ctx, to, destination.bucket, toPrefix) : new Map<string, RemoteEntry>();
    for (const object of sorted(objects, mode.filter)) {
      const there = existing.get(object.rel);
      if (
        !changed(
          mode,
          { size: object.size, ms: object.lastModified.getTime() },
          there && { size: there.size, ms: there.lastModified.getTime() },
        )
      )
        continue;
      tasks.push({
        op: 'copy',
        from,
        source: { bucket: source.bucket, key: object.key },
        to,
        target: { bucket: destination.bucket, key: toPrefix + object.rel },
        size: object.size,
        etag: object.etag,
        move: mode.move,
      });
    }
    if (mode.deleteExtra) {
      for (const there of sorted(existing, mode.filter))
        if (!objects.has(there.rel)) tasks.push({ op: 'delete', in: to, bucket: destination.bucket, key: there.key });
    }
    return plan;
  }
  throw new UsageError('one side must be a store location (stow://, s3://, NAME:) and the other a local folder, or both store locations');
}

/**
 * Map values in the byte order of their relative paths, so plans and output are stable, without
 * those the filter leaves out.
 */
function sorted<T extends { rel: string }>(map: Map<string, T>, filter: PathFilter | undefined): T[] {
  const values = filter ? [...map.values()].filter((v) => filter(v.rel)) : [...map.values()];
  return values.sort((a, b) => Buffer.compare(Buffer.from(a.rel), Buffer.from(b.rel)));
}
