import { expect } from 'vitest';
import { isStorageError } from '@stowage/core';
import { emptyAndDeleteBucket, type ContractSuite } from './context.js';
import { expectBytes, expectError, listKeys, pattern, readAll } from './helpers.js';

const WRITERS = 32;

/** Concurrency and consistency: racing writers, read-after-write, list-after-write. */
export function registerConcurrency(suite: ContractSuite): void {
  suite.case(
    `${WRITERS} concurrent writers to one key leave exactly one writer's body, headers and metadata`,
    async ({ storage, bucket }) => {
      const bodies = Array.from({ length: WRITERS }, (_, i) => pattern(64 * 1024 + i, 100 + i));
      const results = await Promise.allSettled(
        bodies.map((body, i) =>
          storage.putObject(bucket, 'contended', body, {
            contentType: `application/x-writer-${i}`,
            metadata: { writer: String(i) },
          }),
        ),
      );
      const failed = results.filter((r) => r.status === 'rejected');
      expect(failed, 'every unconditional write should succeed').toEqual([]);
      const info = await storage.headObject(bucket, 'contended');
      const writer = Number(info.metadata.writer);
      expect(Number.isInteger(writer) && writer >= 0 && writer < WRITERS, `metadata ${JSON.stringify(info.metadata)}`).toBe(true);
      expect(info.contentType).toBe(`application/x-writer-${writer}`);
      expect(info.size).toBe((bodies[writer] as Buffer).length);
      expectBytes(await readAll(storage, bucket, 'contended'), bodies[writer] as Buffer, `the body of writer ${writer}`);
      const won = results[writer];
      expect(won?.status === 'fulfilled' ? won.value.etag : undefined).toBe(info.etag);
    },
    { needs: ['atomicWrites'] },
  );

  suite.case(
    '64 concurrent writers and 64 concurrent readers on one key: every read is one whole version with its own metadata',
    async ({ storage, bucket }) => {
      const n = 64;
      const bodies = Array.from({ length: n }, (_, i) => pattern(16 * 1024 + i * 97, 300 + i));
      await storage.putObject(bucket, 'busy', bodies[0] as Buffer, { metadata: { writer: '0' } });
      const reads = Array.from({ length: n }, async () => {
        const got = await storage.getObject(bucket, 'busy');
        return { writer: Number(got.info.metadata.writer), size: got.info.size, bytes: Buffer.from(await got.bytes()) };
      });
      const writes = bodies.map((body, i) => storage.putObject(bucket, 'busy', body, { metadata: { writer: String(i) } }));
      await Promise.all(writes);
      for (const read of await Promise.all(reads)) {
        expect(Number.isInteger(read.writer), "a read without its writer's metadata").toBe(true);
        expect(read.size).toBe((bodies[read.writer] as Buffer).length);
        expectBytes(read.bytes, bodies[read.writer] as Buffer, `a read whose metadata names writer ${read.writer}`);
      }
      const final = await storage.getObject(bucket, 'busy');
      const writer = Number(final.info.metadata.writer);
      expectBytes(Buffer.from(await final.bytes()), bodies[writer] as Buffer, `the final object, of writer ${writer}`);
    },
    { needs: ['atomicWrites', 'readIsolation'] },
  );

  suite.case(
    "concurrent ifNoneMatch '*' writers: exactly one wins, the rest get PreconditionFailed",
    async ({ storage, bucket }) => {
      const n = 8;
      const results = await Promise.allSettled(
        Array.from({ length: n }, (_, i) =>
          storage.putObject(bucket, 'once', `writer ${i}`, { ifNoneMatch: '*', metadata: { writer: String(i) } }),
        ),
      );
      const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
      expect(winners.length, 'number of successful create-only writes').toBe(1);
      for (const r of results) {
        if (r.status === 'rejected') expect(isStorageError(r.reason, 'PreconditionFailed'), String(r.reason)).toBe(true);
      }
      const winner = winners[0] as number;
      expect((await readAll(storage, bucket, 'once')).toString()).toBe(`writer ${winner}`);
      expect((await storage.headObject(bucket, 'once')).metadata).toEqual({ writer: String(winner) });
    },
    { needs: ['conditionalPut', 'atomicWrites'] },
  );

  suite.case('concurrent puts to different keys all show in one listing', async ({ storage, bucket }) => {
    const keys = Array.from({ length: 64 }, (_, i) => `par/${String(i).padStart(2, '0')}`);
    await Promise.all(keys.map((key) => storage.putObject(bucket, key, key)));
    expect(await listKeys(storage, bucket)).toEqual(keys);
    for (const key of [keys[0], keys[31], keys[63]] as string[]) {
      expect((await readAll(storage, bucket, key)).toString()).toBe(key);
    }
  });

  suite.case(
    'reads run concurrently with overwrites see whole versions, never a mix',
    async ({ storage, bucket }) => {
      const versions = Array.from({ length: 6 }, (_, i) => pattern(128 * 1024, 200 + i));
      await storage.putObject(bucket, 'rw', versions[0] as Buffer);
      const reads: Promise<Buffer>[] = [];
      const writes: Promise<unknown>[] = [];
      for (let i = 1; i < versions.length; i++) {
        writes.push(storage.putObject(bucket, 'rw', versions[i] as Buffer));
        reads.push(readAll(storage, bucket, 'rw'), readAll(storage, bucket, 'rw'));
      }
      await Promise.all(writes);
      for (const got of await Promise.all(reads)) {
        const match = versions.findIndex((v) => v.equals(got));
        expect(match, `a read of ${got.length} bytes matched no written version`).toBeGreaterThanOrEqual(0);
      }
    },
    { needs: ['atomicWrites', 'readIsolation'] },
  );

  suite.case('read-after-write: every overwrite is visible to the next get and head', async ({ storage, bucket }) => {
    for (let i = 0; i < 5; i++) {
      const put = await storage.putObject(bucket, 'raw', `version ${i}`, { metadata: { i: String(i) } });
      const info = await storage.headObject(bucket, 'raw');
      expect(info.etag).toBe(put.etag);
      expect(info.metadata).toEqual({ i: String(i) });
      expect((await readAll(storage, bucket, 'raw')).toString()).toBe(`version ${i}`);
    }
  });

  suite.case('list-after-write and list-after-delete are immediate', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'l1', 'x');
    expect(await listKeys(storage, bucket)).toEqual(['l1']);
    await storage.putObject(bucket, 'l2', 'x');
    expect(await listKeys(storage, bucket)).toEqual(['l1', 'l2']);
    await storage.deleteObject(bucket, 'l1');
    expect(await listKeys(storage, bucket)).toEqual(['l2']);
    await storage.deleteObjects(bucket, ['l2']);
    expect(await listKeys(storage, bucket)).toEqual([]);
  });

  suite.case('concurrent reads of one object each get it whole', async ({ storage, bucket }) => {
    const bytes = pattern(256 * 1024, 300);
    await storage.putObject(bucket, 'shared', bytes);
    const reads = await Promise.all(Array.from({ length: 16 }, () => readAll(storage, bucket, 'shared')));
    for (const got of reads) expectBytes(got, bytes);
  });

  suite.case(
    'concurrent puts and deletes of one key settle on a whole object or none',
    async ({ storage, bucket }) => {
      const bodies = Array.from({ length: 8 }, (_, i) => pattern(32 * 1024, 400 + i));
      await Promise.all(bodies.flatMap((body) => [storage.putObject(bucket, 'flux', body), storage.deleteObject(bucket, 'flux')]));
      const keys = await listKeys(storage, bucket);
      if (keys.length === 0) {
        await expectError(storage.headObject(bucket, 'flux'), 'NoSuchKey', { bucket, key: 'flux' });
      } else {
        expect(keys).toEqual(['flux']);
        const got = await readAll(storage, bucket, 'flux');
        expect(
          bodies.some((b) => b.equals(got)),
          "the surviving object is one writer's whole body",
        ).toBe(true);
      }
    },
    { needs: ['atomicWrites'] },
  );

  suite.case(
    'concurrent createBucket of one name: exactly one succeeds, the rest get BucketAlreadyExists',
    async ({ storage }) => {
      const name = suite.bucketName();
      try {
        const results = await Promise.allSettled(Array.from({ length: 4 }, () => storage.createBucket(name)));
        expect(results.filter((r) => r.status === 'fulfilled').length).toBe(1);
        for (const r of results) {
          if (r.status === 'rejected') expect(isStorageError(r.reason, 'BucketAlreadyExists'), String(r.reason)).toBe(true);
        }
      } finally {
        await emptyAndDeleteBucket(storage, name);
      }
    },
    { bucket: false, needs: ['exclusiveCreateBucket'] },
  );
}
