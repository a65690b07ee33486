// An aborted upload and an aborted download leave nothing behind, on every driver.
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bucket, isStorageError, openStorage, type Storage } from 'stowage';
import { S3Storage } from '@stowage/s3';
import { rejection } from './helpers/errors.js';
import { FaultyStorage } from './helpers/faulty-storage.js';
import { MiB, scratchDir, writeRandomFile } from './helpers/files.js';
import { TARGETS, unique } from './helpers/targets.js';

for (const target of TARGETS) {
  describe.skipIf(target.skip !== undefined)(`aborted transfers on ${target.name}`, () => {
    let storage: Storage;
    let stop: () => Promise<void>;
    let dir: string;
    let closeDir: () => Promise<void>;
    const bucketName = `abort-${unique()}`;

    beforeAll(async () => {
      const started = await target.start();
      stop = started.stop;
      storage = await openStorage(started.url, started.options);
      ({ dir, close: closeDir } = await scratchDir());
      await new Bucket(storage, bucketName).create();
    });
    afterAll(async () => {
      await new Bucket(storage, bucketName).delete({ force: true }).catch(() => undefined);
      (storage as { destroy?: () => void }).destroy?.();
      await stop?.();
      await closeDir?.();
    });

    it('an upload aborted mid-way rejects Aborted and leaves no object (and no pending upload)', async () => {
      const source = join(dir, 'upload.bin');
      await writeRandomFile(source, 20 * MiB);
      // FAULT INJECTION: the abort fires once the driver has taken 7 MiB of the body, so on S3 the
      // multipart upload exists and a first 5 MiB part is on its way.
      const faulty = new FaultyStorage(storage);
      const controller = new AbortController();
      faulty.onPutBytes = (loaded) => {
        if (loaded >= 7 * MiB) controller.abort();
      };
      const bucket = new Bucket(faulty, bucketName);
      const error = await rejection(
        bucket.uploadFile(source, 'upload.bin', { multipartThreshold: 5 * MiB, partSize: 5 * MiB, signal: controller.signal }),
      );
      expect(isStorageError(error, 'Aborted')).toBe(true);
      expect(await bucket.object('upload.bin').exists()).toBe(false);
      const keys: string[] = [];
      for await (const o of bucket.objects()) keys.push(o.key);
      expect(keys).toEqual([]);
      if (storage.capabilities.cleanAbort && storage instanceof S3Storage) {
        const open = await storage.client.send(new ListMultipartUploadsCommand({ Bucket: bucketName }));
        expect(open.Uploads ?? []).toEqual([]);
      }
    }, 60_000);

    it('a download aborted mid-way rejects Aborted, leaves no partial file and keeps the old target', async () => {
      const source = join(dir, 'download-source.bin');
      await writeRandomFile(source, 12 * MiB);
      await new Bucket(storage, bucketName).uploadFile(source, 'download.bin');
      const into = join(dir, 'into');
      await mkdir(into);
      const target = join(into, 'download.bin');
      await writeFile(target, 'the previous version');
      // FAULT INJECTION: abort when the third ranged read (bytes 4-6 MiB) is requested.
      const faulty = new FaultyStorage(storage);
      const controller = new AbortController();
      faulty.faultsAtOffset.set(4 * MiB, { before: () => controller.abort() });
      const error = await rejection(
        new Bucket(faulty, bucketName).downloadFile('download.bin', target, {
          multipartThreshold: 2 * MiB,
          partSize: 2 * MiB,
          concurrency: 2,
          signal: controller.signal,
        }),
      );
      expect(isStorageError(error, 'Aborted')).toBe(true);
      expect(faulty.gets.length).toBeGreaterThanOrEqual(3);
      expect(await readdir(into)).toEqual(['download.bin']);
      expect(await readFile(target, 'utf8')).toBe('the previous version');
    }, 60_000);
  });
}
