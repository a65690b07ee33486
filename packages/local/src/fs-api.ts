/**
 * The part of Node's `fs.promises` the driver uses. `node:fs` and a memfs volume both provide it,
 * so one implementation serves the local disk and memory.
 */
export interface FsStats {
  ino: number;
  size: number;
  nlink: number;
  mtimeMs: number;
  birthtimeMs: number;
  mtime: Date;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

/** A directory entry from `readdir(path, { withFileTypes: true })`. */
export interface FsDirent {
  name: string;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

/** An open file. */
export interface FsFileHandle {
  read(buffer: Uint8Array, offset: number, length: number, position: number | null): Promise<{ bytesRead: number }>;
  write(buffer: Uint8Array, offset?: number, length?: number, position?: number | null): Promise<{ bytesWritten: number }>;
  /** Writes the buffers one after another in one call (one thread-pool trip for many chunks). */
  writev(buffers: Uint8Array[], position?: number | null): Promise<{ bytesWritten: number }>;
  stat(): Promise<FsStats>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** The promise-based file system API, as `fs.promises` has it. */
export interface FsPromises {
  open(path: string, flags: string | number, mode?: number): Promise<FsFileHandle>;
  stat(path: string): Promise<FsStats>;
  lstat(path: string): Promise<FsStats>;
  readdir(path: string, options: { withFileTypes: true }): Promise<FsDirent[]>;
  mkdir(path: string, options?: { recursive?: boolean }): Promise<string | undefined>;
  rename(from: string, to: string): Promise<void>;
  link(existing: string, created: string): Promise<void>;
  unlink(path: string): Promise<void>;
  rmdir(path: string): Promise<void>;
  rm(path: string, options: { recursive?: boolean; force?: boolean }): Promise<void>;
  realpath(path: string): Promise<string>;
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, data: Uint8Array | string): Promise<void>;
  /**
   * `lstat` of many paths in one call, `undefined` for a path that cannot be statted. Present where
   * calls are synchronous (one promise for a listing's batch rather than one per key).
   */
  lstatMany?(paths: readonly string[]): Promise<(FsStats | undefined)[]>;
}

/** A file system: its promise API and the open flags it understands. */
export interface FileSystem {
  promises: FsPromises;
  constants: { O_RDONLY: number; O_NOFOLLOW?: number; O_NONBLOCK?: number };
}

/** The `code` of a Node file system error, if it is one. */
export function errnoCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
    ? (error as { code: string }).code
    : undefined;
}
