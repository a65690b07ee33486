import { expect } from 'vitest';
import { StorageError, isStorageError, type ErrorCode, type Storage } from '@stowage/core';
import type { CaseContext, ContractSuite } from './context.js';
import { expectAbsent, expectError, listKeys, pattern, readAll } from './helpers.js';

/** How to provoke one error code generically, and where it happens. */
interface Provocation {
  code: ErrorCode;
  what: string;
  act: (ctx: CaseContext) => Promise<{ run: () => Promise<unknown>; bucket?: string; key?: string }>;
}

const PROVOCATIONS: Provocation[] = [
  {
    code: 'NoSuchBucket',
    what: 'headObject on a missing bucket',
    act: async (c) => {
      const bucket = c.missingBucket();
      return { run: () => c.storage.headObject(bucket, 'k'), bucket };
    },
  },
  {
    code: 'NoSuchKey',
    what: 'getObject of a missing key',
    act: async (c) => ({ run: () => c.storage.getObject(c.bucket, 'nope'), bucket: c.bucket, key: 'nope' }),
  },
  {
    code: 'BucketAlreadyExists',
    what: 'createBucket of an existing bucket',
    act: async (c) => ({ run: () => c.storage.createBucket(c.bucket), bucket: c.bucket }),
  },
  {
    code: 'BucketNotEmpty',
    what: 'deleteBucket of a bucket with an object',
    act: async (c) => {
      await c.storage.putObject(c.bucket, 'k', 'x');
      return { run: () => c.storage.deleteBucket(c.bucket), bucket: c.bucket };
    },
  },
  {
    code: 'PreconditionFailed',
    what: 'getObject with a mismatched ifMatch',
    act: async (c) => {
      await c.storage.putObject(c.bucket, 'k', 'x');
      return { run: () => c.storage.getObject(c.bucket, 'k', { ifMatch: '"nope"' }), bucket: c.bucket, key: 'k' };
    },
  },
  {
    code: 'NotModified',
    what: 'headObject with the current ETag as ifNoneMatch',
    act: async (c) => {
      const put = await c.storage.putObject(c.bucket, 'k', 'x');
      return { run: () => c.storage.headObject(c.bucket, 'k', { ifNoneMatch: put.etag }), bucket: c.bucket, key: 'k' };
    },
  },
  {
    code: 'InvalidRange',
    what: 'getObject with a range past the end',
    act: async (c) => {
      await c.storage.putObject(c.bucket, 'k', 'xyz');
      return { run: () => c.storage.getObject(c.bucket, 'k', { range: { offset: 3 } }), bucket: c.bucket, key: 'k' };
    },
  },
  {
    code: 'InvalidKey',
    what: 'putObject with an empty key',
    act: async (c) => ({ run: () => c.storage.putObject(c.bucket, '', 'x'), bucket: c.bucket, key: '' }),
  },
  {
    code: 'InvalidBucketName',
    what: 'putObject to an invalid bucket name',
    act: async (c) => ({ run: () => c.storage.putObject('No_Such-Bucket', 'k', 'x'), bucket: 'No_Such-Bucket' }),
  },
  {
    code: 'InvalidArgument',
    what: 'putObject with oversized metadata',
    act: async (c) => ({
      run: () => c.storage.putObject(c.bucket, 'k', 'x', { metadata: { m: 'x'.repeat(4000) } }),
      bucket: c.bucket,
      key: 'k',
    }),
  },
  {
    code: 'Aborted',
    what: 'getObject with an aborted signal',
    act: async (c) => {
      await c.storage.putObject(c.bucket, 'k', 'x');
      return { run: () => c.storage.getObject(c.bucket, 'k', { signal: AbortSignal.abort() }), bucket: c.bucket, key: 'k' };
    },
  },
];

/** Checks the parts of an error every code shares: class, name, code, location, message, JSON form. */
function expectWellFormed(error: StorageError, code: ErrorCode, bucket?: string, key?: string): void {
  expect(error).toBeInstanceOf(Error);
  expect(error).toBeInstanceOf(StorageError);
  expect(isStorageError(error, code)).toBe(true);
  expect(error.name).toBe('StorageError');
  if (bucket !== undefined) expect(error.bucket).toBe(bucket);
  if (key !== undefined) expect(error.key).toBe(key);
  expect(typeof error.stack).toBe('string');
  const json = JSON.parse(JSON.stringify(error)) as Record<string, unknown>;
  expect(json.code).toBe(code);
  expect(json.message).toBe(error.message);
  expect(json).not.toHaveProperty('cause');
  if (bucket !== undefined) expect(json.bucket).toBe(bucket);
}

async function denied(ctx: CaseContext): Promise<Storage> {
  const make = ctx.options.deniedStorage;
  if (!make) throw new Error('unreachable: the case is skipped without deniedStorage');
  return make();
}

