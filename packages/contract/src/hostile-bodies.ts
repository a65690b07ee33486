import { Readable } from 'node:stream';
import { expect } from 'vitest';
import { ERROR_CODES, MAX_METADATA_BYTES, type BodyInput, type PutOptions, type Storage } from '@stowage/core';
import type { ContractSuite } from './context.js';
import { delay, expectAbsent, expectEmptyBucket, expectError, expectOldKept, pattern, readAll } from './helpers.js';

/**
 * A body that counts what was pulled from it: `pulled()` is the number of chunks a driver asked
 * for. `total` chunks of `chunkSize` bytes, or without end when `total` is `Infinity`; `fail`
 * makes the pull after `failAfter` chunks throw it instead.
 */
function countingBody(options: { chunkSize: number; total: number; failAfter?: number; fail?: unknown; pause?: number }) {
  let pulls = 0;
  const piece = pattern(options.chunkSize, 11);
  async function* body() {
    for (let i = 0; i < options.total; i++) {
      if (options.failAfter !== undefined && i === options.failAfter) throw options.fail;
      pulls += 1;
      if (options.pause) await delay(options.pause);
      yield piece;
    }
  }
  return { body: body(), pulled: () => pulls };
}

/** After a failed write: no object, nothing listed, and the key takes a normal write at once. */
async function expectNothingLeft(storage: Storage, bucket: string, key: string): Promise<void> {
  await expectAbsent(storage, bucket, key);
  await expectEmptyBucket(storage, bucket);
  // No lock, temporary file or half-finished upload stands in the way of the next writer.
  await storage.putObject(bucket, key, 'after');
  expect((await readAll(storage, bucket, key)).toString()).toBe('after');
  await storage.deleteObject(bucket, key);
  await expectEmptyBucket(storage, bucket);
}

/**
 * Hostile bodies and metadata (issue 7, point 4), beyond the write category's abort and failure
 * cases: sources that fail before their first byte, fail with something that is not an `Error`,
 * fail as web streams or with a declared size; bodies that never end, stopped by a timeout signal,
 * over an existing object and past the multi-part threshold; metadata over the limit by one byte,
 * in multi-byte characters, and with a body that must then never be read. Each rejects with a
 * typed `StorageError` and leaves nothing behind: no object, nothing listed, and the key writable
 * again. (On servers with `ListMultipartUploads`, the S3 suites also check no upload stays open.)
 */
