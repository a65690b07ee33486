import { createRequire } from 'node:module';
import path from 'node:path';
import type { Volume } from 'memfs';
import type { FileSystem, FsDirent, FsFileHandle, FsPromises, FsStats } from './fs-api.js';

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

/** Runs a synchronous memfs call as a promise: its result, or its error (with memfs's own `code`). */
function settle<T>(call: () => T): Promise<T> {
  try {
    return Promise.resolve(call());
  } catch (error) {
    return Promise.reject(error);
  }
}

// Bytes read or written between two turns of the event loop (see settleData).
const BYTES_PER_TURN = 1024 * 1024;
let bytesThisTurn = 0;

/**
 * {@link settle} for a call that moves `bytes()` bytes. Promises settle in microtasks, so a long
 * stream in and out of memory would never let timers, I/O or an abort signal's listeners run;
 * after each MiB moved the result waits for the next turn of the event loop (`setImmediate`).
 * Small objects stay on the fast path.
 */
function settleData<T>(call: () => T, bytes: (result: T) => number): Promise<T> {
  let result: T;
  try {
    result = call();
  } catch (error) {
    return Promise.reject(error);
  }
  bytesThisTurn += bytes(result);
  if (bytesThisTurn < BYTES_PER_TURN) return Promise.resolve(result);
  bytesThisTurn = 0;
  return new Promise((resolve) => setImmediate(() => resolve(result)));
}

function closedError(syscall: string): Error {
  return Object.assign(new Error('file closed'), { code: 'EBADF', syscall });
}

/**
 * A file handle over a memfs descriptor. The descriptor pins the inode, so reads go on after the
 * file was renamed over or unlinked, as with memfs's own handles (and Node's). A closed handle
 * answers EBADF rather than reaching a descriptor number memfs may have given to another file.
 */
class SyncFileHandle implements FsFileHandle {
  private fd: number;

  constructor(
    private readonly volume: MemfsVolume,
    fd: number,
  ) {
    this.fd = fd;
  }

  private open(syscall: string): number {
    if (this.fd === -1) throw closedError(syscall);
    return this.fd;
  }

  read(buffer: Uint8Array, offset: number, length: number, position: number | null): Promise<{ bytesRead: number }> {
    return settleData(
      () => ({ bytesRead: this.volume.readSync(this.open('read'), buffer, offset, length, position) }),
      (result) => result.bytesRead,
    );
  }

  write(
    buffer: Uint8Array,
    offset = 0,
    length = buffer.byteLength - offset,
    position: number | null = null,
  ): Promise<{ bytesWritten: number }> {
    return settleData(
      () => ({ bytesWritten: this.volume.writeSync(this.open('write'), buffer, offset, length, position) }),
      (result) => result.bytesWritten,
    );
  }

  writev(buffers: Uint8Array[], position: number | null = null): Promise<{ bytesWritten: number }> {
    return settleData(
      () => ({ bytesWritten: this.volume.writevSync(this.open('writev'), buffers, position) }),
      (result) => result.bytesWritten,
    );
  }

  stat(): Promise<FsStats> {
    return settle((): FsStats => this.volume.fstatSync(this.open('fstat')));
  }

  sync(): Promise<void> {
    return settle(() => this.volume.fsyncSync(this.open('fsync')));
  }

  close(): Promise<void> {
    if (this.fd === -1) return Promise.resolve();
    const fd = this.fd;
    this.fd = -1;
    return settle(() => this.volume.closeSync(fd));
  }
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
  const promises: FsPromises = {
    open: (file, flags, mode) => settle(() => new SyncFileHandle(volume, volume.openSync(file, flags, mode))),
    stat: (file) => settle((): FsStats => volume.statSync(file)),
    lstat: (file) => settle((): FsStats => volume.lstatSync(file)),
    readdir: (dir, options) => settle(() => volume.readdirSync(dir, options) as unknown as FsDirent[]),
    mkdir: (dir, options) => settle(() => volume.mkdirSync(dir, options)),
    rename: (from, to) => settle(() => renameReplacing(volume, writeAndSearch, from, to)),
    link: (existing, created) => settle(() => volume.linkSync(existing, created)),
    unlink: (file) => settle(() => volume.unlinkSync(file)),
    rmdir: (dir) => settle(() => volume.rmdirSync(dir)),
    rm: (target, options) => settle(() => volume.rmSync(target, options)),
    realpath: (file) => settle(() => String(volume.realpathSync(file))),
    readFile: (file) => settle(() => volume.readFileSync(file) as Uint8Array),
    writeFile: (file, data) => settle(() => volume.writeFileSync(file, data)),
  };
  return { promises, constants };
}
