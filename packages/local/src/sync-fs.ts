import type { FsDirent, FsFileHandle, FsPromises, FsStats } from './fs-api.js';

/**
 * The synchronous calls of Node's `fs` the engine's API is made of: `node:fs` and a memfs volume
 * both have them, under the same names.
 */
export interface SyncFs {
  openSync(path: string, flags: string | number, mode?: number): number;
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number | null): number;
  writeSync(fd: number, buffer: Uint8Array, offset?: number, length?: number, position?: number | null): number;
  writevSync(fd: number, buffers: Uint8Array[], position?: number | null): number;
  fstatSync(fd: number): FsStats;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  statSync(path: string): FsStats;
  lstatSync(path: string): FsStats;
  readdirSync(path: string, options: { withFileTypes: true }): unknown;
  mkdirSync(path: string, options?: { recursive?: boolean }): string | undefined;
  renameSync(from: string, to: string): void;
  linkSync(existing: string, created: string): void;
  unlinkSync(path: string): void;
  rmdirSync(path: string): void;
  rmSync(path: string, options: { recursive?: boolean; force?: boolean }): void;
  realpathSync(path: string): string | Uint8Array;
  readFileSync(path: string): Uint8Array;
  writeFileSync(path: string, data: Uint8Array | string): void;
}

// Synchronous work allowed between two turns of the event loop (see settled).
const TURN_BUDGET_MS = 4;
/** When the first synchronous call since the event loop last turned was settled; -1: none yet. */
let turnStarted = -1;

function turnEnded(): void {
  turnStarted = -1;
}

/**
 * Whether the event loop should turn before a call's outcome is delivered. Promises settle in
 * microtasks, so a long run of synchronous calls (many small objects, or a large body read in
 * batches) would never let timers, I/O, signals or an abort's listeners run: once about
 * {@link TURN_BUDGET_MS} ms of calls have been made since the event loop last turned, the outcome
 * waits for its next turn (`setImmediate`). Short runs stay on the fast path.
 */
function turnDue(): boolean {
  const now = performance.now();
  if (turnStarted < 0) {
    turnStarted = now;
    setImmediate(turnEnded);
    return false;
  }
  if (now - turnStarted < TURN_BUDGET_MS) return false;
  turnStarted = -1;
  return true;
}

/** Runs a synchronous call as a promise: its result, or its error (with the file system's own `code`). */
export function settle<T>(call: () => T): Promise<T> {
  try {
    const result = call();
    return turnDue() ? new Promise((resolve) => setImmediate(resolve, result)) : Promise.resolve(result);
  } catch (error) {
    return turnDue() ? new Promise((_, reject) => setImmediate(reject, error)) : Promise.reject(error);
  }
}

function closedError(syscall: string): Error {
  return Object.assign(new Error('file closed'), { code: 'EBADF', syscall });
}

/**
 * A file handle over a descriptor. The descriptor pins the inode, so reads go on after the file
 * was renamed over or unlinked, as with Node's own handles. A closed handle answers EBADF rather
 * than reaching a descriptor number the system may have given to another file.
 */
class SyncFileHandle implements FsFileHandle {
  private fd: number;

  constructor(
    private readonly fs: SyncFs,
    fd: number,
    private readonly flush: (fd: number) => Promise<void>,
    private readonly reads: SyncOverrides['reads'],
  ) {
    this.fd = fd;
  }

  private open(syscall: string): number {
    if (this.fd === -1) throw closedError(syscall);
    return this.fd;
  }

  read(buffer: Uint8Array, offset: number, length: number, position: number | null): Promise<{ bytesRead: number }> {
    if (this.reads && length >= this.reads.minBytes) {
      try {
        return this.reads.read(this.open('read'), buffer, offset, length, position).then((bytesRead) => ({ bytesRead }));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return settle(() => ({ bytesRead: this.fs.readSync(this.open('read'), buffer, offset, length, position) }));
  }

  write(
    buffer: Uint8Array,
    offset = 0,
    length = buffer.byteLength - offset,
    position: number | null = null,
  ): Promise<{ bytesWritten: number }> {
    return settle(() => ({ bytesWritten: this.fs.writeSync(this.open('write'), buffer, offset, length, position) }));
  }

  writev(buffers: Uint8Array[], position: number | null = null): Promise<{ bytesWritten: number }> {
    return settle(() => ({ bytesWritten: this.fs.writevSync(this.open('writev'), buffers, position) }));
  }

  stat(): Promise<FsStats> {
    return settle(() => this.fs.fstatSync(this.open('fstat')));
  }

  sync(): Promise<void> {
    let fd: number;
    try {
      fd = this.open('fsync');
    } catch (error) {
      return Promise.reject(error);
    }
    return this.flush(fd);
  }

  close(): Promise<void> {
    if (this.fd === -1) return Promise.resolve();
    const fd = this.fd;
    this.fd = -1;
    return settle(() => this.fs.closeSync(fd));
  }
}

function lstatOrUndefined(fs: SyncFs, file: string): FsStats | undefined {
  try {
    return fs.lstatSync(file);
  } catch {
    return undefined;
  }
}

/** Calls of {@link syncPromises} made some other way than the synchronous call of the same name. */
export interface SyncOverrides {
  /** `fsync` of a descriptor (default: `fsyncSync`). */
  fsync?: (fd: number) => Promise<void>;
  /** How a read of at least `minBytes` (a large body's chunk) is made, when not synchronously. */
  reads?: {
    minBytes: number;
    read: (fd: number, buffer: Uint8Array, offset: number, length: number, position: number | null) => Promise<number>;
  };
  rename?: FsPromises['rename'];
  readdir?: FsPromises['readdir'];
  rm?: FsPromises['rm'];
  realpath?: (path: string) => string | Uint8Array;
}

/**
 * The engine's file system API made of synchronous calls, each settled as a promise. Where a call
 * takes microseconds (a local disk's metadata, a small file, memory), a trip through a thread
 * pool and back costs more than the call itself.
 */
export function syncPromises(fs: SyncFs, overrides: SyncOverrides = {}): FsPromises {
  const flush = overrides.fsync ?? ((fd: number) => settle(() => fs.fsyncSync(fd)));
  const realpath = overrides.realpath ?? ((file: string) => fs.realpathSync(file));
  return {
    open: (file, flags, mode) => settle(() => new SyncFileHandle(fs, fs.openSync(file, flags, mode), flush, overrides.reads)),
    stat: (file) => settle(() => fs.statSync(file)),
    lstat: (file) => settle(() => fs.lstatSync(file)),
    readdir: overrides.readdir ?? ((dir, options) => settle(() => fs.readdirSync(dir, options) as FsDirent[])),
    mkdir: (dir, options) => settle(() => fs.mkdirSync(dir, options) ?? undefined),
    rename: overrides.rename ?? ((from, to) => settle(() => fs.renameSync(from, to))),
    link: (existing, created) => settle(() => fs.linkSync(existing, created)),
    unlink: (file) => settle(() => fs.unlinkSync(file)),
    rmdir: (dir) => settle(() => fs.rmdirSync(dir)),
    rm: overrides.rm ?? ((target, options) => settle(() => fs.rmSync(target, options))),
    realpath: (file) => settle(() => String(realpath(file))),
    readFile: (file) => settle(() => fs.readFileSync(file)),
    writeFile: (file, data) => settle(() => fs.writeFileSync(file, data)),
    lstatMany: (files) => settle(() => files.map((file) => lstatOrUndefined(fs, file))),
  };
}
