import { expect } from 'vitest';
import type { Storage } from '@stowage/core';
import type { ContractSuite } from './context.js';
import { emptyAndDeleteBucket, type CaseContext } from './context.js';
import { expectError, listAll, readAll } from './helpers.js';

/** Clock skew tolerated between this machine and the server, in milliseconds. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

/** One invalid name per S3 bucket naming rule. */
const INVALID_BUCKET_NAMES: [rule: string, name: string][] = [
  ['shorter than 3 characters', 'ab'],
  ['empty', ''],
  ['longer than 63 characters', `stowage-${'a'.repeat(56)}`],
  ['upper-case letters', 'Stowage-Upper'],
  ['an underscore', 'stowage_underscore'],
  ['a space', 'stowage space'],
  ['a slash', 'stowage/slash'],
  ['non-ASCII letters', 'stowage-bücket'],
  ['a leading hyphen', '-stowage-hyphen'],
  ['a trailing hyphen', 'stowage-hyphen-'],
  ['a leading dot', '.stowage-dot'],
  ['a trailing dot', 'stowage-dot.'],
  ['two adjacent dots', 'stowage..dots'],
  ['the shape of an IP address', '192.168.5.4'],
  ['the reserved prefix xn--', 'xn--stowage'],
  ['the reserved prefix sthree-', 'sthree-stowage'],
  ['the reserved prefix amzn-s3-demo-', 'amzn-s3-demo-stowage'],
  ['the reserved suffix -s3alias', 'stowage-s3alias'],
  ['the reserved suffix --ol-s3', 'stowage--ol-s3'],
  ['the reserved suffix .mrap', 'stowage.mrap'],
  ['the reserved suffix --x-s3', 'stowage--x-s3'],
  ['the reserved suffix --table-s3', 'stowage--table-s3'],
];

const BAD = 'Invalid_Bucket';

/** Every method that takes a bucket name, called with an invalid one. */
const METHODS_WITH_BUCKET: [method: string, call: (s: Storage, ctx: CaseContext) => Promise<unknown>][] = [
  ['createBucket', (s) => s.createBucket(BAD)],
  ['deleteBucket', (s) => s.deleteBucket(BAD)],
  ['bucketExists', (s) => s.bucketExists(BAD)],
  ['putObject', (s) => s.putObject(BAD, 'k', 'x')],
  ['getObject', (s) => s.getObject(BAD, 'k')],
  ['headObject', (s) => s.headObject(BAD, 'k')],
  ['deleteObject', (s) => s.deleteObject(BAD, 'k')],
  ['deleteObjects', (s) => s.deleteObjects(BAD, ['k'])],
  ['copyObject (source)', (s, ctx) => s.copyObject({ bucket: BAD, key: 'k' }, { bucket: ctx.bucket, key: 'k' })],
  ['copyObject (target)', (s, ctx) => s.copyObject({ bucket: ctx.bucket, key: 'k' }, { bucket: BAD, key: 'k' })],
  ['listObjects', (s) => listAll(s, BAD)],
];

/** Every object operation, on a bucket that does not exist. */
const OBJECT_OPS_ON_MISSING: [method: string, call: (s: Storage, missing: string, ctx: CaseContext) => Promise<unknown>][] = [
  ['putObject', (s, m) => s.putObject(m, 'k', 'x')],
  [
    'putObject of a stream',
    (s, m) =>
      s.putObject(
        m,
        'k',
        (async function* () {
          yield Buffer.from('x');
        })(),
      ),
  ],
  ['getObject', (s, m) => s.getObject(m, 'k')],
  ['headObject', (s, m) => s.headObject(m, 'k')],
  ['deleteObject', (s, m) => s.deleteObject(m, 'k')],
  ['deleteObjects', (s, m) => s.deleteObjects(m, ['k', 'l'])],
  ['copyObject from it', (s, m, ctx) => s.copyObject({ bucket: m, key: 'k' }, { bucket: ctx.bucket, key: 'k' })],
  ['listObjects', (s, m) => listAll(s, m)],
  ['listObjects with prefix and delimiter', (s, m) => listAll(s, m, { prefix: 'a/', delimiter: '/' })],
];