/** Errors: every code from a generic trigger, the shape of errors, and the hooks for the rest. */
export function registerErrors(suite: ContractSuite): void {
  for (const p of PROVOCATIONS) {
    suite.case(`${p.code} from ${p.what} is a well-formed StorageError`, async (ctx) => {
      const { run, bucket, key } = await p.act(ctx);
      const error = await expectError(run, p.code, { ...(bucket !== undefined ? { bucket } : {}), ...(key !== undefined ? { key } : {}) });
      expectWellFormed(error, p.code, bucket, key);
    });
  }

  suite.case('a key of the wrong type rejects InvalidKey, not a TypeError', async ({ storage, bucket }) => {
    const notAKey = 42 as unknown as string;
    await expectError(storage.putObject(bucket, notAKey, 'x'), 'InvalidKey', { bucket });
    await expectError(storage.headObject(bucket, notAKey), 'InvalidKey', { bucket });
  });

  suite.case('a bucket name of the wrong type rejects InvalidBucketName, not a TypeError', async ({ storage }) => {
    const notAName = undefined as unknown as string;
    await expectError(storage.createBucket(notAName), 'InvalidBucketName');
    await expectError(storage.headObject(notAName, 'k'), 'InvalidBucketName');
  });

  const noDenied = suite.options.deniedStorage ? undefined : 'no deniedStorage hook given';
  suite.case(
    'AccessDenied: a read without permission rejects AccessDenied',
    async (ctx) => {
      await ctx.storage.putObject(ctx.bucket, 'secret', 'classified');
      const other = await denied(ctx);
      await expectError(other.getObject(ctx.bucket, 'secret'), 'AccessDenied', { bucket: ctx.bucket, key: 'secret' });
    },
    { skip: noDenied },
  );

  suite.case(
    'AccessDenied: a write without permission rejects AccessDenied and writes nothing',
    async (ctx) => {
      const other = await denied(ctx);
      await expectError(other.putObject(ctx.bucket, 'intruder', 'x'), 'AccessDenied', { bucket: ctx.bucket, key: 'intruder' });
      await expectAbsent(ctx.storage, ctx.bucket, 'intruder');
    },
    { skip: noDenied },
  );

  suite.case(
    'AccessDenied: a delete without permission rejects AccessDenied and keeps the object',
    async (ctx) => {
      await ctx.storage.putObject(ctx.bucket, 'stay', 'x');
      const other = await denied(ctx);
      await expectError(other.deleteObject(ctx.bucket, 'stay'), 'AccessDenied', { bucket: ctx.bucket, key: 'stay' });
      expect(await listKeys(ctx.storage, ctx.bucket)).toEqual(['stay']);
    },
    { skip: noDenied },
  );

  suite.case(
    'ChecksumMismatch: a full read of an object edited at rest rejects ChecksumMismatch',
    async ({ storage, bucket, options }) => {
      const bytes = pattern(100_000, 500);
      await storage.putObject(bucket, 'rot', bytes);
      await options.corruptObject?.(bucket, 'rot');
      // The check can only finish at the end of the body, so the error may come from the stream.
      await expectError(
        async () => {
          const got = await storage.getObject(bucket, 'rot');
          await got.bytes();
        },
        'ChecksumMismatch',
        { bucket, key: 'rot' },
      );
    },
    { skip: suite.options.corruptObject ? undefined : 'no corruptObject hook given' },
  );

  suite.case(
    'ChecksumMismatch: an intact object still reads after a corrupted neighbour',
    async ({ storage, bucket, options }) => {
      await storage.putObject(bucket, 'rot', pattern(10_000, 501));
      await storage.putObject(bucket, 'fine', 'intact');
      await options.corruptObject?.(bucket, 'rot');
      expect((await readAll(storage, bucket, 'fine')).toString()).toBe('intact');
    },
    { skip: suite.options.corruptObject ? undefined : 'no corruptObject hook given' },
  );

  suite.case(
    'NotSupported: presign on a driver without the presign capability rejects NotSupported',
    async ({ storage, bucket }) => {
      await storage.putObject(bucket, 'k', 'x');
      const presign = storage.presign?.bind(storage);
      if (!presign) throw new Error('unreachable: the case is skipped without a presign method');
      await expectError(presign(bucket, 'k', { method: 'GET', expiresIn: 60 }), 'NotSupported', { bucket, key: 'k' });
      await expectError(presign(bucket, 'k', { method: 'PUT', expiresIn: 60 }), 'NotSupported', { bucket, key: 'k' });
    },
    {
      skip: suite.capabilities.presign
        ? 'the driver supports presign'
        : suite.storage.presign === undefined
          ? 'the driver has no presign method to call (absent is how it declares none)'
          : undefined,
    },
  );
}
