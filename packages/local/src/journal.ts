import { errnoCode, type FsPromises, type FsStats } from './fs-api.js';
import { isKeySegment } from './key-path.js';
import { type Layout, versionStamp } from './layout.js';
import type { SidecarRecord } from './sidecar.js';

/** The record of one version of one file, as a folder's journal holds it. */
export interface JournalEntry {
  ino: number;
  /** The file's creation time (its mtime where there is none): with the inode, the version. */
  born: number;
  record: SidecarRecord;
  /** The record also has a file of its own (headers or metadata), which an overwrite or delete removes. */
  sidecar: boolean;
  /**
   * Set for a digest computed from a file that has no record (put there by hand): it holds only
   * while the file keeps this mtime and size, since such a file may be edited.
   */
  foreignMtime?: number;
  /**
   * The key's entry before this one, while it may still be the file: a write appends its line
   * before its rename, and until then readers (the write's own overwrite check among them) still
   * see the old file.
   */
  previous?: JournalEntry;
}

/** A line of a journal, as written: short names, since a folder's journal holds one per version. */
interface JournalLine {
  k: string;
  i: number;
  b: number;
  s: number;
  d: string;
  h?: SidecarRecord['headers'];
  m?: Record<string, string>;
  r?: 1;
  t?: number;
  /** A delete: the key's entry for this version (inode, born) no longer applies. */
  x?: 1;
}

/** One folder's journal as this process has read it. */
interface FolderJournal {
  bucket: string;
  id: string;
  file: string;
  /** The journal file's inode when last read: another one means it was compacted (rewritten). */
  fileIno: number;
  /** Bytes read so far: the next read starts here. */
  offset: number;
  /** Lines read, live or not: many more than entries means the file should be compacted. */
  lines: number;
  entries: Map<string, JournalEntry>;
  /** Set once this journal is no longer among those held (a fresh one is made when needed). */
  dropped?: true;
  /** The read under way, which other readers of this journal wait for rather than read the same bytes. */
  reading?: Promise<void>;
}

// Entries kept in memory across every folder (a few hundred bytes each): folders past this are
// dropped least recently used first and read again when needed.
const HELD_ENTRIES = 131_072;
// A journal is compacted once it has more than COMPACT_RATIO lines per live entry, plus
// COMPACT_SLACK: a compaction stats every live key, so it waits for several garbage lines per live
// one (a folder being emptied would otherwise be compacted every few deletes).
const COMPACT_RATIO = 5;
const COMPACT_SLACK = 1024;

// Most records have no headers and no metadata: they share these (frozen) rather than hold two
// empty objects each, a third of an entry's memory.
const NO_HEADERS: SidecarRecord['headers'] = Object.freeze({});
const NO_METADATA: SidecarRecord['metadata'] = Object.freeze({});

/** `record`, sharing the empty headers and metadata objects where it has none. */
function lean(record: SidecarRecord): SidecarRecord {
  const noHeaders = Object.keys(record.headers).length === 0;
  const noMetadata = Object.keys(record.metadata).length === 0;
  if (!noHeaders && !noMetadata) return record;
  return { ...record, headers: noHeaders ? NO_HEADERS : record.headers, metadata: noMetadata ? NO_METADATA : record.metadata };
}

/** Whether `entry` describes exactly the version of the file `stat` describes. */
function entryMatches(entry: JournalEntry, stat: FsStats): boolean {
  if (entry.ino !== stat.ino || entry.born !== versionStamp(stat)) return false;
  return entry.foreignMtime === undefined || (entry.foreignMtime === stat.mtimeMs && entry.record.size === stat.size);
}

function matching(entry: JournalEntry | undefined, stat: FsStats): JournalEntry | undefined {
  if (!entry) return undefined;
  if (entryMatches(entry, stat)) return entry;
  return entry.previous && entryMatches(entry.previous, stat) ? entry.previous : undefined;
}

/**
 * Files `entry` as `key`'s newest, keeping the one it replaces (but no older). The same version
 * again (this process reading back a line it appended) keeps the version before it: a write's
 * overwrite check may still need it.
 */
function chain(entries: Map<string, JournalEntry>, key: string, entry: JournalEntry): void {
  const before = entries.get(key);
  if (before && before.ino === entry.ino && before.born === entry.born) {
    if (before.previous) entry.previous = before.previous;
  } else if (before) {
    before.previous = undefined;
    entry.previous = before;
  }
  entries.set(key, entry);
}

/** Forgets the version (ino, born) of `key`; true when it was the newest (the key is then gone). */
function unchain(entries: Map<string, JournalEntry>, key: string, ino: number, born: number): boolean {
  const entry = entries.get(key);
  if (!entry) return false;
  if (entry.ino === ino && entry.born === born) return entries.delete(key);
  if (entry.previous?.ino === ino && entry.previous.born === born) entry.previous = undefined;
  return false;
}

