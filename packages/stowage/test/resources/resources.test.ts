import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Bucket, StoredObject, isStorageError, resource, type Storage } from '@stowage/core';
import { MemoryStorage } from '@stowage/memory';
import { rejection, thrown } from '../helpers/errors.js';
import { DRIVERS } from '../helpers/drivers.js';

describe.each(DRIVERS)('resources on $name', (driver) => {
  let storage: Storage;
  let close: () => Promise<void>;
  let photos: Bucket;

  beforeEach(async () => {
    ({ storage, close } = await driver.open());
    photos = await new Bucket(storage, 'photos').create();
  });
  afterEach(async () => {
    await close();
  });

  it('identifies a bucket by storage and name, checking the name before any I/O', () => {
    expect(photos.storage).toBe(storage);
    expect(photos.name).toBe('photos');
    expect(
      isStorageError(
        thrown(() => new Bucket(storage, 'No_Such')),
        'InvalidBucketName',
      ),
    ).toBe(true);
  });

  it('creates, checks and deletes buckets', async () => {
    const b = new Bucket(storage, 'backups');
    expect(await b.exists()).toBe(false);
    await b.create();
    expect(await b.exists()).toBe(true);
    expect(isStorageError(await rejection(b.create()), 'BucketAlreadyExists')).toBe(true);
    await b.delete();
    expect(await b.exists()).toBe(false);
    expect(isStorageError(await rejection(b.delete()), 'NoSuchBucket')).toBe(true);
  });

  it('refuses to delete a bucket with objects unless forced, then empties it in batches', async () => {
    const keys = Array.from({ length: 1005 }, (_, i) => `k/${String(i).padStart(4, '0')}`);
    for (const key of keys) await storage.putObject('photos', key, 'x');
    expect(isStorageError(await rejection(photos.delete()), 'BucketNotEmpty')).toBe(true);
    await photos.delete({ force: true });
    expect(await photos.exists()).toBe(false);
  }, 120_000);

  it('iterates every bucket, like s3.buckets.all()', async () => {
    await new Bucket(storage, 'archive').create();
    const all: Bucket[] = [];
    for await (const b of resource(storage).buckets.all()) all.push(b);
    expect(all.map((b) => b.name).sort()).toEqual(['archive', 'photos']);
    expect(all.every((b) => b instanceof Bucket && b.storage === storage)).toBe(true);
    if (storage.capabilities.bucketCreatedAt) expect(all[0]?.createdAt).toBeInstanceOf(Date);
  });

  it('load() sets every attribute; reading one before says to call load()', async () => {
    const cat = photos.object('cats/cat.jpg');
    expect(cat.bucket).toBe('photos');
    expect(cat.key).toBe('cats/cat.jpg');
    const error = thrown(() => cat.size);
    expect(isStorageError(error, 'InvalidArgument')).toBe(true);
    expect((error as Error).message).toMatch(/size of photos\/cats\/cat\.jpg is not loaded.*load\(\)/);

    const put = await cat.put('meow', {
      contentType: 'image/jpeg',
      cacheControl: 'max-age=60',
      contentLanguage: 'en',
      metadata: { Owner: 'Tom' },
    });
    expect(cat.loaded).toBe(false);
    await cat.load();
    expect(cat.loaded).toBe(true);
    expect(cat.size).toBe(4);
    expect(cat.etag).toBe(put.etag);
    expect(cat.lastModified).toBeInstanceOf(Date);
    expect(cat.contentType).toBe('image/jpeg');
    expect(cat.cacheControl).toBe('max-age=60');
    expect(cat.contentLanguage).toBe('en');
    expect(cat.contentEncoding).toBeUndefined();
    expect(cat.metadata).toEqual({ owner: 'Tom' });

    // A write makes what was loaded stale: it is dropped rather than shown wrong.
    await cat.put('purr');
    expect(
      isStorageError(
        thrown(() => cat.etag),
        'InvalidArgument',
      ),
    ).toBe(true);
  });

  it('load() of a missing object is NoSuchKey; exists() says false', async () => {
    const ghost = photos.object('ghost');
    expect(isStorageError(await rejection(ghost.load()), 'NoSuchKey')).toBe(true);
    expect(await ghost.exists()).toBe(false);
    await ghost.put('boo');
    expect(await ghost.exists()).toBe(true);
    expect(ghost.size).toBe(3); // exists() loaded it
  });

  it('get, text and bytes read the object and load its attributes', async () => {
    const note = photos.object('note.txt');
    await note.put('héllo', { contentType: 'text/plain; charset=utf-8' });
    expect(await note.text()).toBe('héllo');
    expect(note.contentType).toBe('text/plain; charset=utf-8');
    expect(Buffer.from(await note.bytes())).toEqual(Buffer.from('héllo'));
    const part = await note.get({ range: { offset: 1, length: 2 } });
    expect(Buffer.from(await part.bytes()).toString()).toBe('é');
    expect(note.size).toBe(6); // the whole object's, not the range's
  });

  it('objects({ prefix }) yields StoredObjects in key order with size, etag and lastModified', async () => {
    for (const key of ['cats/b.jpg', 'cats/a.jpg', 'dogs/c.jpg', 'cats/sub/d.jpg']) {
      await photos.object(key).put(key, { contentType: 'image/jpeg' });
    }
    const listed: StoredObject[] = [];
    for await (const o of photos.objects({ prefix: 'cats/' })) listed.push(o);
    expect(listed.map((o) => o.key)).toEqual(['cats/a.jpg', 'cats/b.jpg', 'cats/sub/d.jpg']);
    const first = listed[0] as StoredObject;
    expect(first).toBeInstanceOf(StoredObject);
    expect(first.size).toBe('cats/a.jpg'.length);
    expect(first.etag).toMatch(/^".+"$/);
    expect(first.lastModified).toBeInstanceOf(Date);
    // A listing has no content headers: reading one says so, and load() fills it in.
    const error = thrown(() => first.contentType);
    expect((error as Error).message).toContain('a listing does not include it');
    await first.load();
    expect(first.contentType).toBe('image/jpeg');
  });

  it('copyTo copies within the storage, keeping headers and metadata', async () => {
    const backups = await new Bucket(storage, 'backups').create();
    const cat = photos.object('cat.jpg');
    await cat.put('meow', { contentType: 'image/jpeg', metadata: { owner: 'tom' } });
    const copy = backups.object('2024/cat.jpg');
    await cat.copyTo(copy);
    await copy.load();
    expect(await copy.text()).toBe('meow');
    expect(copy.contentType).toBe('image/jpeg');
    expect(copy.metadata).toEqual({ owner: 'tom' });
    // Replacing headers on copy, as S3's MetadataDirective REPLACE.
    await cat.copyTo({ bucket: 'backups', key: 'plain.txt' }, { contentType: 'text/plain' });
    const plain = await backups.object('plain.txt').load();
    expect(plain.contentType).toBe('text/plain');
    expect(plain.metadata).toEqual({});
  });

  it('copyTo streams across storages, keeping headers and metadata', async () => {
    const other = new MemoryStorage();
    const elsewhere = await new Bucket(other, 'elsewhere').create();
    const cat = photos.object('cat.jpg');
    await cat.put('meow', { contentType: 'image/jpeg', metadata: { owner: 'tom' } });
    const target = elsewhere.object('cat.jpg');
    await cat.copyTo(target);
    await target.load();
    expect(await target.text()).toBe('meow');
    expect(target.contentType).toBe('image/jpeg');
    expect(target.metadata).toEqual({ owner: 'tom' });
  });

  it('delete removes the object and is idempotent', async () => {
    const cat = photos.object('cat.jpg');
    await cat.put('meow');
    await cat.delete();
    expect(await cat.exists()).toBe(false);
    await cat.delete();
  });

  it('resource(storage) gives buckets and objects by name, as boto3 does', async () => {
    const s3 = resource(storage);
    await s3.object('photos', 'a.txt').put('a');
    expect(await s3.bucket('photos').object('a.txt').text()).toBe('a');
  });
});
