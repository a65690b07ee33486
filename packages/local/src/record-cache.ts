import type { FsStats } from './fs-api.js';
import type { SidecarRecord } from './sidecar.js';

interface Entry {
  ino: number;
  mtimeMs: number;
  size: number;
  record: SidecarRecord;
}

/**
 * Parsed records by record path, most recently used last, so a repeated head, get or listing reads
 * no record file. An entry also holds the data file's (inode, mtime, size) it was read for and is
 * only served to a stat that matches all three: a file edited behind the driver's back, or a
 * reused inode, misses and is read from disk again. The driver drops an entry when it removes or
 * replaces the record itself.
 */
export class RecordCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly capacity: number) {}

  /** The record cached for `file` when it was cached for this very version of the data file. */
  get(file: string, stat: FsStats): SidecarRecord | undefined {
    const entry = this.entries.get(file);
    if (!entry) return undefined;
    if (entry.ino !== stat.ino || entry.mtimeMs !== stat.mtimeMs || entry.size !== stat.size) {
      this.entries.delete(file);
      return undefined;
    }
    this.entries.delete(file);
    this.entries.set(file, entry);
    return entry.record;
  }

  set(file: string, stat: FsStats, record: SidecarRecord): void {
    this.entries.delete(file);
    this.entries.set(file, { ino: stat.ino, mtimeMs: stat.mtimeMs, size: stat.size, record });
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  delete(file: string): void {
    this.entries.delete(file);
  }

  clear(): void {
    this.entries.clear();
  }
}