export function registerHostileBodies(suite: ContractSuite): void {
  const large = suite.options.largeBodyBytes;

  // Bodies that fail.
  suite.case('a body that throws before its first byte rejects with a StorageError and leaves nothing', async ({ storage, bucket }) => {
    const { body } = countingBody({ chunkSize: 1024, total: 10, failAfter: 0, fail: new Error('the source failed at once') });
    await expectError(storage.putObject(bucket, 'first', body), ERROR_CODES, { bucket, key: 'first' });
    await expectNothingLeft(storage, bucket, 'first');
  });

  suite.case('a body that throws something other than an Error (a string) rejects with a StorageError', async ({ storage, bucket }) => {
    const { body } = countingBody({ chunkSize: 1024, total: 10, failAfter: 3, fail: 'not an Error' });
    await expectError(storage.putObject(bucket, 'odd', body), ERROR_CODES, { bucket, key: 'odd' });
    await expectNothingLeft(storage, bucket, 'odd');
  });

  suite.case('a body that throws undefined rejects with a StorageError', async ({ storage, bucket }) => {
    const { body } = countingBody({ chunkSize: 1024, total: 10, failAfter: 2, fail: undefined });
    await expectError(storage.putObject(bucket, 'undefined', body), ERROR_CODES, { bucket, key: 'undefined' });
    await expectNothingLeft(storage, bucket, 'undefined');
  });

  suite.case('a web ReadableStream that errors mid-stream rejects with a StorageError and leaves nothing', async ({ storage, bucket }) => {
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent === 3) {
          controller.error(new TypeError('the web stream broke'));
          return;
        }
        sent += 1;
        await delay(1);
        controller.enqueue(pattern(2048, sent));
      },
    });
    await expectError(storage.putObject(bucket, 'web', stream as BodyInput), ERROR_CODES, { bucket, key: 'web' });
    await expectNothingLeft(storage, bucket, 'web');
  });

  suite.case(
    'a body with a declared size that throws mid-stream rejects with a StorageError and leaves nothing',
    async ({ storage, bucket }) => {
      const { body } = countingBody({ chunkSize: 1000, total: 10, failAfter: 4, fail: new Error('the sized source broke') });
      await expectError(storage.putObject(bucket, 'sized', Readable.from(body), { size: 10_000 }), ERROR_CODES, { bucket, key: 'sized' });
      await expectNothingLeft(storage, bucket, 'sized');
    },
  );

  suite.case(
    'a multi-MiB body with a declared size that throws after the first part leaves nothing',
    async ({ storage, bucket }) => {
      const chunk = 256 * 1024;
      const chunks = Math.ceil((large + 1024) / chunk) + 8;
      const { body } = countingBody({ chunkSize: chunk, total: chunks, failAfter: chunks - 4, fail: new Error('the source broke late') });
      await expectError(storage.putObject(bucket, 'big', body, { size: chunks * chunk }), ERROR_CODES, { bucket, key: 'big' });
      await expectNothingLeft(storage, bucket, 'big');
    },
    { large: true, needs: ['cleanAbort'], timeout: suite.options.timeout * 2 },
  );

  // Bodies that never end.
  suite.case('a body that never ends is stopped by AbortSignal.timeout: Aborted, nothing left', async ({ storage, bucket }) => {
    const { body, pulled } = countingBody({ chunkSize: 4096, total: Infinity, pause: 1 });
    await expectError(storage.putObject(bucket, 'endless', body, { signal: AbortSignal.timeout(150) }), 'Aborted', {
      bucket,
      key: 'endless',
    });
    expect(pulled(), 'chunks pulled before the timeout').toBeGreaterThan(0);
    await expectNothingLeft(storage, bucket, 'endless');
  });

  suite.case('a body that never ends, over an existing object, keeps the old object once aborted', async ({ storage, bucket }) => {
    const old = await storage.putObject(bucket, 'keep', 'old content', { metadata: { v: 'old' } });
    const controller = new AbortController();
    const { body, pulled } = countingBody({ chunkSize: 4096, total: Infinity, pause: 1 });
    const put = storage.putObject(bucket, 'keep', body, { signal: controller.signal, metadata: { v: 'new' } });
    put.catch(() => undefined);
    while (pulled() < 5) await delay(5);
    controller.abort();
    await expectError(put, 'Aborted', { bucket, key: 'keep' });
    await expectOldKept(storage, bucket, 'keep', old);
  });

  suite.case(
    'a body that never ends, aborted after more than a part went up, leaves nothing',
    async ({ storage, bucket }) => {
      const chunk = 256 * 1024;
      const controller = new AbortController();
      const { body, pulled } = countingBody({ chunkSize: chunk, total: Infinity });
      const put = storage.putObject(bucket, 'endless-big', body, { signal: controller.signal });
      put.catch(() => undefined);
      const deadline = Date.now() + suite.options.timeout;
      while (pulled() * chunk < large * 1.5 && Date.now() < deadline) await delay(10);
      controller.abort();
      await expectError(put, 'Aborted', { bucket, key: 'endless-big' });
      await expectNothingLeft(storage, bucket, 'endless-big');
    },
    { large: true, needs: ['cleanAbort'], timeout: suite.options.timeout * 2 },
  );

  // Metadata over the limit.
  suite.case(
    `metadata of ${MAX_METADATA_BYTES + 1} bytes (one over) rejects InvalidArgument and leaves nothing`,
    async ({ storage, bucket }) => {
      // Name 'm' (1 byte) + value: 2049 bytes in all.
      const metadata = { m: 'v'.repeat(MAX_METADATA_BYTES) };
      await expectError(storage.putObject(bucket, 'meta', 'x', { metadata }), 'InvalidArgument', { bucket, key: 'meta' });
      await expectNothingLeft(storage, bucket, 'meta');
    },
  );

  suite.case('metadata over the limit in UTF-8 bytes, not in characters, rejects InvalidArgument', async ({ storage, bucket }) => {
    // 1100 characters, 2200 bytes: under the limit counted in UTF-16 units, over it in bytes.
    const metadata = { m: 'é'.repeat(1100) };
    await expectError(storage.putObject(bucket, 'meta', 'x', { metadata }), 'InvalidArgument', { bucket, key: 'meta' });
    await expectNothingLeft(storage, bucket, 'meta');
  });

  suite.case('metadata over the limit across many names rejects InvalidArgument', async ({ storage, bucket }) => {
    const metadata = Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`name-${i}`, 'x'.repeat(12)]));
    await expectError(storage.putObject(bucket, 'meta', 'x', { metadata }), 'InvalidArgument', { bucket, key: 'meta' });
    await expectNothingLeft(storage, bucket, 'meta');
  });

  suite.case('oversized metadata with a multi-MiB stream is refused before the body is read', async ({ storage, bucket }) => {
    const chunk = 256 * 1024;
    const { body, pulled } = countingBody({ chunkSize: chunk, total: Math.ceil((large + 1024) / chunk) });
    const options: PutOptions = { metadata: { a: 'x'.repeat(1500), b: 'y'.repeat(600) } };
    await expectError(storage.putObject(bucket, 'meta-big', body, options), 'InvalidArgument', { bucket, key: 'meta-big' });
    expect(pulled(), 'chunks of the body read before the refusal').toBe(0);
    await expectNothingLeft(storage, bucket, 'meta-big');
  });

  suite.case('oversized metadata with a body that never ends is refused at once, without a signal', async ({ storage, bucket }) => {
    const { body, pulled } = countingBody({ chunkSize: 4096, total: Infinity, pause: 1 });
    await expectError(storage.putObject(bucket, 'meta-endless', body, { metadata: { m: 'v'.repeat(3000) } }), 'InvalidArgument', {
      bucket,
      key: 'meta-endless',
    });
    expect(pulled()).toBe(0);
    await expectNothingLeft(storage, bucket, 'meta-endless');
  });

  suite.case('oversized metadata on a copy rejects InvalidArgument and leaves the target absent', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'source', 'content');
    await expectError(
      storage.copyObject({ bucket, key: 'source' }, { bucket, key: 'target' }, { metadata: { m: 'v'.repeat(MAX_METADATA_BYTES + 10) } }),
      'InvalidArgument',
      { bucket, key: 'target' },
    );
    await expectAbsent(storage, bucket, 'target');
    expect((await readAll(storage, bucket, 'source')).toString()).toBe('content');
  });
}
