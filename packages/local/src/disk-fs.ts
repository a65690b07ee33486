import fs from 'node:fs';
import type { FileSystem } from './fs-api.js';
import { type SyncFs, syncPromises } from './sync-fs.js';

/**
 * How the local driver calls the disk: `'sync'` makes each call synchronously (a listing's folder
 * reads, an fsync and a bucket's removal excepted), `'thread-pool'` makes every call through
 * Node's thread pool (`fs.promises`).
 */
export type DiskIo = 'sync' | 'thread-pool';

/**
 * The real disk for the engine. With `'sync'`, the calls that take microseconds on a local disk
 * (a stat, a rename, an open, a small read, a write of up to 256 KiB into the page cache) are
 * made on the spot: a thread-pool trip costs more than such a call (see docs/local-layout.md). A
 * folder's entries (one call for thousands of names), `fsync` (it waits for the device), a
 * recursive removal and a large body's reads stay on the thread pool. A run of synchronous calls
 * lets the event loop turn every few milliseconds (see sync-fs.ts).
 */
export function diskFileSystem(io: DiskIo): FileSystem {
  if (io === 'thread-pool') return fs;
  const promises = syncPromises(fs as unknown as SyncFs, {
    fsync: (fd) => new Promise<void>((resolve, reject) => fs.fsync(fd, (error) => (error ? reject(error) : resolve()))),
    // A large body's chunks are read on the pool: each then waits for a turn of the event loop,
    // which lets the chunks the consumer is done with be collected as the body streams (read
    // synchronously, finished chunks pile up between turns), and the read overlaps the consumer's
    // work.
    reads: {
      minBytes: 64 * 1024,
      read: (fd, buffer, offset, length, position) =>
        new Promise<number>((resolve, reject) =>
          fs.read(fd, buffer, offset, length, position, (error, bytesRead) => (error ? reject(error) : resolve(bytesRead))),
        ),
    },
    readdir: (dir, options) => fs.promises.readdir(dir, options),
    rm: (target, options) => fs.promises.rm(target, options),
    // The same call `fs.promises.realpath` makes (the system's realpath), not Node's own walk.
    realpath: (file) => fs.realpathSync.native(file),
  });
  return { promises, constants: fs.constants };
}
