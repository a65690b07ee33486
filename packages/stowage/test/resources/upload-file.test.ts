import { readdir, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { type Bucket, guessContentType, isStorageError, type ProgressEvent } from '@stowage/core';
import { rejection } from '../helpers/errors.js';
import { DRIVERS, patternBytes, useTransferFixture } from '../helpers/drivers.js';
import { MiB, checkProgress } from '../helpers/files.js';
import type { FaultyStorage } from '../helpers/faulty-storage.js';

describe('guessContentType', () => {
  it('guesses from the extension and leaves unknown ones to the driver', async () => {
    expect(await guessContentType('cats/cat.jpg')).toBe('image/jpeg');
    expect(await guessContentType('/tmp/report.PDF')).toBe('application/pdf');
    expect(await guessContentType('notes.txt')).toBe('text/plain');
    expect(await guessContentType('data.unknown-ext')).toBeUndefined();
    expect(await guessContentType('Makefile')).toBeUndefined();
  });
});

describe.each(DRIVERS)('uploadFile on $name', (driver) => {
  const fixture = useTransferFixture(driver, 'uploads');
  let faulty: FaultyStorage;
  let bucket: Bucket;
  let dir: string;
  beforeEach(() => {
    ({ faulty, bucket, dir } = fixture);
  });

  it('streams a file up with its guessed content type, headers, metadata and throttled progress', async () => {
    const data = patternBytes(3 * MiB + 17);
    const path = join(dir, 'photo.jpg');
    await writeFile(path, data);
    const events: ProgressEvent[] = [];
    const result = await bucket.uploadFile(path, 'cats/photo.jpg', {
      metadata: { camera: 'x100' },
      cacheControl: 'no-cache',
      onProgress: (e) => events.push(e),
    });
    expect(result).toMatchObject({ bucket: 'uploads', key: 'cats/photo.jpg', size: data.byteLength });
    const cat = await bucket.object('cats/photo.jpg').load();
    expect(cat.etag).toBe(result.etag);
    expect(cat.contentType).toBe('image/jpeg');
    expect(cat.cacheControl).toBe('no-cache');
    expect(cat.metadata).toEqual({ camera: 'x100' });
    expect(Buffer.from(await cat.bytes()).equals(data)).toBe(true);
    checkProgress(events, data.byteLength);
    expect(events.every((e) => e.bucket === 'uploads' && e.key === 'cats/photo.jpg')).toBe(true);
  });

  it('passes the file size and the transfer config to the driver as hints', async () => {
    const path = join(dir, 'blob.zzq');
    await writeFile(path, patternBytes(MiB));
    await bucket.uploadFile(path, 'blob.zzq', { multipartThreshold: 5 * MiB, partSize: 6 * MiB, concurrency: 3 });
    expect(faulty.puts[0]?.options).toMatchObject({ size: MiB, multipartThreshold: 5 * MiB, partSize: 6 * MiB, concurrency: 3 });
    // An unknown extension sets no content type: the driver's default applies.
    expect(faulty.puts[0]?.options.contentType).toBeUndefined();
  });

  it('keeps a content type that is given over the guess', async () => {
    const path = join(dir, 'page.html');
    await writeFile(path, '<p>hi</p>');
    await bucket.object('page').uploadFile(path, { contentType: 'text/plain' });
    expect((await bucket.object('page').load()).contentType).toBe('text/plain');
  });

  it('uploads an empty file with one final progress event', async () => {
    const path = join(dir, 'empty.txt');
    await writeFile(path, '');
    const events: ProgressEvent[] = [];
    await bucket.uploadFile(path, 'empty.txt', { onProgress: (e) => events.push(e) });
    expect((await bucket.object('empty.txt').load()).size).toBe(0);
    expect(events).toEqual([{ bucket: 'uploads', key: 'empty.txt', loaded: 0, total: 0, delta: 0 }]);
  });

  it('names the path when the file is missing or is a folder', async () => {
    const missing = await rejection(bucket.uploadFile(join(dir, 'nope.bin'), 'k'));
    expect(isStorageError(missing, 'InvalidArgument')).toBe(true);
    expect((missing as Error).message).toContain('nope.bin');
    await mkdir(join(dir, 'folder'));
    const folder = await rejection(bucket.uploadFile(join(dir, 'folder'), 'k'));
    expect(isStorageError(folder, 'InvalidArgument')).toBe(true);
    expect((folder as Error).message).toContain('folder');
    expect(faulty.puts).toHaveLength(0); // nothing was sent
  });

  it('an aborted upload rejects Aborted and leaves no object behind', async () => {
    const path = join(dir, 'big.bin');
    await writeFile(path, patternBytes(4 * MiB));
    const controller = new AbortController();
    // Abort once the driver has taken a first MiB: mid-transfer, not before it started.
    faulty.onPutBytes = (loaded) => {
      if (loaded >= MiB) controller.abort();
    };
    const error = await rejection(bucket.uploadFile(path, 'big.bin', { signal: controller.signal }));
    expect(isStorageError(error, 'Aborted')).toBe(true);
    expect(await bucket.object('big.bin').exists()).toBe(false);
    const left: string[] = [];
    for await (const o of bucket.objects()) left.push(o.key);
    expect(left).toEqual([]);
    expect(await readdir(dir)).toEqual(['big.bin']); // the source file is untouched
  });

  it('rejects a bad transfer config before reading anything', async () => {
    const error = await rejection(bucket.uploadFile(join(dir, 'x'), 'x', { concurrency: 0 }));
    expect(isStorageError(error, 'InvalidArgument')).toBe(true);
    expect((error as Error).message).toContain('concurrency');
  });
});
