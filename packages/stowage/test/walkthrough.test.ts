// The seed's walkthrough (docs/boto3-guide.md), run on every driver through openStorage().
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressBar } from '@stowage/progress';
import { Bucket, type StoredObject, openStorage, resource, type ProgressEvent, type Storage } from 'stowage';
import { MiB, checkProgress, fakeTerminal, scratchDir, writeRandomFile } from './helpers/files.js';
import { TARGETS, unique } from './helpers/targets.js';

for (const target of TARGETS) {
  describe.skipIf(target.skip !== undefined)(`walkthrough on ${target.name}${target.skip ? ` (skipped: ${target.skip})` : ''}`, () => {
    let storage: Storage;
    let stop: () => Promise<void>;
    let dir: string;
    let closeDir: () => Promise<void>;
    const source = () => join(dir, 'backup.tar');
    const size = 20 * MiB;
    const name = `walk-${unique()}`;
    const copies = `walk-${unique()}-copies`;

    beforeAll(async () => {
      const started = await target.start();
      stop = started.stop;
      storage = await openStorage(started.url, started.options);
      ({ dir, close: closeDir } = await scratchDir());
      await writeRandomFile(source(), size);
    });
    afterAll(async () => {
      for (const b of [name, copies]) await new Bucket(storage, b).delete({ force: true }).catch(() => undefined);
      (storage as { destroy?: () => void }).destroy?.();
      await stop?.();
      await closeDir?.();
    });

    it('runs open → buckets → upload with progress → list → load → copy → download → delete', async () => {
      const s3 = resource(storage);
      const photos = await s3.bucket(name).create();
      await s3.bucket(copies).create();

      // s3.buckets.all()
      const names: string[] = [];
      for await (const b of s3.buckets.all()) names.push(b.name);
      expect(names).toEqual(expect.arrayContaining([name, copies]));

      // upload_file with a TransferConfig and a tqdm Callback
      const terminal = fakeTerminal();
      const bar = progressBar({ label: 'backup.tar', stream: terminal });
      const events: ProgressEvent[] = [];
      const uploaded = await photos.uploadFile(source(), 'archive/backup.tar', {
        multipartThreshold: 8 * MiB,
        partSize: 5 * MiB,
        concurrency: 4,
        metadata: { origin: 'walkthrough' },
        onProgress: (e) => {
          events.push(e);
          bar(e);
        },
      });
      expect(uploaded.size).toBe(size);
      // On S3 a 20 MiB file above the 8 MiB threshold went up as a multipart upload of four 5 MiB
      // parts: S3's ETag of such an object ends in "-4".
      if (storage.capabilities.multipartEtag) expect(uploaded.etag).toMatch(/-4"$/);
      checkProgress(events, size);
      expect(bar.done).toBe(true);
      expect(terminal.writes.at(-1)).toMatch(/^\rbackup\.tar: 100% \|█+\| 20\.0 MiB in \d+:\d\d/);

      // bucket.objects.filter(Prefix=...)
      const listed: StoredObject[] = [];
      for await (const o of photos.objects({ prefix: 'archive/' })) listed.push(o);
      expect(listed.map((o) => [o.key, o.size])).toEqual([['archive/backup.tar', size]]);
      expect(listed[0]?.etag).toBe(uploaded.etag);

      // s3.Object(...).load() and its attributes
      const backup = photos.object('archive/backup.tar');
      await backup.load();
      expect(backup.size).toBe(size);
      expect(backup.etag).toBe(uploaded.etag);
      expect(backup.contentType).toBe('application/x-tar');
      expect(backup.metadata).toEqual({ origin: 'walkthrough' });
      expect(backup.lastModified.getTime()).toBeGreaterThan(Date.now() - 10 * 60_000);

      // copy
      const copy = s3.object(copies, 'backup-copy.tar');
      await backup.copyTo(copy);
      await copy.load();
      expect(copy.size).toBe(size);
      expect(copy.contentType).toBe('application/x-tar');

      // download_file, then compare bytes
      const downloadEvents: ProgressEvent[] = [];
      const copyPath = join(dir, 'backup-copy.tar');
      await copy.downloadFile(copyPath, { partSize: 5 * MiB, concurrency: 4, onProgress: (e) => downloadEvents.push(e) });
      expect((await readFile(copyPath)).equals(await readFile(source()))).toBe(true);
      checkProgress(downloadEvents, size);

      // get() of a range
      const head = await backup.get({ range: { offset: 0, length: 512 } });
      expect(Buffer.from(await head.bytes()).equals((await readFile(source())).subarray(0, 512))).toBe(true);

      // delete: the object, then the buckets (force empties the copy bucket)
      await backup.delete();
      expect(await backup.exists()).toBe(false);
      await photos.delete();
      await new Bucket(storage, copies).delete({ force: true });
      const after: string[] = [];
      for await (const b of s3.buckets.all()) after.push(b.name);
      expect(after).not.toContain(name);
      expect(after).not.toContain(copies);
    }, 120_000);
  });
}
