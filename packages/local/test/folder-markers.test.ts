import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { codeOf } from '@stowage/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { isStorageError, type ListOptions, type Storage } from '@stowage/core';
import { LocalStorage, memoryVolume, type FileSystem } from '../src/index.js';
import { recordFiles } from './fixtures/store-files.js';
import fs from 'node:fs';

// Folder markers on the real disk and on memfs (capabilities.folderMarkers, without bodies).

const bases: string[] = [];
afterAll(() => Promise.all(bases.map((base) => rm(base, { recursive: true, force: true }))));

interface Target {
  storage: Storage;
  root: string;
  /** The file system the store lives on, for what a person does by hand. */
  fs: FileSystem;
}

const targets: Record<string, () => Promise<Target>> = {
  disk: async () => {
    const base = await mkdtemp(path.join(tmpdir(), 'stowage-markers-'));
    bases.push(base);
    return { storage: new LocalStorage({ root: base }), root: base, fs };
  },
  memfs: async () => {
    const volume = memoryVolume();
    return { storage: new LocalStorage({ root: '/store', fs: volume }), root: '/store', fs: volume };
  },
};

async function names(storage: Storage, bucket: string, options: ListOptions = {}): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of storage.listObjects(bucket, options)) out.push(entry.type === 'object' ? entry.key : `prefix:${entry.prefix}`);
  return out;
}

async function tree(target: Target, bucket: string): Promise<string[]> {
  const entries = await target.fs.promises.readdir(path.posix.join(target.root, bucket), { withFileTypes: true });
  return entries.map((entry) => `${entry.name}${entry.isDirectory() ? '/' : ''}`).sort();
}

