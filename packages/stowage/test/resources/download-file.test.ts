import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { type Bucket, isStorageError, type ByteRange, type ProgressEvent, type Storage } from '@stowage/core';
import { rejection } from '../helpers/errors.js';
import { DRIVERS, patternBytes, useTransferFixture } from '../helpers/drivers.js';
import { MiB, checkProgress } from '../helpers/files.js';
import type { FaultyStorage } from '../helpers/faulty-storage.js';

function offsetOf(range: ByteRange | undefined): number | undefined {
  return range && 'offset' in range ? range.offset : undefined;
}

describe.each(DRIVERS)('downloadFile on $name', (driver) => {
  const fixture = useTransferFixture(driver, 'downloads');
  let storage: Storage;
  let faulty: FaultyStorage;
  let bucket: Bucket;
  let dir: string;
  beforeEach(() => {
    ({ storage, faulty, bucket, dir } = fixture);
  });

  it('downloads a small object in one request pinned to its ETag', async () => {
    const data = patternBytes(100_000);
    const { etag } = await storage.putObject('downloads', 'small.bin', data);
    const target = join(dir, 'small.bin');
    const events: ProgressEvent[] = [];
    const result = await bucket.object('small.bin').downloadFile(target, { onProgress: (e) => events.push(e) });
    expect(result).toEqual({ bucket: 'downloads', key: 'small.bin', size: data.byteLength, etag });
    expect((await readFile(target)).equals(data)).toBe(true);
    expect(faulty.gets).toHaveLength(1);
    expect(faulty.gets[0]?.options.range).toBeUndefined();
    expect(faulty.gets[0]?.options.ifMatch).toBe(etag);
    checkProgress(events, data.byteLength);
    expect(await readdir(dir)).toEqual(['small.bin']); // no temporary file left
  });

  it('downloads a large object as concurrent ranged reads, each pinned to the ETag, written at their offsets', async () => {
    const data = patternBytes(10 * MiB + 123);
    const { etag } = await storage.putObject('downloads', 'large.bin', data);
    const target = join(dir, 'large.bin');
    const events: ProgressEvent[] = [];
    await bucket.downloadFile('large.bin', target, {
      multipartThreshold: 2 * MiB,
      partSize: MiB,
      concurrency: 3,
      onProgress: (e) => events.push(e),
    });
    expect((await readFile(target)).equals(data)).toBe(true);
    const ranges = faulty.gets.map((g) => g.options.range);
    expect(ranges).toHaveLength(11);
    expect(ranges.map(offsetOf).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(Array.from({ length: 11 }, (_, i) => i * MiB));
    expect(ranges.at(-1)).toEqual({ offset: 10 * MiB, length: 123 });
    expect(faulty.gets.every((g) => g.options.ifMatch === etag)).toBe(true);
    expect(faulty.maxInFlight).toBeLessThanOrEqual(3);
    expect(faulty.maxInFlight).toBeGreaterThan(1);
    checkProgress(events, data.byteLength);
  });

  it('retries a range cut off mid-body alone, from its first missing byte', async () => {
    const data = patternBytes(6 * MiB);
    await storage.putObject('downloads', 'flaky.bin', data);
    faulty.faultsAtOffset.set(2 * MiB, { dropAfter: 300_000 }); // the third range drops after 300 kB
    const target = join(dir, 'flaky.bin');
    const events: ProgressEvent[] = [];
    await bucket.downloadFile('flaky.bin', target, {
      multipartThreshold: MiB,
      partSize: MiB,
      onProgress: (e) => events.push(e),
    });
    expect((await readFile(target)).equals(data)).toBe(true);
    const ranges = faulty.gets.map((g) => g.options.range);
    expect(ranges).toHaveLength(7); // six ranges, one retried
    expect(ranges).toContainEqual({ offset: 2 * MiB + 300_000, length: MiB - 300_000 });
    expect(ranges.filter((r) => offsetOf(r) === 2 * MiB)).toHaveLength(1);
    checkProgress(events, data.byteLength);
    expect(events.every((e) => e.delta >= 0)).toBe(true); // resumed, so nothing was rewound
  });

  it('fails with PreconditionFailed when the object changes mid-way, leaving no file', async () => {
    await storage.putObject('downloads', 'moving.bin', patternBytes(4 * MiB, 1));
    // Before the third range is read, a writer replaces the object (a real overwrite).
    faulty.faultsAtOffset.set(2 * MiB, {
      before: async () => {
        await storage.putObject('downloads', 'moving.bin', patternBytes(4 * MiB, 2));
      },
    });
    const target = join(dir, 'moving.bin');
    const error = await rejection(bucket.downloadFile('moving.bin', target, { multipartThreshold: MiB, partSize: MiB, concurrency: 1 }));
    expect(isStorageError(error, 'PreconditionFailed')).toBe(true);
    expect(await readdir(dir)).toEqual([]);
  });

  it('compares ETags itself on a driver without conditional reads', async () => {
    faulty.deny = { conditionalGet: false };
    await storage.putObject('downloads', 'moving.bin', patternBytes(4 * MiB, 1));
    faulty.faultsAtOffset.set(2 * MiB, {
      before: async () => {
        await storage.putObject('downloads', 'moving.bin', patternBytes(4 * MiB, 2));
      },
    });
    const error = await rejection(
      bucket.downloadFile('moving.bin', join(dir, 'moving.bin'), { multipartThreshold: MiB, partSize: MiB, concurrency: 1 }),
    );
    expect(faulty.gets.every((g) => g.options.ifMatch === undefined)).toBe(true);
    expect(isStorageError(error, 'PreconditionFailed')).toBe(true);
    expect((error as Error).message).toContain('changed during the download');
    expect(await readdir(dir)).toEqual([]);
  });

  it('on a driver without ranged reads, starts over after a drop and rewinds progress', async () => {
    faulty.deny = { rangeRead: false };
    const data = patternBytes(3 * MiB);
    await storage.putObject('downloads', 'whole.bin', data);
    faulty.faults.set(0, { dropAfter: 2 * MiB });
    const events: ProgressEvent[] = [];
    const target = join(dir, 'whole.bin');
    await bucket.downloadFile('whole.bin', target, { multipartThreshold: MiB, onProgress: (e) => events.push(e) });
    expect((await readFile(target)).equals(data)).toBe(true);
    expect(faulty.gets.map((g) => g.options.range)).toEqual([undefined, undefined]);
    const rewind = events.find((e) => e.delta < 0);
    expect(rewind).toMatchObject({ loaded: 0, delta: -(2 * MiB) });
    checkProgress(events, data.byteLength);
  });

  it('an aborted download rejects Aborted, leaves no partial file and keeps an existing target', async () => {
    await storage.putObject('downloads', 'big.bin', patternBytes(8 * MiB));
    const target = join(dir, 'big.bin');
    await writeFile(target, 'the old version');
    const controller = new AbortController();
    faulty.faultsAtOffset.set(4 * MiB, { before: () => controller.abort() }); // mid-way through (2 MiB ranges)
    const error = await rejection(
      bucket.downloadFile('big.bin', target, { multipartThreshold: MiB, partSize: MiB, concurrency: 2, signal: controller.signal }),
    );
    expect(isStorageError(error, 'Aborted')).toBe(true);
    expect(await readdir(dir)).toEqual(['big.bin']);
    expect(await readFile(target, 'utf8')).toBe('the old version');
  });

  it('gives up on a range after maxAttempts, leaving no file', async () => {
    await storage.putObject('downloads', 'broken.bin', patternBytes(3 * MiB));
    for (let i = 0; i < 10; i++) faulty.faults.set(i, { dropAfter: 1000 }); // every request drops
    const error = await rejection(
      bucket.downloadFile('broken.bin', join(dir, 'broken.bin'), {
        multipartThreshold: MiB,
        partSize: MiB,
        concurrency: 1,
        maxAttempts: 2,
      }),
    );
    expect(isStorageError(error, 'Unavailable')).toBe(true);
    expect(faulty.gets.length).toBe(2); // the first range, twice; the others never started
    expect(await readdir(dir)).toEqual([]);
  });

  it('downloads an empty object', async () => {
    await storage.putObject('downloads', 'empty', '');
    const events: ProgressEvent[] = [];
    await bucket.downloadFile('empty', join(dir, 'empty'), { onProgress: (e) => events.push(e) });
    expect(await readFile(join(dir, 'empty'), 'utf8')).toBe('');
    expect(events).toEqual([{ bucket: 'downloads', key: 'empty', loaded: 0, total: 0, delta: 0 }]);
  });

  it('says what is missing: the key, or the target folder', async () => {
    const noKey = await rejection(bucket.downloadFile('nope', join(dir, 'nope')));
    expect(isStorageError(noKey, 'NoSuchKey')).toBe(true);
    await storage.putObject('downloads', 'k', 'v');
    const noDir = await rejection(bucket.downloadFile('k', join(dir, 'missing-folder', 'k')));
    expect(isStorageError(noDir, 'InvalidArgument')).toBe(true);
    expect((noDir as Error).message).toContain('missing-folder');
  });

  it('honours ifMatch: PreconditionFailed for another ETag', async () => {
    await storage.putObject('downloads', 'k', 'v');
    const error = await rejection(bucket.downloadFile('k', join(dir, 'k'), { ifMatch: '"0123"' }));
    expect(isStorageError(error, 'PreconditionFailed')).toBe(true);
    expect(await readdir(dir)).toEqual([]);
  });
});
