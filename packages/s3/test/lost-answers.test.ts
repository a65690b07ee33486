// Writes whose answer is lost: a proxy on 127.0.0.1 lets a chosen request reach the real server,
// which does the work, then cuts the connection instead of passing the answer on. The SDK retries,
// the retry meets what the first attempt did, and the driver must report what the server did.
// Each case checks the reported outcome and the server's final state (through a direct client).
import { createHash, randomBytes } from 'node:crypto';
import { isStorageError } from '@stowage/core';
import { S3Storage, type S3StorageOptions } from '@stowage/s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cephTarget, startFaultProxy, startS3rver, type FaultProxy, type S3rver } from '@stowage/testing';

const MiB = 1024 * 1024;
const md5Etag = (bytes: Uint8Array | string) => `"${createHash('md5').update(bytes).digest('hex')}"`;

interface Server {
  name: string;
  skip?: string;
  /** The server enforces If-None-Match and If-Match on PUT (s3rver does not). */
  conditionalPut: boolean;
  start(): Promise<{ options: S3StorageOptions; stop(): Promise<void> }>;
}

const ceph = cephTarget();
const SERVERS: Server[] = [
  {
    name: 's3rver',
    conditionalPut: false,
    async start() {
      const server: S3rver = await startS3rver();
      return { options: { endpoint: server.endpoint, credentials: server.credentials }, stop: () => server.stop() };
    },
  },
  {
    name: 'Ceph RGW',
    conditionalPut: true,
    ...(ceph.skip ? { skip: ceph.skip } : {}),
    async start() {
      return { options: ceph.options, stop: async () => undefined };
    },
  },
];

/** Which requests lose their answer: the first attempt of `method` on `path`, once. */
interface Plan {
  method: string;
  path: string;
}