for (const [name, make] of Object.entries(targets)) {
  describe(`folder markers (${name})`, () => {
    it('stores `photos/` (empty body) beside `photos/cat.jpg` and lists both as S3 does', async () => {
      const target = await make();
      const { storage } = target;
      await storage.createBucket('b1b');
      const put = await storage.putObject('b1b', 'photos/', '', { contentType: 'application/x-directory', metadata: { by: 'console' } });
      expect(put.size).toBe(0);
      await storage.putObject('b1b', 'photos/cat.jpg', 'meow');
      await storage.putObject('b1b', 'photos', 'x').catch(() => undefined); // a file of the folder's name cannot also be there
      await storage.putObject('b1b', 'z', 'z');

      const head = await storage.headObject('b1b', 'photos/');
      expect(head).toMatchObject({
        key: 'photos/',
        size: 0,
        etag: put.etag,
        contentType: 'application/x-directory',
        metadata: { by: 'console' },
      });
      const got = await storage.getObject('b1b', 'photos/');
      expect((await got.bytes()).byteLength).toBe(0);
      expect(got.info.etag).toBe(put.etag);

      expect(await names(storage, 'b1b')).toEqual(['photos/', 'photos/cat.jpg', 'z']);
      expect(await names(storage, 'b1b', { delimiter: '/' })).toEqual(['prefix:photos/', 'z']);
      expect(await names(storage, 'b1b', { prefix: 'photos/', delimiter: '/' })).toEqual(['photos/', 'photos/cat.jpg']);
      expect(await names(storage, 'b1b', { prefix: 'photos/' })).toEqual(['photos/', 'photos/cat.jpg']);
      expect(await names(storage, 'b1b', { prefix: 'pho' })).toEqual(['photos/', 'photos/cat.jpg']);
      expect(await names(storage, 'b1b', { startAfter: 'photos/' })).toEqual(['photos/cat.jpg', 'z']);
      expect(await names(storage, 'b1b', { startAfter: 'photos/', delimiter: '/' })).toEqual(['z']);
      const listed = [];
      for await (const entry of storage.listObjects('b1b', { prefix: 'photos/' })) listed.push(entry);
      expect(listed[0]).toMatchObject({ type: 'object', key: 'photos/', size: 0, etag: put.etag });

      // Deleting the object under the marker keeps the marker (and its folder).
      await storage.deleteObject('b1b', 'photos/cat.jpg');
      expect(await names(storage, 'b1b')).toEqual(['photos/', 'z']);
      expect(await names(storage, 'b1b', { delimiter: '/' })).toEqual(['prefix:photos/', 'z']);
      expect(await tree(target, 'b1b')).toEqual(['photos/', 'z']);

      // Deleting the marker removes its folder when nothing is left in it.
      await storage.deleteObject('b1b', 'photos/');
      expect(await names(storage, 'b1b')).toEqual(['z']);
      expect(await tree(target, 'b1b')).toEqual(['z']);
      expect(await codeOf(storage.headObject('b1b', 'photos/'))).toBe('NoSuchKey');
      await storage.deleteObject('b1b', 'photos/'); // deleting what is not there succeeds, as on S3
      await storage.deleteObject('b1b', 'z');
      await storage.deleteBucket('b1b');
    });

    it('keeps objects under a deleted marker, and nested markers each on their own', async () => {
      const { storage } = await make();
      await storage.createBucket('b2b');
      await storage.putObject('b2b', 'a/', '');
      await storage.putObject('b2b', 'a/b/', '');
      await storage.putObject('b2b', 'a/b/c', 'c');
      expect(await names(storage, 'b2b')).toEqual(['a/', 'a/b/', 'a/b/c']);
      expect(await names(storage, 'b2b', { prefix: 'a/', delimiter: '/' })).toEqual(['a/', 'prefix:a/b/']);
      await storage.deleteObject('b2b', 'a/');
      expect(await names(storage, 'b2b')).toEqual(['a/b/', 'a/b/c']);
      await storage.deleteObject('b2b', 'a/b/c');
      expect(await names(storage, 'b2b')).toEqual(['a/b/']);
      expect(await codeOf(storage.deleteBucket('b2b'))).toBe('BucketNotEmpty');
      expect(await names(storage, 'b2b', { delimiter: '/' })).toEqual(['prefix:a/']);
      await storage.deleteObject('b2b', 'a/b/');
      expect(await names(storage, 'b2b')).toEqual([]);
      await storage.deleteBucket('b2b');
    });

    it('a folder that is no marker (made for a key, or by hand) lists nothing of its own and reads NoSuchKey', async () => {
      const target = await make();
      const { storage } = target;
      await storage.createBucket('b3b');
      await storage.putObject('b3b', 'dir/file', 'f');
      expect(await codeOf(storage.headObject('b3b', 'dir/'))).toBe('NoSuchKey');
      expect(await codeOf(storage.getObject('b3b', 'dir/'))).toBe('NoSuchKey');
      await target.fs.promises.mkdir(path.posix.join(target.root, 'b3b', 'by-hand'));
      await target.fs.promises.writeFile(path.posix.join(target.root, 'b3b', 'by-hand', 'note.txt'), 'hand');
      expect(await names(storage, 'b3b')).toEqual(['by-hand/note.txt', 'dir/file']);
      expect(await (await storage.getObject('b3b', 'by-hand/note.txt')).text()).toBe('hand');
      // A marker put on a folder made by hand makes it one, without touching what is in it.
      await storage.putObject('b3b', 'by-hand/', '');
      expect(await names(storage, 'b3b')).toEqual(['by-hand/', 'by-hand/note.txt', 'dir/file']);
    });

    it('refuses a body under a marker key with InvalidKey saying why, and leaves nothing behind', async () => {
      const target = await make();
      const { storage } = target;
      await storage.createBucket('b4b');
      const refused = async (body: Parameters<Storage['putObject']>[2]) => {
        try {
          await storage.putObject('b4b', 'photos/', body);
        } catch (error) {
          expect(isStorageError(error, 'InvalidKey')).toBe(true);
          expect((error as Error).message).toMatch(/folder marker.*body must be empty/);
          return;
        }
        throw new Error('a marker with a body was stored');
      };
      await refused('not empty');
      await refused(Buffer.from([0]));
      // A stream that only shows bytes after empty chunks: refused at the first byte.
      let pulled = 0;
      async function* late() {
        yield new Uint8Array(0);
        pulled++;
        yield Buffer.from('late bytes');
        pulled++;
        yield Buffer.from('never read');
      }
      await refused(late());
      expect(pulled).toBe(1);
      await refused(Readable.from([Buffer.alloc(0), Buffer.from('x')]));
      expect(await tree(target, 'b4b')).toEqual([]);
      expect(await names(storage, 'b4b')).toEqual([]);
      const tmp = await target.fs.promises.readdir(path.posix.join(target.root, '.stowage', 'tmp'), { withFileTypes: true });
      expect(tmp).toEqual([]);
      // An empty stream is a marker.
      await storage.putObject('b4b', 'photos/', Readable.from([Buffer.alloc(0)]));
      expect((await storage.headObject('b4b', 'photos/')).size).toBe(0);
    });

    it('copies a marker to a key and to another marker; an empty object to a marker; refuses a non-empty one', async () => {
      const { storage } = await make();
      await storage.createBucket('b5b');
      const marker = await storage.putObject('b5b', 'm/', '', { metadata: { k: 'v' } });
      const toFile = await storage.copyObject({ bucket: 'b5b', key: 'm/' }, { bucket: 'b5b', key: 'file' });
      expect(toFile).toEqual({ etag: marker.etag, size: 0 });
      expect((await storage.headObject('b5b', 'file')).metadata).toEqual({ k: 'v' });
      await storage.copyObject({ bucket: 'b5b', key: 'm/' }, { bucket: 'b5b', key: 'n/' }, { metadata: { other: '1' } });
      expect((await storage.headObject('b5b', 'n/')).metadata).toEqual({ other: '1' });
      await storage.copyObject({ bucket: 'b5b', key: 'file' }, { bucket: 'b5b', key: 'o/' });
      await storage.putObject('b5b', 'full', 'bytes');
      expect(await codeOf(storage.copyObject({ bucket: 'b5b', key: 'full' }, { bucket: 'b5b', key: 'p/' }))).toBe('InvalidKey');
      expect(await codeOf(storage.copyObject({ bucket: 'b5b', key: 'm/' }, { bucket: 'b5b', key: 'x' }, { sourceIfMatch: '"nope"' }))).toBe(
        'PreconditionFailed',
      );
      expect(await names(storage, 'b5b')).toEqual(['file', 'full', 'm/', 'n/', 'o/']);
    });

    it('keeps conditional puts on markers: ifNoneMatch * once, ifMatch on the current ETag', async () => {
      const { storage } = await make();
      await storage.createBucket('b6b');
      const first = await storage.putObject('b6b', 'c/', '', { ifNoneMatch: '*' });
      expect(await codeOf(storage.putObject('b6b', 'c/', '', { ifNoneMatch: '*' }))).toBe('PreconditionFailed');
      expect(await codeOf(storage.putObject('b6b', 'c/', '', { ifMatch: '"other"' }))).toBe('PreconditionFailed');
      await storage.putObject('b6b', 'c/', '', { ifMatch: first.etag, metadata: { v: '2' } });
      expect((await storage.headObject('b6b', 'c/')).metadata).toEqual({ v: '2' });
      expect(await codeOf(storage.putObject('b6b', 'd/', '', { ifMatch: first.etag }))).toBe('PreconditionFailed');
    });

    it('a marker put by another instance on a folder this one saw unmarked survives this one emptying it', async () => {
      const target = await make();
      const { storage } = target;
      // A second store on the same root: its own locks and memory, as another process has.
      const other = name === 'disk' ? new LocalStorage({ root: target.root }) : new LocalStorage({ root: target.root, fs: target.fs });
      await storage.createBucket('b8b');
      await storage.putObject('b8b', 'f/a', 'a');
      await storage.putObject('b8b', 'f/b', 'b');
      await storage.deleteObject('b8b', 'f/a'); // this store now knows f is no marker
      const marker = await other.putObject('b8b', 'f/', '', { metadata: { by: 'other' } });
      await storage.deleteObject('b8b', 'f/b'); // empties f: removed, the marker's record found, f made again
      for (const store of [storage, other]) {
        expect(await store.headObject('b8b', 'f/')).toMatchObject({ size: 0, etag: marker.etag, metadata: { by: 'other' } });
        expect(await names(store, 'b8b')).toEqual(['f/']);
      }
      await other.deleteObject('b8b', 'f/');
      expect(await tree(target, 'b8b')).toEqual([]);
      expect(await recordFiles(target.fs.promises, target.root, 'b8b')).toEqual([]);
    });

    it('a marker and a file of the same name cannot both exist (fileAndFolderKeys is false): InvalidKey', async () => {
      const { storage } = await make();
      await storage.createBucket('b7b');
      await storage.putObject('b7b', 'f', 'file');
      expect(await codeOf(storage.putObject('b7b', 'f/', ''))).toBe('InvalidKey');
      await storage.putObject('b7b', 'g/', '');
      expect(await codeOf(storage.putObject('b7b', 'g', 'file'))).toBe('InvalidKey');
      expect(await names(storage, 'b7b')).toEqual(['f', 'g/']);
    });
  });
}

describe('folder markers on the disk', () => {
  it('keep their ETag, headers and metadata across instances; a hand-made empty folder is no marker', async () => {
    const base = await mkdtemp(path.join(tmpdir(), 'stowage-markers-'));
    bases.push(base);
    const open = () => new LocalStorage({ root: base });
    const put = await open()
      .createBucket('keep')
      .then(() => open().putObject('keep', 'x/', '', { metadata: { a: 'b' } }));
    const info = await open().headObject('keep', 'x/');
    expect(info).toMatchObject({ etag: put.etag, metadata: { a: 'b' }, size: 0 });
    expect((await stat(path.join(base, 'keep', 'x'))).isDirectory()).toBe(true);
    await mkdir(path.join(base, 'keep', 'empty-by-hand'));
    await writeFile(path.join(base, 'keep', 'y'), 'y');
    expect(await names(open(), 'keep')).toEqual(['x/', 'y']);
    expect(await readdir(path.join(base, 'keep'))).toContain('empty-by-hand');
  });
});
