import { createRequire } from 'node:module';
import path from 'node:path';
import type { Volume } from 'memfs';
import type { FileSystem } from './fs-api.js';
import { type SyncFs, settle, syncPromises } from './sync-fs.js';

type MemfsVolume = InstanceType<typeof Volume>;

/** The memfs module (CommonJS), as {@link loadMemfs} returns it. */
export type Memfs = typeof import('memfs');

let memfs: Memfs | undefined;

/**
 * memfs, loaded on the first call: importing `@stowage/local` for the disk must not pay for it
 * (tens of milliseconds at start-up), yet `memoryVolume()` stays synchronous, so memfs (CommonJS)
 * is required rather than imported. The CommonJS build's `import.meta.url` is tsup's shim; the ES
 * module build uses its own, so importing it needs nothing a bundled worker lacks.
 */
export function loadMemfs(): Memfs {
  if (memfs === undefined) {
    memfs = createRequire(import.meta.url)('memfs') as Memfs;
  }
  return memfs;
}

function renameError(code: string, from: string, to: string): Error {
  return Object.assign(new Error(`${code}: rename '${from}' -> '${to}'`), { code, syscall: 'rename', path: from, dest: to });
}

/**
 * `rename(from, to)` as Linux does it when `to` exists. memfs 4.80.1 puts the moved entry in the
 * place of the one it replaces without unlinking that one: the replaced file keeps its link count
 * and stays in memory for good, and the folder counts one entry too many, so once it is emptied
 * `rmdir` fails with ENOTEMPTY for ever. (The engine overwrites by renaming a temporary over the
 * key, so after an overwrite and a delete the emptied folder stayed, and a put of that folder's
 * name as a key was refused with InvalidKey: "other objects exist under a/b/".) Nor does memfs
 * refuse a file over a folder or a folder over a file or a non-empty folder.
 *
 * So the name in the way is removed first, after rename(2)'s checks, then memfs renames onto a
 * free name, which it does right. memfs is synchronous: nothing runs between the removal and the
 * rename, and both permission checks the rename makes are made before anything is removed, so the
 * pair is as atomic as rename(2) (the old file is replaced or everything stays as it was).
 */
function renameReplacing(volume: MemfsVolume, writeAndSearch: number, from: string, to: string): void {
  const target = volume.lstatSync(to, { throwIfNoEntry: false });
  const source = target && volume.lstatSync(from, { throwIfNoEntry: false });
  // Nothing in the way, or no source: memfs's own rename (and its own errors).
  if (!target || !source) {
    volume.renameSync(from, to);
    return;
  }
  // Two names of one file: rename(2) does nothing and succeeds.
  if (source.ino === target.ino) return;
  if (target.isDirectory()) {
    if (!source.isDirectory()) throw renameError('EISDIR', from, to);
    if (volume.readdirSync(to).length > 0) throw renameError('ENOTEMPTY', from, to);
  } else if (source.isDirectory()) {
    throw renameError('ENOTDIR', from, to);
  }
  try {
    for (const dir of [path.posix.dirname(from), path.posix.dirname(to)]) volume.accessSync(dir, writeAndSearch);
  } catch {
    volume.renameSync(from, to); // fails with memfs's own EACCES, before it changes anything
    return;
  }
  if (target.isDirectory()) volume.rmdirSync(to);
  else volume.unlinkSync(to);
  volume.renameSync(from, to);
}

/**
 * The engine's file system API on a memfs volume, made of memfs's synchronous calls. memfs's own
 * promise API runs the very same synchronous code, but through a callback, a microtask and a
 * `promisify` wrapper per call; a small object's put is about ten calls, so that wrapping was a
 * good part of the memory driver's time. Behaviour (results, errors and their codes) is memfs's,
 * except `rename` over an existing name, which memfs gets wrong (see {@link renameReplacing}).
 */
export function memfsFileSystem(volume: MemfsVolume): FileSystem {
  const { constants } = loadMemfs().createFsFromVolume(volume);
  const writeAndSearch = constants.W_OK | constants.X_OK;
  const promises = syncPromises(volume as unknown as SyncFs, {
    rename: (from, to) => settle(() => renameReplacing(volume, writeAndSearch, from, to)),
  });
  return { promises, constants };
}