for (const server of SERVERS) {
  describe.skipIf(server.skip !== undefined)(`lost answers on ${server.name}${server.skip ? ` (skipped: ${server.skip})` : ''}`, () => {
    let stop: () => Promise<void>;
    let direct: S3Storage;
    let proxy: FaultProxy;
    let driver: S3Storage;
    let plan: Plan | undefined;
    const bucket = `lost-${randomBytes(4).toString('hex')}`;

    beforeAll(async () => {
      const started = await server.start();
      stop = started.stop;
      const endpoint = started.options.endpoint as string;
      direct = new S3Storage({ ...started.options, endpoint });
      proxy = await startFaultProxy({
        upstream: endpoint,
        rate: 0,
        loseAnswer: ({ method, path, attempt }) => {
          if (!plan || attempt !== 1 || method !== plan.method || path.replace(/\/$/, '') !== plan.path) return false;
          plan = undefined;
          return true;
        },
      });
      driver = new S3Storage({
        ...started.options,
        endpoint: proxy.endpoint,
        maxAttempts: 3,
        multipartThreshold: 5 * MiB,
        partSize: 5 * MiB,
      });
      await direct.createBucket(bucket);
    }, 60_000);

    afterAll(async () => {
      for await (const entry of direct.listObjects(bucket)) if (entry.type === 'object') await direct.deleteObject(bucket, entry.key);
      await direct.deleteBucket(bucket).catch(() => undefined);
      driver?.destroy();
      direct?.destroy();
      await proxy?.close();
      await stop?.();
    });

    /** Runs `call` with the answer of `method path` lost once, and checks the loss happened. */
    async function losing<T>(method: string, path: string, call: () => Promise<T>): Promise<T> {
      const before = proxy.lostAnswers();
      plan = { method, path };
      try {
        return await call();
      } finally {
        expect(proxy.lostAnswers(), `the answer of ${method} ${path} was lost`).toBe(before + 1);
        plan = undefined;
      }
    }

    it.skipIf(!server.conditionalPut)("putObject with ifNoneMatch '*' on a new key: success, and the object is mine", async () => {
      const result = await losing('PUT', `/${bucket}/create-once`, () =>
        driver.putObject(bucket, 'create-once', 'mine', { ifNoneMatch: '*' }),
      );
      expect(result.etag).toBe(md5Etag('mine'));
      expect(await (await direct.getObject(bucket, 'create-once')).text()).toBe('mine');
    });

    it.skipIf(!server.conditionalPut)('putObject with ifMatch the current ETag: success, and the new version is stored', async () => {
      const v1 = await direct.putObject(bucket, 'optimistic', 'v1');
      const result = await losing('PUT', `/${bucket}/optimistic`, () => driver.putObject(bucket, 'optimistic', 'v2', { ifMatch: v1.etag }));
      expect(result.etag).toBe(md5Etag('v2'));
      expect(await (await direct.getObject(bucket, 'optimistic')).text()).toBe('v2');
    });

    it.skipIf(!server.conditionalPut)(
      "a real race is still lost: another writer's object under ifNoneMatch '*' gives PreconditionFailed",
      async () => {
        await direct.putObject(bucket, 'taken', 'theirs');
        await expect(driver.putObject(bucket, 'taken', 'mine', { ifNoneMatch: '*' })).rejects.toSatisfy((e: unknown) =>
          isStorageError(e, 'PreconditionFailed'),
        );
        expect(await (await direct.getObject(bucket, 'taken')).text()).toBe('theirs');
      },
    );

    it('a plain putObject and deleteObject: success, and the server holds what they did', async () => {
      await losing('PUT', `/${bucket}/plain`, () => driver.putObject(bucket, 'plain', 'bytes'));
      expect(await (await direct.getObject(bucket, 'plain')).text()).toBe('bytes');
      await losing('DELETE', `/${bucket}/plain`, () => driver.deleteObject(bucket, 'plain'));
      expect(await direct.headObject(bucket, 'plain').catch((e: unknown) => e)).toSatisfy((e: unknown) => isStorageError(e, 'NoSuchKey'));
    });

    it('copyObject and deleteObjects: success, and the server holds what they did', async () => {
      await direct.putObject(bucket, 'source', 'copied bytes');
      const copied = await losing('PUT', `/${bucket}/copy`, () => driver.copyObject({ bucket, key: 'source' }, { bucket, key: 'copy' }));
      expect(copied.etag).toBe(md5Etag('copied bytes'));
      expect(await (await direct.getObject(bucket, 'copy')).text()).toBe('copied bytes');
      const result = await losing('POST', `/${bucket}`, () => driver.deleteObjects(bucket, ['source', 'copy']));
      expect([...result.deleted].sort()).toEqual(['copy', 'source']);
      expect(result.errors).toEqual([]);
      for (const key of ['source', 'copy']) {
        expect(await direct.headObject(bucket, key).catch((e: unknown) => e)).toSatisfy((e: unknown) => isStorageError(e, 'NoSuchKey'));
      }
    });

    it('a multipart put whose CompleteMultipartUpload answer is lost: success, and the bytes are right', async () => {
      const bytes = randomBytes(6 * MiB);
      const result = await losing('POST', `/${bucket}/multi`, () => driver.putObject(bucket, 'multi', bytes));
      const stored = Buffer.from(await (await direct.getObject(bucket, 'multi')).bytes());
      expect(stored.equals(bytes)).toBe(true);
      expect(result.etag).toBe((await direct.headObject(bucket, 'multi')).etag);
    });

    it.skipIf(!server.conditionalPut)(
      "a multipart put with ifNoneMatch '*' whose completion answer is lost: success, the bytes are mine",
      async () => {
        const bytes = randomBytes(6 * MiB);
        await losing('POST', `/${bucket}/multi-once`, () => driver.putObject(bucket, 'multi-once', bytes, { ifNoneMatch: '*' }));
        expect(Buffer.from(await (await direct.getObject(bucket, 'multi-once')).bytes()).equals(bytes)).toBe(true);
      },
    );

    it('createBucket, then deleteBucket of the empty bucket: both succeed, and the bucket is gone', async () => {
      const name = `${bucket}-b`;
      await losing('PUT', `/${name}`, () => driver.createBucket(name));
      expect(await direct.bucketExists(name)).toBe(true);
      await losing('DELETE', `/${name}`, () => driver.deleteBucket(name));
      expect(await direct.bucketExists(name)).toBe(false);
    });
  });
}
