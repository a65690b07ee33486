import { expect } from 'vitest';
import type { BodyInput, ErrorCode, Storage } from '@stowage/core';
import type { ContractSuite } from './context.js';
import { expectError } from './helpers.js';

/** One operation on one object, called with the options of a case. */
type ObjectCall = (storage: Storage, bucket: string, key: string, options: Record<string, unknown>) => Promise<unknown>;

const OBJECT_CALLS: [name: string, call: ObjectCall][] = [
  ['putObject', (s, b, k, o) => s.putObject(b, k, 'x', o)],
  ['getObject', (s, b, k, o) => s.getObject(b, k, o)],
  ['headObject', (s, b, k, o) => s.headObject(b, k, o)],
  ['deleteObject', (s, b, k, o) => s.deleteObject(b, k, o)],
  ['copyObject (source)', (s, b, k, o) => s.copyObject({ bucket: b, key: k }, { bucket: b, key: 'copy' }, o)],
  ['copyObject (target)', (s, b, k, o) => s.copyObject({ bucket: b, key: 'source' }, { bucket: b, key: k }, o)],
];

const bad = (value: unknown) => value as never;

/**
 * Options no store accepts, per operation: each is `InvalidArgument` on every driver, checked by the
 * front door before any I/O, and leaves the stored object as it was.
 */
const BAD_OPTIONS: [what: string, call: ObjectCall][] = [
  ['put with size -1', (s, b, k, o) => s.putObject(b, k, 'x', { ...o, size: -1 })],
  ['put with size 1.5', (s, b, k, o) => s.putObject(b, k, 'x', { ...o, size: 1.5 })],
  ['put with a size the string does not have', (s, b, k, o) => s.putObject(b, k, 'abc', { ...o, size: 2 })],
  ['put with ifNoneMatch other than "*"', (s, b, k, o) => s.putObject(b, k, 'x', { ...o, ifNoneMatch: bad('"etag"') })],
  ['put with ifMatch that is not a string', (s, b, k, o) => s.putObject(b, k, 'x', { ...o, ifMatch: bad(42) })],
  ['put with partSize 0', (s, b, k, o) => s.putObject(b, k, 'x', { ...o, partSize: 0 })],
  ['put with concurrency 0', (s, b, k, o) => s.putObject(b, k, 'x', { ...o, concurrency: 0 })],
  ['put with multipartThreshold -1', (s, b, k, o) => s.putObject(b, k, 'x', { ...o, multipartThreshold: -1 })],
  ['put with an onProgress that is not a function', (s, b, k, o) => s.putObject(b, k, 'x', { ...o, onProgress: bad('log') })],
  ['put with a metadata value that is not a string', (s, b, k, o) => s.putObject(b, k, 'x', { ...o, metadata: bad({ a: 1 }) })],
  ['put of a number as the body', (s, b, k, o) => s.putObject(b, k, bad(42) as BodyInput, o)],
  ['put of null as the body', (s, b, k, o) => s.putObject(b, k, bad(null) as BodyInput, o)],
  ['get with a negative offset', (s, b, k, o) => s.getObject(b, k, { ...o, range: { offset: -1 } })],
  ['get with a zero length', (s, b, k, o) => s.getObject(b, k, { ...o, range: { offset: 0, length: 0 } })],
  ['get with a zero suffix', (s, b, k, o) => s.getObject(b, k, { ...o, range: { suffix: 0 } })],
  ['get with an invalid ifModifiedSince date', (s, b, k, o) => s.getObject(b, k, { ...o, ifModifiedSince: new Date('never') })],
  ['get with an ifMatch that is not a string', (s, b, k, o) => s.getObject(b, k, { ...o, ifMatch: bad(42) })],
  ['head with an ifUnmodifiedSince that is not a Date', (s, b, k, o) => s.headObject(b, k, { ...o, ifUnmodifiedSince: bad('yesterday') })],
  [
    'copy with a sourceIfMatch that is not a string',
    (s, b, k, o) => s.copyObject({ bucket: b, key: k }, { bucket: b, key: 'c' }, { ...o, sourceIfMatch: bad(1) }),
  ],
  [
    'copy with a metadata value that is not a string',
    (s, b, k, o) => s.copyObject({ bucket: b, key: k }, { bucket: b, key: 'c' }, { ...o, metadata: bad({ a: true }) }),
  ],
  ['copy without a target', (s, b, k, o) => s.copyObject({ bucket: b, key: k }, bad(undefined), o)],
  ['deleteObjects of something that is not an array', (s, b, k, o) => s.deleteObjects(b, bad(k), o)],
];

const BAD_PRESIGN: [what: string, options: Record<string, unknown>][] = [
  ['method POST', { method: 'POST', expiresIn: 60 }],
  ['expiresIn 0', { method: 'GET', expiresIn: 0 }],
  ['expiresIn 1.5', { method: 'GET', expiresIn: 1.5 }],
];

/**
 * The same bad input gives the same code on every driver, in S3's order: the bucket name, the key,
 * the call's options, the signal, and only then the store (`NoSuchBucket`, ...).
 */
export function registerBadInput(suite: ContractSuite): void {
  const aborted = () => AbortSignal.abort(new Error('stopped by the test'));

  for (const [name, call] of OBJECT_CALLS) {
    suite.case(`${name}: an invalid key is InvalidKey before the signal and the bucket are looked at`, async (ctx) => {
      const missing = ctx.missingBucket();
      await expectError(call(ctx.storage, missing, '', { signal: aborted() }), 'InvalidKey', { bucket: missing });
    });
    suite.case(`${name}: an aborted signal is Aborted before a missing bucket is looked for`, async (ctx) => {
      const missing = ctx.missingBucket();
      await expectError(call(ctx.storage, missing, 'k', { signal: aborted() }), 'Aborted');
    });
  }

  for (const [what, call] of BAD_OPTIONS) {
    suite.case(`${what} is InvalidArgument, before the signal, and changes nothing`, async ({ storage, bucket, missingBucket }) => {
      const before = await storage.putObject(bucket, 'k', 'kept');
      await expectError(call(storage, bucket, 'k', {}), 'InvalidArgument');
      // Before the signal and before the bucket: the same input on a missing bucket, aborted, says the same.
      await expectError(call(storage, missingBucket(), 'k', { signal: aborted() }), 'InvalidArgument');
      expect((await storage.headObject(bucket, 'k')).etag).toBe(before.etag);
      await expectError(storage.headObject(bucket, 'c'), 'NoSuchKey');
    });
  }

  for (const [what, options] of BAD_PRESIGN) {
    suite.case(
      `presign with ${what} is InvalidArgument`,
      async ({ storage, bucket }) => {
        await expectError(() => (storage.presign as NonNullable<Storage['presign']>)(bucket, 'k', bad(options)), 'InvalidArgument');
      },
      { needs: ['presign'] },
    );
  }

  suite.case('a bucket name that is not a string is InvalidBucketName on every call', async ({ storage }) => {
    const codes: ErrorCode[] = [];
    for (const run of [
      () => storage.createBucket(bad(7)),
      () => storage.headObject(bad(null), 'k'),
      () => storage.putObject(bad({}), 'k', 'x'),
      () => storage.listObjects(bad(undefined))[Symbol.asyncIterator]().next(),
    ]) {
      codes.push((await expectError(run, 'InvalidBucketName')).code);
    }
    expect(codes).toHaveLength(4);
  });
}
