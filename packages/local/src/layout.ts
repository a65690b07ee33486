import path from 'node:path';
import type { FsStats } from './fs-api.js';

/** The folder inside the root that holds the driver's own files. Its leading dot makes it an invalid bucket name, so no bucket can collide with it. */
export const INTERNAL_DIR = '.stowage';

/**
 * Where everything lives under the root:
 * - `<root>/<bucket>/<key>`: the object's bytes, a plain file (browsable);
 * - `<root>/.stowage/meta/<bucket>/<ino>-<birthtime>.json`: its headers, metadata and digest, named
 *   after the data file's inode and creation time, which a rename keeps and an in-place edit does
 *   not change — so a reader that stats the data file finds exactly the record written for it, and
 *   a reused inode (a new creation time) never finds an old record;
 * - `<root>/.stowage/tmp/`: files being written, renamed into place when complete;
 * - `<root>/.stowage/locks/`: the locks of conditional writes shared by processes (process-lock.ts).
 */
export class Layout {
  readonly internalDir: string;
  readonly tmpDir: string;
  readonly metaRoot: string;
  readonly locksDir: string;

  constructor(readonly root: string) {
    this.internalDir = path.join(root, INTERNAL_DIR);
    this.tmpDir = path.join(this.internalDir, 'tmp');
    this.locksDir = path.join(this.internalDir, 'locks');
    this.metaRoot = path.join(this.internalDir, 'meta');
  }

  bucketDir(bucket: string): string {
    return path.join(this.root, bucket);
  }

  metaDir(bucket: string): string {
    return path.join(this.metaRoot, bucket);
  }

  objectPath(bucket: string, segments: readonly string[]): string {
    return path.join(this.root, bucket, ...segments);
  }

  sidecarPath(bucket: string, stat: Pick<FsStats, 'ino' | 'mtimeMs' | 'birthtimeMs'>): string {
    return path.join(this.metaRoot, bucket, `${stat.ino}-${versionStamp(stat)}.json`);
  }

  /** A folder's journal of records (journal.ts), by its id. */
  journalPath(bucket: string, id: string): string {
    return path.join(this.metaRoot, bucket, `${id}.log`);
  }

  /**
   * A fresh temporary name; the pid lets a later process tell a dead writer's leftovers from a live
   * one's, and `journal` (a new object's) names the journal its record was appended to, which the
   * next open compacts when the writer died.
   */
  tempPath(bucket: string, journal?: string): string {
    const random = Math.random().toString(36).slice(2, 10);
    return path.join(this.tmpDir, `${process.pid}.${bucket}.${Date.now().toString(36)}${random}${journal ? `_${journal}` : ''}`);
  }
}

/** A file's version: its creation time, or its mtime on file systems without one. With the inode, it names one version. */
export function versionStamp(stat: Pick<FsStats, 'mtimeMs' | 'birthtimeMs'>): number {
  return stat.birthtimeMs > 0 ? stat.birthtimeMs : stat.mtimeMs;
}

/** Parses a temporary file's name back into the pid and bucket that wrote it, and the journal it wrote to. */
export function parseTempName(name: string): { pid: number; bucket: string; journal?: string } | undefined {
  const match = /^(\d+)\.([a-z0-9.-]+)\.[a-z0-9]+(?:_([0-9a-f]{16}))?$/.exec(name);
  if (!match) return undefined;
  return match[3]
    ? { pid: Number(match[1]), bucket: match[2] as string, journal: match[3] }
    : { pid: Number(match[1]), bucket: match[2] as string };
}