/** The folder part of a key (`a/b/` of `a/b/c.txt`, `''` at the top): one journal per folder. */
export function folderOf(key: string): string {
  return key.slice(0, key.lastIndexOf('/') + 1);
}

/**
 * A short name for a folder's journal: FNV-1a, 64 bits. Two folders of one name share a journal
 * harmlessly (lines carry whole keys); what matters is that a folder's lines are not spread wide.
 */
export function journalId(folder: string): string {
  let lo = 0x84222325;
  let hi = 0xcbf29ce4;
  for (let i = 0; i < folder.length; i++) {
    lo ^= folder.charCodeAt(i);
    // Multiply the 64-bit (hi, lo) by the FNV prime 2^40 + 0x1b3, in 32-bit halves.
    const loMul = lo * 0x1b3;
    const carry = Math.floor(loMul / 0x100000000);
    hi = (hi * 0x1b3 + (lo << 8) + carry) >>> 0;
    lo = loMul >>> 0;
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

function encodeLine(key: string, entry: JournalEntry): string {
  const { record } = entry;
  const line: JournalLine = { k: key, i: entry.ino, b: entry.born, s: record.size, d: record.digest };
  if (Object.keys(record.headers).length > 0) line.h = record.headers;
  if (Object.keys(record.metadata).length > 0) line.m = record.metadata;
  if (entry.sidecar) line.r = 1;
  if (entry.foreignMtime !== undefined) line.t = entry.foreignMtime;
  return `${JSON.stringify(line)}\n`;
}

function decodeLine(text: string): { key: string; entry?: JournalEntry; gone?: { ino: number; born: number } } | undefined {
  let line: JournalLine;
  try {
    line = JSON.parse(text) as JournalLine;
  } catch {
    return undefined; // torn by a power cut mid-write: that record is simply not known
  }
  if (typeof line.k !== 'string' || typeof line.i !== 'number' || typeof line.b !== 'number') return undefined;
  if (line.x === 1) return { key: line.k, gone: { ino: line.i, born: line.b } };
  if (typeof line.s !== 'number' || typeof line.d !== 'string') return undefined;
  const record: SidecarRecord = { v: 2, size: line.s, digest: line.d, headers: line.h ?? NO_HEADERS, metadata: line.m ?? NO_METADATA };
  const entry: JournalEntry = { ino: line.i, born: line.b, record, sidecar: line.r === 1 };
  if (typeof line.t === 'number') entry.foreignMtime = line.t;
  return { key: line.k, entry };
}

/**
 * Each folder's records in one append-only file, `.stowage/meta/<bucket>/<id>.log`, a line per
 * version written: a listing reads a folder's records with one read instead of a file per key,
 * and a put appends a line instead of creating a file. The journal is a cache of facts that never
 * change (the record of a given inode and creation time), so every line is checked against the
 * file it names before it is used, a lost line costs only a slower path (the record's own file,
 * or the digest of the bytes), and lines of versions that are gone are garbage that compaction
 * drops. Other processes' lines are seen by reading on from where this process stopped.
 */
export class Journals {
  private readonly folders = new Map<string, FolderJournal>();
  private readonly compacting = new Set<FolderJournal>();
  /** Delete notes not yet written, by journal (see {@link deleted}). */
  private readonly notes = new Map<FolderJournal, string>();
  private flushing = false;
  private held = 0;
  private last: { bucket: string; folder: string; journal: FolderJournal } | undefined;

  constructor(private readonly fs: FsPromises) {}

  /** The entry for exactly the version `stat` of `bucket/key`, reading lines other processes appended if needed. */
  async lookup(layout: Layout, bucket: string, key: string, stat: FsStats): Promise<JournalEntry | undefined> {
    const journal = this.journal(layout, bucket, key);
    const known = matching(journal.entries.get(key), stat);
    if (known) return known;
    if (journal.reading) {
      // Many lookups of one folder start together (a listing's batch): one read serves them.
      await journal.reading;
      const read = matching(journal.entries.get(key), stat);
      if (read) return read;
    }
    await this.readOn(layout, journal);
    return matching(journal.entries.get(key), stat);
  }

  /** The entry for exactly the version `stat` of `bucket/key` if this process already holds it (no I/O). */
  known(layout: Layout, bucket: string, key: string, stat: FsStats): JournalEntry | undefined {
    return matching(this.journal(layout, bucket, key).entries.get(key), stat);
  }

  /**
   * Another key of the folder holding `key` that this process has a record of (looked for among a
   * few), so a delete can tell with one `lstat` that the folder is not empty. `undefined` if none.
   */
  sibling(layout: Layout, bucket: string, key: string): string | undefined {
    const folder = folderOf(key);
    let looked = 0;
    for (const other of this.journal(layout, bucket, key).entries.keys()) {
      if (other !== key && other.startsWith(folder) && isKeySegment(other.slice(folder.length))) return other;
      if (++looked >= 8) return undefined;
    }
    return undefined;
  }

  /**
   * Appends the record of the file version `stat` (a temporary about to be renamed to `key`, or a
   * file just read) in one write, so a crash leaves a line whole or absent. Best effort for a
   * foreign digest (the store may be read-only); a write's own record fails the write.
   */
  async append(layout: Layout, bucket: string, key: string, stat: FsStats, entryOf: Omit<JournalEntry, 'ino' | 'born'>): Promise<void> {
    const journal = this.journal(layout, bucket, key);
    const entry: JournalEntry = { ino: stat.ino, born: versionStamp(stat), ...entryOf, record: lean(entryOf.record) };
    // Delete notes waiting for this journal go out in the same write.
    const notes = this.notes.get(journal) ?? '';
    this.notes.delete(journal);
    await this.write(journal, notes + encodeLine(key, entry));
    // Counted now, and again when this process reads it back: that only brings compaction forward.
    journal.lines++;
    if (journal.fileIno === -1) {
      // A journal this process has not read: it holds none of its entries (a process that only
      // writes keeps nothing per object), and reads it once enough lines went by to be worth compacting.
      if (journal.lines > COMPACT_SLACK) await this.readOn(layout, journal);
      return;
    }
    const before = journal.entries.size;
    chain(journal.entries, key, entry);
    this.held += journal.entries.size - before;
    this.evict(journal);
    if (this.wasteful(journal)) await this.compact(layout, journal);
  }

  /**
   * Notes that the version `stat` of `key` was deleted: every process that reads the note drops the
   * key, so garbage is counted as garbage wherever the journal is read, and compacted. Notes are
   * written with the journal's next line, or once the event loop turns, a write per journal for
   * all the deletes in between: a note lost in a crash only leaves a line counted as live until
   * the next compaction.
   */
  async deleted(layout: Layout, bucket: string, key: string, stat: FsStats): Promise<void> {
    const journal = this.journal(layout, bucket, key);
    const line = JSON.stringify({ k: key, i: stat.ino, b: versionStamp(stat), x: 1 } satisfies Pick<JournalLine, 'k' | 'i' | 'b' | 'x'>);
    this.notes.set(journal, `${this.notes.get(journal) ?? ''}${line}\n`);
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => {
        this.flushing = false;
        this.writeNotes().catch(() => undefined);
      });
    }
    if (unchain(journal.entries, key, stat.ino, versionStamp(stat))) this.held--;
    journal.lines++;
    if (this.wasteful(journal)) await this.compact(layout, journal);
  }

  /** Writes the delete notes waiting, one write per journal. */
  private async writeNotes(): Promise<void> {
    for (const [journal, notes] of this.notes) {
      this.notes.delete(journal);
      // A journal of a bucket removed meanwhile fails here (its folder is gone): nothing to note.
      await this.write(journal, notes).catch(() => undefined);
    }
  }

  /** Appends `line` in one write (a line is whole or absent after a crash). */
  private async write(journal: FolderJournal, line: string): Promise<void> {
    const handle = await this.fs.open(journal.file, 'a');
    try {
      await handle.write(Buffer.from(line));
    } finally {
      await handle.close();
    }
  }

  /**
   * Rewrites the journal `id` of `bucket` with only the lines of versions that still exist (each
   * key's file is statted): a temporary renamed over the journal. Lines another process appends
   * meanwhile may be lost with the old file; they were a cache.
   */
  async compactById(layout: Layout, bucket: string, id: string): Promise<void> {
    const journal = this.byId(layout, bucket, id);
    await this.compact(layout, journal);
  }

  /** Forgets what was read of `bucket`'s journals (the bucket was removed). */
  forgetBucket(bucket: string): void {
    for (const [name, journal] of this.folders) {
      if (journal.bucket !== bucket) continue;
      this.held -= journal.entries.size;
      journal.dropped = true;
      this.folders.delete(name);
      this.notes.delete(journal);
    }
  }

  private journal(layout: Layout, bucket: string, key: string): FolderJournal {
    // Keys come a folder at a time (a listing, a batch of puts): the last folder's journal is reused
    // without hashing its name again.
    const end = key.lastIndexOf('/') + 1;
    const last = this.last;
    if (last && last.bucket === bucket && last.folder.length === end && !last.journal.dropped && key.startsWith(last.folder)) {
      return last.journal;
    }
    const folder = key.slice(0, end);
    const journal = this.byId(layout, bucket, journalId(folder));
    this.last = { bucket, folder, journal };
    return journal;
  }

  private byId(layout: Layout, bucket: string, id: string): FolderJournal {
    const name = `${bucket}/${id}`;
    let journal = this.folders.get(name);
    if (journal) {
      // Most recently used last.
      this.folders.delete(name);
    } else {
      journal = { bucket, id, file: layout.journalPath(bucket, id), fileIno: -1, offset: 0, lines: 0, entries: new Map() };
    }
    this.folders.set(name, journal);
    return journal;
  }

  private evict(keep: FolderJournal): void {
    for (const [name, journal] of this.folders) {
      if (this.held <= HELD_ENTRIES) return;
      if (journal === keep) continue;
      this.held -= journal.entries.size;
      journal.dropped = true;
      this.folders.delete(name);
    }
  }

  private reset(journal: FolderJournal, fileIno: number): void {
    this.held -= journal.entries.size;
    journal.entries.clear();
    journal.fileIno = fileIno;
    journal.offset = 0;
    journal.lines = 0;
  }

  /** Reads the lines appended since this process last read the journal (all of it if it was rewritten). */
  private async readOn(layout: Layout, journal: FolderJournal): Promise<void> {
    while (journal.reading) await journal.reading;
    const reading = this.readFile(journal);
    journal.reading = reading.catch(() => undefined);
    try {
      await reading;
    } finally {
      journal.reading = undefined;
    }
    // Compacted beside the caller's work: a failure costs nothing but the garbage staying.
    if (this.wasteful(journal)) this.compact(layout, journal).catch(() => undefined);
  }

  private async readFile(journal: FolderJournal): Promise<void> {
    let handle: Awaited<ReturnType<FsPromises['open']>>;
    try {
      handle = await this.fs.open(journal.file, 'r');
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') throw error;
      if (journal.fileIno !== 0) this.reset(journal, 0);
      return;
    }
    try {
      const stat = await handle.stat();
      if (stat.ino !== journal.fileIno || stat.size < journal.offset) this.reset(journal, stat.ino);
      const length = stat.size - journal.offset;
      if (length === 0) return;
      const buffer = Buffer.allocUnsafe(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(buffer, filled, length - filled, journal.offset + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      // A line without its newline is still being written: it is read next time.
      const end = buffer.lastIndexOf(10, filled - 1);
      if (end < 0) return;
      this.parse(journal, buffer.toString('utf8', 0, end));
      journal.offset += end + 1;
    } finally {
      await handle.close();
    }
  }

  private parse(journal: FolderJournal, text: string): void {
    const before = journal.entries.size;
    for (let start = 0; start < text.length; ) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      if (end > start) {
        const line = decodeLine(text.slice(start, end));
        journal.lines++;
        if (line?.entry) chain(journal.entries, line.key, line.entry);
        else if (line?.gone) unchain(journal.entries, line.key, line.gone.ino, line.gone.born);
      }
      start = end + 1;
    }
    this.held += journal.entries.size - before;
    this.evict(journal);
  }

  /** Whether the journal holds so many lines of versions that are gone that it should be rewritten. */
  private wasteful(journal: FolderJournal): boolean {
    return journal.lines > COMPACT_RATIO * journal.entries.size + COMPACT_SLACK && !this.compacting.has(journal);
  }

  private async compact(layout: Layout, journal: FolderJournal): Promise<void> {
    if (this.compacting.has(journal)) return;
    this.compacting.add(journal);
    try {
      this.notes.delete(journal); // the rewrite drops the deleted versions' lines themselves
      await this.readOn(layout, journal);
      const kept: string[] = [];
      for (const [key, entry] of journal.entries) {
        const segments = key.split('/');
        if (!segments.every(isKeySegment)) continue; // never a path outside the bucket, whatever the file says
        const stat = await this.fs.lstat(layout.objectPath(journal.bucket, segments)).catch(() => undefined);
        const live = stat?.isFile() ? matching(entry, stat) : undefined;
        if (live) kept.push(encodeLine(key, live));
      }
      const temp = layout.tempPath(journal.bucket);
      await this.fs.writeFile(temp, kept.join(''));
      try {
        await this.fs.rename(temp, journal.file);
      } catch (error) {
        await this.fs.unlink(temp).catch(() => undefined);
        throw error;
      }
      // Read afresh next time: the new file has another inode.
      this.reset(journal, -1);
    } finally {
      this.compacting.delete(journal);
    }
  }
}