/** Bucket management: create, exists, list, delete and their errors; naming rules. */
export function registerBuckets(suite: ContractSuite): void {
  suite.case('createBucket makes a bucket that bucketExists reports', async ({ storage, bucket }) => {
    expect(await storage.bucketExists(bucket)).toBe(true);
  });

  suite.case('bucketExists is false for a bucket never created', async ({ storage, missingBucket }) => {
    expect(await storage.bucketExists(missingBucket())).toBe(false);
  });

  suite.case('listBuckets includes a created bucket once', async ({ storage, bucket }) => {
    const names = (await storage.listBuckets()).map((b) => b.name);
    expect(names.filter((n) => n === bucket)).toEqual([bucket]);
  });

  suite.case('listBuckets includes every created bucket, each once', async ({ storage, bucket, newBucket }) => {
    const other = await newBucket();
    const names = (await storage.listBuckets()).map((b) => b.name);
    expect(names.filter((n) => n === bucket || n === other).sort()).toEqual([bucket, other].sort());
  });

  suite.case(
    'listBuckets reports createdAt as a Date near now',
    async ({ storage, bucket }) => {
      const found = (await storage.listBuckets()).find((b) => b.name === bucket);
      expect(found?.createdAt).toBeInstanceOf(Date);
      const at = found?.createdAt?.getTime() ?? Number.NaN;
      expect(Number.isNaN(at)).toBe(false);
      expect(Math.abs(at - Date.now())).toBeLessThan(CLOCK_SKEW_MS);
    },
    { needs: ['bucketCreatedAt'] },
  );

  suite.case(
    'deleteBucket removes an empty bucket from bucketExists and listBuckets',
    async ({ storage }) => {
      const name = suite.bucketName();
      await storage.createBucket(name);
      try {
        expect(await storage.bucketExists(name)).toBe(true);
        await storage.deleteBucket(name);
        expect(await storage.bucketExists(name)).toBe(false);
        expect((await storage.listBuckets()).map((b) => b.name)).not.toContain(name);
      } finally {
        await emptyAndDeleteBucket(storage, name);
      }
    },
    { bucket: false },
  );

  suite.case('createBucket twice rejects BucketAlreadyExists', async ({ storage, bucket }) => {
    await expectError(storage.createBucket(bucket), 'BucketAlreadyExists', { bucket });
    expect(await storage.bucketExists(bucket)).toBe(true);
  });

  suite.case('createBucket of an existing bucket leaves its objects alone', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'keep', 'kept');
    await expectError(storage.createBucket(bucket), 'BucketAlreadyExists', { bucket });
    expect((await readAll(storage, bucket, 'keep')).toString()).toBe('kept');
  });

  suite.case('deleteBucket of a non-empty bucket rejects BucketNotEmpty and keeps it whole', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'a/b', 'still here');
    await expectError(storage.deleteBucket(bucket), 'BucketNotEmpty', { bucket });
    expect(await storage.bucketExists(bucket)).toBe(true);
    expect((await readAll(storage, bucket, 'a/b')).toString()).toBe('still here');
  });

  suite.case('deleteBucket succeeds once its last object is deleted', async ({ storage, newBucket }) => {
    const name = await newBucket();
    await storage.putObject(name, 'deep/ly/nested/key', 'x');
    await storage.deleteObject(name, 'deep/ly/nested/key');
    await storage.deleteBucket(name);
    expect(await storage.bucketExists(name)).toBe(false);
  });

  suite.case('deleteBucket of a missing bucket rejects NoSuchBucket', async ({ storage, missingBucket }) => {
    const name = missingBucket();
    await expectError(storage.deleteBucket(name), 'NoSuchBucket', { bucket: name });
  });

  for (const [method, call] of OBJECT_OPS_ON_MISSING) {
    suite.case(`${method} on a missing bucket rejects NoSuchBucket`, async (ctx) => {
      const missing = ctx.missingBucket();
      await expectError(call(ctx.storage, missing, ctx), 'NoSuchBucket', { bucket: missing });
      expect(await ctx.storage.bucketExists(missing)).toBe(false);
    });
  }

  suite.case('copyObject to a missing bucket rejects NoSuchBucket', async ({ storage, bucket, missingBucket }) => {
    const missing = missingBucket();
    await storage.putObject(bucket, 'src', 'x');
    await expectError(storage.copyObject({ bucket, key: 'src' }, { bucket: missing, key: 'dst' }), 'NoSuchBucket', { bucket: missing });
    expect(await storage.bucketExists(missing)).toBe(false);
  });

  for (const [rule, name] of INVALID_BUCKET_NAMES) {
    suite.case(
      `createBucket rejects a name with ${rule} (${JSON.stringify(name.length > 20 ? `${name.slice(0, 20)}…` : name)}) as InvalidBucketName`,
      async ({ storage }) => {
        await expectError(storage.createBucket(name), 'InvalidBucketName', { bucket: name });
        expect((await storage.listBuckets()).map((b) => b.name)).not.toContain(name);
      },
      { bucket: false },
    );
  }

  for (const [method, call] of METHODS_WITH_BUCKET) {
    suite.case(`${method} checks the bucket name before any I/O (InvalidBucketName)`, async (ctx) => {
      await expectError(call(ctx.storage, ctx), 'InvalidBucketName', { bucket: BAD });
    });
  }

  suite.case(
    'a 63-character bucket name is accepted',
    async ({ storage }) => {
      const base = suite.bucketName();
      const name = `${base}${'x'.repeat(63 - base.length)}`;
      expect(name.length).toBe(63);
      try {
        await storage.createBucket(name);
        expect(await storage.bucketExists(name)).toBe(true);
      } finally {
        await emptyAndDeleteBucket(storage, name);
      }
    },
    { bucket: false, needs: ['allBucketNames'] },
  );

  suite.case(
    'a bucket name with dots is accepted and holds objects',
    async ({ storage }) => {
      const name = suite.bucketName().replace(/-/g, '.');
      try {
        await storage.createBucket(name);
        await storage.putObject(name, 'k', 'dotted');
        expect((await readAll(storage, name, 'k')).toString()).toBe('dotted');
      } finally {
        await emptyAndDeleteBucket(storage, name);
      }
    },
    { bucket: false, needs: ['allBucketNames'] },
  );

  suite.case('buckets are independent namespaces', async ({ storage, bucket, newBucket }) => {
    const other = await newBucket();
    await storage.putObject(bucket, 'same', 'in first');
    await storage.putObject(other, 'same', 'in second');
    expect((await readAll(storage, bucket, 'same')).toString()).toBe('in first');
    expect((await readAll(storage, other, 'same')).toString()).toBe('in second');
    await storage.deleteObject(other, 'same');
    expect((await readAll(storage, bucket, 'same')).toString()).toBe('in first');
  });
}
