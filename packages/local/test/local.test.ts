import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import fsPromises, { mkdtemp, mkdir, open, readFile, readdir, rm, symlink, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { codeOf } from '@stowage/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isStorageError } from '@stowage/core';
import { LocalStorage } from '@stowage/local';
import { deadJournalLines, journalLines, recordFiles } from './fixtures/store-files.js';

let base: string;
let root: string;
let outside: string;
let storage: LocalStorage;

/** Every file and folder below `dir`, relative, sorted. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String).sort();
}

beforeEach(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'stowage-local-'));
  root = path.join(base, 'root');
  outside = path.join(base, 'outside');
  await mkdir(outside);
  await writeFile(path.join(outside, 'secret'), 'do not touch');
  storage = new LocalStorage({ root });
  await storage.createBucket('docs');
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('LocalStorage layout', () => {
  it('stores an ordinary key as the plain file of that path, holding exactly its bytes', async () => {
    await storage.putObject('docs', 'guides/intro.txt', 'hello, disk', { contentType: 'text/plain' });
    expect(await readFile(path.join(root, 'docs', 'guides', 'intro.txt'), 'utf8')).toBe('hello, disk');
    expect(await tree(path.join(root, 'docs'))).toEqual(['guides', path.join('guides', 'intro.txt')]);
  });

  it('keeps headers and metadata outside the bucket folder, durable across instances', async () => {
    await storage.putObject('docs', 'a.txt', 'x', { contentType: 'text/plain', metadata: { owner: 'ana' } });
    const reopened = new LocalStorage({ root });
    const info = await reopened.headObject('docs', 'a.txt');
    expect(info.contentType).toBe('text/plain');
    expect(info.metadata).toEqual({ owner: 'ana' });
    expect(await tree(path.join(root, 'docs'))).toEqual(['a.txt']);
  });

  it('lists a file put into the tree by hand, with the digest of its bytes as ETag (the same a put of those bytes gives)', async () => {
    await writeFile(path.join(root, 'docs', 'by-hand.txt'), 'abc');
    const keys: string[] = [];
    for await (const entry of storage.listObjects('docs')) if (entry.type === 'object') keys.push(entry.key);
    expect(keys).toEqual(['by-hand.txt']);
    const info = await storage.headObject('docs', 'by-hand.txt');
    expect(info.etag).toBe((await storage.putObject('docs', 'same-bytes', 'abc')).etag);
    expect(await (await storage.getObject('docs', 'by-hand.txt')).text()).toBe('abc');
  });

  it('reports ChecksumMismatch on a full read of a file edited in place behind its back', async () => {
    await storage.putObject('docs', 'edited.txt', 'original', { metadata: { m: '1' } });
    await writeFile(path.join(root, 'docs', 'edited.txt'), 'tampered');
    await expect((await storage.getObject('docs', 'edited.txt')).bytes()).rejects.toSatisfy((e: unknown) =>
      isStorageError(e, 'ChecksumMismatch'),
    );
    // A range cannot be checked, and is served as it is.
    expect(await (await storage.getObject('docs', 'edited.txt', { range: { offset: 0, length: 3 } })).text()).toBe('tam');
    await writeFile(path.join(root, 'docs', 'edited.txt'), 'shorter');
    expect(await codeOf(storage.getObject('docs', 'edited.txt'))).toBe('ChecksumMismatch');
    expect(await codeOf(storage.copyObject({ bucket: 'docs', key: 'edited.txt' }, { bucket: 'docs', key: 'copy.txt' }))).toBe(
      'ChecksumMismatch',
    );
    expect(await codeOf(storage.headObject('docs', 'copy.txt'))).toBe('NoSuchKey');
  });

  it('reports ChecksumMismatch for an object put with no attributes too (its record is in the journal only)', async () => {
    await storage.putObject('docs', 'plain.txt', 'original');
    expect(await recordFiles(fsPromises, root, 'docs')).toEqual([]);
    await writeFile(path.join(root, 'docs', 'plain.txt'), 'tampered');
    await expect((await new LocalStorage({ root }).getObject('docs', 'plain.txt')).bytes()).rejects.toSatisfy((e: unknown) =>
      isStorageError(e, 'ChecksumMismatch'),
    );
  });

  it('reads a store of the earlier layout (a record file per object, no journal) and notes its records in the journal', async () => {
    await storage.putObject('docs', 'old/attrs.txt', 'with', { metadata: { m: '1' } });
    const plain = await storage.putObject('docs', 'old/plain.txt', 'plain');
    // The earlier layout: every object had a record file, and there were no journals.
    const stat = await fsPromises.stat(path.join(root, 'docs', 'old', 'plain.txt'));
    const born = stat.birthtimeMs > 0 ? stat.birthtimeMs : stat.mtimeMs;
    const record = { v: 2, size: 5, digest: plain.etag.slice(1, -1), headers: { contentType: 'text/old' }, metadata: {} };
    await writeFile(path.join(root, '.stowage', 'meta', 'docs', `${stat.ino}-${born}.json`), JSON.stringify(record));
    for (const name of await readdir(path.join(root, '.stowage', 'meta', 'docs'))) {
      if (name.endsWith('.log')) await rm(path.join(root, '.stowage', 'meta', 'docs', name));
    }
    const earlier = new LocalStorage({ root });
    const listed: Record<string, unknown> = {};
    for await (const entry of earlier.listObjects('docs', { prefix: 'old/' })) {
      if (entry.type === 'object') listed[entry.key] = { etag: entry.etag, contentType: entry.contentType, metadata: entry.metadata };
    }
    expect(listed).toEqual({
      'old/attrs.txt': { etag: expect.stringMatching(/^"[0-9a-f]{32}"$/), contentType: 'application/octet-stream', metadata: { m: '1' } },
      'old/plain.txt': { etag: plain.etag, contentType: 'text/old', metadata: {} },
    });
    expect(await journalLines(fsPromises, root, 'docs')).toBe(2);
    // A delete of an object with a record file removes that file too.
    await earlier.deleteObject('docs', 'old/plain.txt');
    await earlier.deleteObject('docs', 'old/attrs.txt');
    expect(await recordFiles(fsPromises, root, 'docs')).toEqual([]);
  });

  it('sees what another instance on the same root (another process) puts, overwrites and deletes', async () => {
    const other = new LocalStorage({ root });
    expect(await codeOf(other.headObject('docs', 'shared/k'))).toBe('NoSuchKey');
    const first = await storage.putObject('docs', 'shared/k', 'one');
    expect((await other.headObject('docs', 'shared/k')).etag).toBe(first.etag);
    const second = await storage.putObject('docs', 'shared/k', 'two!', { contentType: 'text/plain', metadata: { n: '2' } });
    expect(await other.headObject('docs', 'shared/k')).toMatchObject({
      etag: second.etag,
      size: 4,
      contentType: 'text/plain',
      metadata: { n: '2' },
    });
    const third = await other.putObject('docs', 'shared/k', 'three');
    expect(await storage.headObject('docs', 'shared/k')).toMatchObject({ etag: third.etag, size: 5, metadata: {} });
    await other.deleteObject('docs', 'shared/k');
    expect(await codeOf(storage.headObject('docs', 'shared/k'))).toBe('NoSuchKey');
    const keys: string[] = [];
    for await (const entry of storage.listObjects('docs', { prefix: 'shared/' })) if (entry.type === 'object') keys.push(entry.key);
    expect(keys).toEqual([]);
  });

  it('removes folders a delete leaves empty, so the tree stays tidy', async () => {
    await storage.putObject('docs', 'a/b/c.txt', 'x');
    await storage.deleteObject('docs', 'a/b/c.txt');
    expect(await tree(path.join(root, 'docs'))).toEqual([]);
    await storage.deleteBucket('docs');
  });

  it('removes a folder emptied by deletes from two instances (processes) that each knew of the other key', async () => {
    const other = new LocalStorage({ root });
    for (const [first, second] of [
      [storage, other],
      [other, storage],
    ] as const) {
      await storage.putObject('docs', 'shared/x', 'x');
      await other.putObject('docs', 'shared/y', 'y');
      // Each instance now holds both keys' records: each delete finds the other key first.
      await storage.headObject('docs', 'shared/y');
      await other.headObject('docs', 'shared/x');
      await first.deleteObject('docs', 'shared/x'); // shared/y is there: the folder stays
      expect(await tree(path.join(root, 'docs'))).toEqual(['shared', path.join('shared', 'y')]);
      await second.deleteObject('docs', 'shared/y'); // shared/x is gone: the folder is removed
      expect(await tree(path.join(root, 'docs'))).toEqual([]);
    }
  });

  it('keeps keys that differ only in Unicode normalisation apart', async () => {
    const nfc = 'caf\u00e9';
    const nfd = 'cafe\u0301';
    await storage.putObject('docs', nfc, 'composed');
    await storage.putObject('docs', nfd, 'decomposed');
    expect(await (await storage.getObject('docs', nfc)).text()).toBe('composed');
    expect(await (await storage.getObject('docs', nfd)).text()).toBe('decomposed');
  });
});

describe('LocalStorage never leaves its root', () => {
  const refused = [
    '../outside/secret',
    '../../etc/passwd',
    'a/../../outside/secret',
    '/etc/passwd',
    './a',
    'a/./b',
    'a//b',
    'a//',
    'nul\u0000byte',
    `${'x'.repeat(256)}/y`,
  ];
  for (const key of refused) {
    it(`refuses ${JSON.stringify(key.slice(0, 40))} with InvalidKey on every operation, touching nothing`, async () => {
      const before = await tree(base);
      expect(await codeOf(storage.putObject('docs', key, 'evil'))).toBe('InvalidKey');
      expect(await codeOf(storage.getObject('docs', key))).toBe('InvalidKey');
      expect(await codeOf(storage.headObject('docs', key))).toBe('InvalidKey');
      expect(await codeOf(storage.deleteObject('docs', key))).toBe('InvalidKey');
      expect(await codeOf(storage.copyObject({ bucket: 'docs', key }, { bucket: 'docs', key: 'ok' }))).toBe('InvalidKey');
      expect(await tree(base)).toEqual(before);
      expect(await readFile(path.join(outside, 'secret'), 'utf8')).toBe('do not touch');
    });
  }

  it('accepts a backslash as an ordinary character on POSIX (it is not a separator there)', async () => {
    if (process.platform === 'win32') return;
    await storage.putObject('docs', '..\\outside\\secret', 'inside');
    expect(await readFile(path.join(root, 'docs', '..\\outside\\secret'), 'utf8')).toBe('inside');
    expect(await readFile(path.join(outside, 'secret'), 'utf8')).toBe('do not touch');
  });

  it('refuses to write, read or delete through a symbolic link planted inside the root', async () => {
    await symlink(outside, path.join(root, 'docs', 'link'));
    expect(await codeOf(storage.putObject('docs', 'link/new', 'evil'))).toBe('InvalidKey');
    expect(await codeOf(storage.putObject('docs', 'link/deeper/new', 'evil'))).toBe('InvalidKey');
    expect(await codeOf(storage.getObject('docs', 'link/secret'))).toBe('InvalidKey');
    expect(await codeOf(storage.headObject('docs', 'link/secret'))).toBe('InvalidKey');
    expect(await codeOf(storage.deleteObject('docs', 'link/secret'))).toBe('InvalidKey');
    expect(await readdir(outside)).toEqual(['secret']);
    expect(await readFile(path.join(outside, 'secret'), 'utf8')).toBe('do not touch');
  });

  it('refuses to write through a folder swapped for a symbolic link after the driver has seen it', async () => {
    await storage.putObject('docs', 'swapped/deeper/first', 'fine'); // both folders now known to the driver
    await rm(path.join(root, 'docs', 'swapped'), { recursive: true });
    await symlink(outside, path.join(root, 'docs', 'swapped'));
    expect(await codeOf(storage.putObject('docs', 'swapped/second', 'evil'))).toBe('InvalidKey');
    await mkdir(path.join(outside, 'deeper'));
    expect(await codeOf(storage.putObject('docs', 'swapped/deeper/third', 'evil'))).toBe('InvalidKey');
    await storage.putObject('docs', 'source', 'data');
    expect(await codeOf(storage.copyObject({ bucket: 'docs', key: 'source' }, { bucket: 'docs', key: 'swapped/copy' }))).toBe('InvalidKey');
    expect((await readdir(outside)).sort()).toEqual(['deeper', 'secret']);
    expect(await readdir(path.join(outside, 'deeper'))).toEqual([]);
  });

  it('does not follow a symbolic link planted as an object, nor list one', async () => {
    await symlink(path.join(outside, 'secret'), path.join(root, 'docs', 'leak'));
    expect(await codeOf(storage.getObject('docs', 'leak'))).toBe('NoSuchKey');
    expect(await codeOf(storage.headObject('docs', 'leak'))).toBe('NoSuchKey');
    const entries = [];
    for await (const entry of storage.listObjects('docs')) entries.push(entry);
    expect(entries).toEqual([]);
    // Overwriting the key replaces the link itself, never the file it points to.
    await storage.putObject('docs', 'leak', 'mine');
    expect(await readFile(path.join(outside, 'secret'), 'utf8')).toBe('do not touch');
    expect(await (await storage.getObject('docs', 'leak')).text()).toBe('mine');
  });

  it('does not treat a symbolic link in the root as a bucket', async () => {
    await symlink(outside, path.join(root, 'escape'));
    expect(await storage.bucketExists('escape')).toBe(false);
    expect(await codeOf(storage.getObject('escape', 'secret'))).toBe('NoSuchBucket');
    expect(await codeOf(storage.putObject('escape', 'x', 'evil'))).toBe('NoSuchBucket');
    expect((await storage.listBuckets()).map((b) => b.name)).toEqual(['docs']);
    expect(await readdir(outside)).toEqual(['secret']);
  });

  it('lists nothing under a prefix that runs through a symbolic link', async () => {
    await symlink(outside, path.join(root, 'docs', 'link'));
    const entries = [];
    for await (const entry of storage.listObjects('docs', { prefix: 'link/' })) entries.push(entry);
    expect(entries).toEqual([]);
  });
});

describe('LocalStorage writes atomically', () => {
  it('leaves no temporary file after a put whose body fails midway, and keeps the old version', async () => {
    await storage.putObject('docs', 'k', 'old', { metadata: { v: '1' } });
    async function* failing() {
      yield Buffer.from('new-');
      throw new Error('source broke');
    }
    expect(await codeOf(storage.putObject('docs', 'k', failing(), { metadata: { v: '2' } }))).toBe('InvalidArgument');
    expect(await readdir(path.join(root, '.stowage', 'tmp'))).toEqual([]);
    const got = await storage.getObject('docs', 'k');
    expect(await got.text()).toBe('old');
    expect(got.info.metadata).toEqual({ v: '1' });
  });

  it('removes temporaries left by a writer that died, on the next open', async () => {
    // A temp named for a pid that cannot be alive (pids are below 2^22 on Linux).
    const dead = path.join(root, '.stowage', 'tmp', `99999999.docs.deadbeef`);
    await writeFile(dead, 'half-written');
    const reopened = new LocalStorage({ root });
    await reopened.listBuckets();
    expect(await readdir(path.join(root, '.stowage', 'tmp'))).toEqual([]);
  });

  it('gives a reader that opened the old version all of it, whatever writes happen meanwhile', async () => {
    const old = Buffer.alloc(3 * 1024 * 1024, 'a');
    await storage.putObject('docs', 'big', old);
    const reading = await storage.getObject('docs', 'big');
    await storage.putObject('docs', 'big', Buffer.alloc(1024, 'b'));
    await storage.deleteObject('docs', 'big');
    expect(Buffer.from(await reading.bytes()).equals(old)).toBe(true);
    expect(reading.info.size).toBe(old.length);
  });

  it('changes the ETag whenever the content changes, and only then', async () => {
    const first = await storage.putObject('docs', 'e', 'one');
    const same = await storage.putObject('docs', 'e', 'one', { metadata: { other: 'meta' } });
    const second = await storage.putObject('docs', 'e', 'two');
    expect(first.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(same.etag).toBe(first.etag);
    expect(second.etag).not.toBe(first.etag);
  });

  it('keeps at most one record per object however often it is overwritten', async () => {
    for (let i = 0; i < 20; i++) await storage.putObject('docs', 'o', `v${i}`, { metadata: { i: String(i) } });
    expect(await recordFiles(fsPromises, root, 'docs')).toHaveLength(1);
    expect((await storage.headObject('docs', 'o')).metadata).toEqual({ i: '19' });
  });

  it('notes deletes in the journal once the event loop turns, so other processes count those lines as garbage', async () => {
    for (let i = 0; i < 5; i++) await storage.putObject('docs', `notes/k${i}`, 'x');
    for (let i = 0; i < 5; i++) await storage.deleteObject('docs', `notes/k${i}`);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await journalLines(fsPromises, root, 'docs')).toBe(10); // five records, five notes
    expect(await deadJournalLines(fsPromises, root, 'docs')).toHaveLength(5);
  });

  it("compacts a folder's journal as overwrites and deletes leave lines of versions that are gone", async () => {
    for (let i = 0; i < 600; i++) await storage.putObject('docs', 'j/o', `v${i}`);
    for (let i = 0; i < 300; i++) {
      await storage.putObject('docs', `j/d${i}`, 'x');
      await storage.deleteObject('docs', `j/d${i}`);
    }
    // Without compaction: 1,200 lines, 1,199 of them garbage.
    expect(await journalLines(fsPromises, root, 'docs')).toBeLessThan(300);
    const other = new LocalStorage({ root }); // reads the compacted journal afresh
    expect(await other.headObject('docs', 'j/o')).toMatchObject({ etag: (await storage.headObject('docs', 'j/o')).etag, size: 4 });
    expect(Buffer.from(await (await other.getObject('docs', 'j/o')).bytes()).toString()).toBe('v599');
  });

  it('creates the root when it does not exist', async () => {
    const fresh = new LocalStorage({ root: path.join(base, 'new', 'deeper') });
    await fresh.createBucket('b1b');
    expect((await stat(path.join(base, 'new', 'deeper', 'b1b'))).isDirectory()).toBe(true);
  });
});

describe('LocalStorage caches only what it can check', () => {
  it('sees a file edited in place after its record was cached: ChecksumMismatch, never the old bytes', async () => {
    await storage.putObject('docs', 'c.txt', 'original', { metadata: { m: '1' } });
    expect((await storage.headObject('docs', 'c.txt')).metadata).toEqual({ m: '1' }); // cached now
    await writeFile(path.join(root, 'docs', 'c.txt'), 'tampered'); // same size, new mtime
    await expect((await storage.getObject('docs', 'c.txt')).bytes()).rejects.toSatisfy((e: unknown) =>
      isStorageError(e, 'ChecksumMismatch'),
    );
    await writeFile(path.join(root, 'docs', 'c.txt'), 'short');
    expect(await codeOf(storage.getObject('docs', 'c.txt'))).toBe('ChecksumMismatch');
    expect((await storage.headObject('docs', 'c.txt')).size).toBe(5);
  });

  it('sees overwrites and deletes made by another instance on the same root', async () => {
    const other = new LocalStorage({ root });
    await storage.putObject('docs', 'k', 'one', { metadata: { v: '1' } });
    expect((await storage.headObject('docs', 'k')).metadata).toEqual({ v: '1' });
    await other.putObject('docs', 'k', 'two', { metadata: { v: '2' } });
    const got = await storage.getObject('docs', 'k');
    expect(await got.text()).toBe('two');
    expect(got.info.metadata).toEqual({ v: '2' });
    await other.deleteObject('docs', 'k');
    expect(await codeOf(storage.headObject('docs', 'k'))).toBe('NoSuchKey');
  });

  it('makes a folder removed behind its back again on the next put', async () => {
    await storage.putObject('docs', 'a/b/one', '1');
    await rm(path.join(root, 'docs', 'a'), { recursive: true });
    await storage.putObject('docs', 'a/b/two', '2');
    expect(await (await storage.getObject('docs', 'a/b/two')).text()).toBe('2');
  });

  it('refuses a key whose known folder was replaced by a file behind its back', async () => {
    await storage.putObject('docs', 'x/one', '1');
    await rm(path.join(root, 'docs', 'x'), { recursive: true });
    await writeFile(path.join(root, 'docs', 'x'), 'a file now');
    expect(await codeOf(storage.putObject('docs', 'x/two', '2'))).toBe('InvalidKey');
    expect(await readFile(path.join(root, 'docs', 'x'), 'utf8')).toBe('a file now');
  });

  it('answers NoSuchBucket for a put into a bucket deleted behind its back', async () => {
    await storage.putObject('docs', 'top', '1');
    await storage.putObject('docs', 'in/folder', '1');
    const other = new LocalStorage({ root });
    await other.deleteObject('docs', 'top');
    await other.deleteObject('docs', 'in/folder');
    await other.deleteBucket('docs');
    expect(await codeOf(storage.putObject('docs', 'top', '2'))).toBe('NoSuchBucket');
    expect(await codeOf(storage.putObject('docs', 'in/folder', '2'))).toBe('NoSuchBucket');
    expect(await readdir(path.join(root, '.stowage', 'tmp'))).toEqual([]);
  });
});

describe('LocalStorage and the thread pool', () => {
  /** Holds `count` of the thread pool's threads: each opens a FIFO no one writes to, until `release`. */
  async function holdThreadPool(count: number): Promise<() => Promise<void>> {
    const fifo = path.join(base, 'pool.fifo');
    execFileSync('mkfifo', [fifo]);
    const readers = Array.from({ length: count }, () => open(fifo, 'r'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      // One writer lets every blocked open through (non-blocking: it never waits itself); then everything closes.
      const writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
      const handles = await Promise.all(readers);
      closeSync(writer);
      await Promise.all(handles.map((handle) => handle.close()));
    };
  }
  const settlesWithin = (work: Promise<unknown>, ms: number) =>
    Promise.race([work.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);

  it('answers small calls without waiting for the pool by default, and through it with io: "thread-pool"', async () => {
    const pooled = new LocalStorage({ root, io: 'thread-pool' });
    await storage.putObject('docs', 'a.txt', 'a');
    await pooled.headObject('docs', 'a.txt'); // both opened before the pool is taken
    const release = await holdThreadPool(Number(process.env.UV_THREADPOOL_SIZE ?? 4));
    try {
      expect(await settlesWithin(storage.headObject('docs', 'a.txt'), 2_000)).toBe(true);
      expect(
        await settlesWithin(
          storage.getObject('docs', 'a.txt').then((got) => got.text()),
          2_000,
        ),
      ).toBe(true);
      expect(await settlesWithin(storage.putObject('docs', 'b.txt', 'b'), 2_000)).toBe(true);
      const waiting = pooled.headObject('docs', 'a.txt');
      expect(await settlesWithin(waiting, 200)).toBe(false);
      await release();
      expect((await waiting).size).toBe(1);
    } finally {
      await release();
    }
  });

  it('refuses a FIFO put in the tree by hand at once, as no object, without waiting for a writer', async () => {
    execFileSync('mkfifo', [path.join(root, 'docs', 'pipe')]);
    for (const io of ['sync', 'thread-pool'] as const) {
      const store = new LocalStorage({ root, io });
      expect(await codeOf(store.getObject('docs', 'pipe'))).toBe('NoSuchKey');
      expect(await codeOf(store.headObject('docs', 'pipe'))).toBe('NoSuchKey');
    }
  });
});

describe('LocalStorage lets the event loop turn', () => {
  it('runs timers during a long run of small calls made one after another', async () => {
    await storage.putObject('docs', 'a.txt', 'a');
    let fired = false;
    setTimeout(() => {
      fired = true;
    }, 0);
    let callsBeforeTimer = 0;
    const started = performance.now();
    // Each head is a few synchronous calls; without a turn of the event loop the timer never fires.
    while (!fired && performance.now() - started < 2_000) {
      await storage.headObject('docs', 'a.txt');
      callsBeforeTimer++;
    }
    expect(fired).toBe(true);
    expect(performance.now() - started).toBeLessThan(500);
    expect(callsBeforeTimer).toBeGreaterThan(0);
  });
});
