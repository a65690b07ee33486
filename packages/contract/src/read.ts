import { Readable } from 'node:stream';
import { expect } from 'vitest';
import type { ByteRange, ErrorCode, ObjectInfo, ReadConditions, Storage } from '@stowage/core';
import type { BooleanCapability, ContractSuite } from './context.js';
import { delay, expectBytes, expectError, pattern, secondsFrom } from './helpers.js';
import { SAMPLE_HEADERS } from './write.js';

const SIZE = 1000;

/** Range cases on a 1000-byte object: the range, the bytes expected, or the error. */
const RANGES: [label: string, range: ByteRange, expected: { offset: number; length: number } | ErrorCode, needs: BooleanCapability[]][] = [
  ['offset only', { offset: 300 }, { offset: 300, length: 700 }, ['rangeRead']],
  ['offset 0 and length 1', { offset: 0, length: 1 }, { offset: 0, length: 1 }, ['rangeRead']],
  ['offset and length', { offset: 100, length: 250 }, { offset: 100, length: 250 }, ['rangeRead']],
  ['the last byte', { offset: SIZE - 1, length: 1 }, { offset: SIZE - 1, length: 1 }, ['rangeRead']],
  ['a length past the end (truncated)', { offset: 900, length: 500 }, { offset: 900, length: 100 }, ['rangeRead']],
  ['offset 0 and a length of the whole object', { offset: 0, length: SIZE }, { offset: 0, length: SIZE }, ['rangeRead']],
  ['an offset at the end', { offset: SIZE }, 'InvalidRange', ['rangeRead']],
  ['an offset after the end', { offset: SIZE + 500, length: 10 }, 'InvalidRange', ['rangeRead']],
  ['a suffix', { suffix: 10 }, { offset: SIZE - 10, length: 10 }, ['suffixRange']],
  ['a suffix of 1 byte', { suffix: 1 }, { offset: SIZE - 1, length: 1 }, ['suffixRange']],
  ['a suffix larger than the object (whole object)', { suffix: SIZE + 100 }, { offset: 0, length: SIZE }, ['suffixRange']],
  ['a negative offset', { offset: -1 }, 'InvalidArgument', []],
  ['a zero length', { offset: 10, length: 0 }, 'InvalidArgument', []],
  ['a zero suffix', { suffix: 0 }, 'InvalidArgument', []],
];

type Outcome = 'ok' | 'PreconditionFailed' | 'NotModified';
type ConditionCase = [label: string, make: (info: ObjectInfo) => ReadConditions, outcome: Outcome];

const OTHER_ETAG = '"00000000000000000000000000000000"';

/** Read conditions on an object that was written just now, and what S3 answers. */
const CONDITIONS: ConditionCase[] = [
  ['ifMatch with the current ETag', (i) => ({ ifMatch: i.etag }), 'ok'],
  ['ifMatch with another ETag', () => ({ ifMatch: OTHER_ETAG }), 'PreconditionFailed'],
  ['ifNoneMatch with the current ETag', (i) => ({ ifNoneMatch: i.etag }), 'NotModified'],
  ['ifNoneMatch with another ETag', () => ({ ifNoneMatch: OTHER_ETAG }), 'ok'],
  ['ifModifiedSince an hour ago', (i) => ({ ifModifiedSince: secondsFrom(i.lastModified, -3600) }), 'ok'],
  // Dates at the object's own lastModified rather than in the future: servers may ignore a future
  // If-Modified-Since as invalid (RFC 2616), and the server's clock is the one that counts.
  ['ifModifiedSince its lastModified', (i) => ({ ifModifiedSince: secondsFrom(i.lastModified, 0) }), 'NotModified'],
  ['ifUnmodifiedSince its lastModified', (i) => ({ ifUnmodifiedSince: secondsFrom(i.lastModified, 0) }), 'ok'],
  ['ifUnmodifiedSince an hour ago', (i) => ({ ifUnmodifiedSince: secondsFrom(i.lastModified, -3600) }), 'PreconditionFailed'],
  [
    // S3 documents this pair: If-Match true and If-Unmodified-Since false → 200 with the data.
    'ifMatch true and ifUnmodifiedSince false (ifMatch wins)',
    (i) => ({ ifMatch: i.etag, ifUnmodifiedSince: secondsFrom(i.lastModified, -3600) }),
    'ok',
  ],
  [
    // S3 documents this pair: If-None-Match false (the ETag matches) and If-Modified-Since true → 304.
    'ifNoneMatch matching and ifModifiedSince an hour ago (NotModified wins)',
    (i) => ({ ifNoneMatch: i.etag, ifModifiedSince: secondsFrom(i.lastModified, -3600) }),
    'NotModified',
  ],
];

async function collectStream(body: AsyncIterable<unknown>): Promise<{ bytes: Buffer; chunks: number; largest: number }> {
  const parts: Buffer[] = [];
  let largest = 0;
  for await (const chunk of body) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
    largest = Math.max(largest, b.length);
    parts.push(b);
  }
  return { bytes: Buffer.concat(parts), chunks: parts.length, largest };
}

async function readWebStream(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const reader = stream.getReader();
  const parts: Buffer[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(Buffer.from(value));
  }
  return Buffer.concat(parts);
}

async function putSample(storage: Storage, bucket: string, key = 'r'): Promise<{ bytes: Buffer; info: ObjectInfo }> {
  const bytes = pattern(SIZE, 11);
  await storage.putObject(bucket, key, bytes, { ...SAMPLE_HEADERS, metadata: { role: 'sample' } });
  return { bytes, info: await storage.headObject(bucket, key) };
}

/** Reads: the ways to consume a body, ranges, conditions, missing keys and read isolation. */
export function registerRead(suite: ContractSuite): void {
  suite.case('getObject body is a Node Readable that yields the whole object', async ({ storage, bucket }) => {
    const { bytes } = await putSample(storage, bucket);
    const got = await storage.getObject(bucket, 'r');
    expect(got.body).toBeInstanceOf(Readable);
    expectBytes((await collectStream(got.body)).bytes, bytes);
  });

  suite.case('bytes() returns the whole object', async ({ storage, bucket }) => {
    const { bytes } = await putSample(storage, bucket);
    const got = await storage.getObject(bucket, 'r');
    const read = await got.bytes();
    expect(read).toBeInstanceOf(Uint8Array);
    expectBytes(read, bytes);
  });

  suite.case('text() decodes the object as UTF-8', async ({ storage, bucket }) => {
    const text = 'Grüße aus 東京 😀\nline two';
    await storage.putObject(bucket, 't', text);
    expect(await (await storage.getObject(bucket, 't')).text()).toBe(text);
  });

  suite.case('text() decodes a multi-byte character split across chunks', async ({ storage, bucket }) => {
    const text = `${'a'.repeat(65_535)}€${'b'.repeat(70_000)}😀`;
    await storage.putObject(bucket, 't', text);
    expect(await (await storage.getObject(bucket, 't')).text()).toBe(text);
  });

  suite.case('webStream() yields the whole object', async ({ storage, bucket }) => {
    const { bytes } = await putSample(storage, bucket);
    const got = await storage.getObject(bucket, 'r');
    const stream = got.webStream();
    expect(typeof stream.getReader).toBe('function');
    expectBytes(await readWebStream(stream), bytes);
  });

  suite.case('an empty object reads as zero bytes every way', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'e', '');
    expect((await (await storage.getObject(bucket, 'e')).bytes()).byteLength).toBe(0);
    expect(await (await storage.getObject(bucket, 'e')).text()).toBe('');
    expect((await readWebStream((await storage.getObject(bucket, 'e')).webStream())).length).toBe(0);
    const got = await storage.getObject(bucket, 'e');
    expect(got.info.size).toBe(0);
    expect((await collectStream(got.body)).bytes.length).toBe(0);
  });

  suite.case('getObject info carries size, ETag, lastModified, headers and metadata', async ({ storage, bucket }) => {
    const { info } = await putSample(storage, bucket);
    const got = await storage.getObject(bucket, 'r');
    expect(got.info.key).toBe('r');
    expect(got.info.size).toBe(SIZE);
    expect(got.info.etag).toBe(info.etag);
    expect(got.info.lastModified.getTime()).toBe(info.lastModified.getTime());
    for (const [name, value] of Object.entries(SAMPLE_HEADERS)) expect(got.info[name as keyof ObjectInfo], name).toBe(value);
    expect(got.info.metadata).toEqual({ role: 'sample' });
    expect(got.range).toBeUndefined();
    await got.bytes();
  });

  suite.case('headObject reports size, ETag, lastModified, headers and metadata', async ({ storage, bucket }) => {
    const put = await storage.putObject(bucket, 'h', 'head me', { ...SAMPLE_HEADERS, metadata: { a: '1', b: '2' } });
    const info = await storage.headObject(bucket, 'h');
    expect(info).toMatchObject({ key: 'h', size: 7, etag: put.etag, ...SAMPLE_HEADERS, metadata: { a: '1', b: '2' } });
    expect(info.lastModified).toBeInstanceOf(Date);
  });

  suite.case(
    'a multi-MiB object streams in chunks, not as one buffer',
    async ({ storage, bucket }) => {
      const bytes = pattern(suite.options.largeBodyBytes, 12);
      await storage.putObject(bucket, 'big', bytes);
      const got = await storage.getObject(bucket, 'big');
      const read = await collectStream(got.body);
      expectBytes(read.bytes, bytes);
      expect(read.chunks).toBeGreaterThan(1);
      expect(read.largest).toBeLessThanOrEqual(Math.max(1024 * 1024, bytes.length / 4));
    },
    { large: true, needs: ['readAfterWrite'], timeout: suite.options.timeout * 2 },
  );

  for (const [label, range, expected, needs] of RANGES) {
    const title =
      typeof expected === 'string'
        ? `a range with ${label} rejects ${expected}`
        : `a range with ${label} returns bytes ${expected.offset}..${expected.offset + expected.length - 1} and says so`;
    suite.case(
      title,
      async ({ storage, bucket }) => {
        const { bytes, info } = await putSample(storage, bucket);
        if (typeof expected === 'string') {
          await expectError(storage.getObject(bucket, 'r', { range }), expected, { bucket, key: 'r' });
          return;
        }
        const got = await storage.getObject(bucket, 'r', { range });
        expect(got.range).toEqual(expected);
        expect(got.info.size).toBe(SIZE);
        expect(got.info.etag).toBe(info.etag);
        expectBytes(await got.bytes(), bytes.subarray(expected.offset, expected.offset + expected.length));
      },
      { needs },
    );
  }

  suite.case(
    'a range on a multi-MiB object returns just those bytes',
    async ({ storage, bucket }) => {
      const bytes = pattern(suite.options.largeBodyBytes, 13);
      await storage.putObject(bucket, 'big', bytes);
      const offset = Math.floor(bytes.length / 2) + 7;
      const got = await storage.getObject(bucket, 'big', { range: { offset, length: 100_000 } });
      expect(got.range).toEqual({ offset, length: 100_000 });
      expectBytes(await got.bytes(), bytes.subarray(offset, offset + 100_000));
    },
    { large: true, needs: ['readAfterWrite', 'rangeRead'], timeout: suite.options.timeout * 2 },
  );

  suite.case(
    'a range of multi-byte text splits characters where asked',
    async ({ storage, bucket }) => {
      await storage.putObject(bucket, 'u', 'ab€cd');
      const got = await storage.getObject(bucket, 'u', { range: { offset: 2, length: 3 } });
      expect(Buffer.from(await got.bytes()).toString('utf8')).toBe('€');
    },
    { needs: ['rangeRead'] },
  );

  for (const op of ['getObject', 'headObject'] as const) {
    for (const [label, make, outcome] of CONDITIONS) {
      const verb = outcome === 'ok' ? 'succeeds' : `rejects ${outcome}`;
      suite.case(
        `${op} with ${label} ${verb}`,
        async ({ storage, bucket }) => {
          const { info, bytes } = await putSample(storage, bucket);
          const conditions = make(info);
          if (outcome !== 'ok') {
            await expectError(storage[op](bucket, 'r', conditions), outcome, { bucket, key: 'r' });
            return;
          }
          if (op === 'headObject') {
            expect((await storage.headObject(bucket, 'r', conditions)).etag).toBe(info.etag);
          } else {
            const got = await storage.getObject(bucket, 'r', conditions);
            expect(got.info.etag).toBe(info.etag);
            expectBytes(await got.bytes(), bytes);
          }
        },
        { needs: ['conditionalGet'] },
      );
    }
  }

  suite.case(
    'a conditional ranged get applies both the condition and the range',
    async ({ storage, bucket }) => {
      const { info, bytes } = await putSample(storage, bucket);
      const got = await storage.getObject(bucket, 'r', { ifMatch: info.etag, range: { offset: 10, length: 5 } });
      expectBytes(await got.bytes(), bytes.subarray(10, 15));
      await expectError(storage.getObject(bucket, 'r', { ifMatch: OTHER_ETAG, range: { offset: 10, length: 5 } }), 'PreconditionFailed', {
        bucket,
        key: 'r',
      });
    },
    { needs: ['conditionalGet', 'rangeRead'] },
  );

  suite.case(
    'ifNoneMatch with an old ETag succeeds after an overwrite',
    async ({ storage, bucket }) => {
      const old = await storage.putObject(bucket, 'v', 'one');
      await storage.putObject(bucket, 'v', 'two');
      expect(await (await storage.getObject(bucket, 'v', { ifNoneMatch: old.etag })).text()).toBe('two');
    },
    { needs: ['conditionalGet'] },
  );

  suite.case('getObject of a missing key rejects NoSuchKey from the call, not the stream', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'other', 'x');
    await expectError(storage.getObject(bucket, 'missing'), 'NoSuchKey', { bucket, key: 'missing' });
  });

  suite.case('getObject of a missing key with a range rejects NoSuchKey', async ({ storage, bucket }) => {
    await expectError(storage.getObject(bucket, 'missing', { range: { offset: 0, length: 1 } }), 'NoSuchKey', {
      bucket,
      key: 'missing',
    });
  });

  suite.case('headObject of a missing key rejects NoSuchKey', async ({ storage, bucket }) => {
    await expectError(storage.headObject(bucket, 'missing'), 'NoSuchKey', { bucket, key: 'missing' });
  });

  suite.case('a "folder" of existing keys is not itself an object', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'dir/file', 'x');
    await expectError(storage.headObject(bucket, 'dir'), 'NoSuchKey', { bucket, key: 'dir' });
    await expectError(storage.getObject(bucket, 'dir'), 'NoSuchKey', { bucket, key: 'dir' });
  });

  suite.case('a key that is a prefix of another key is not found by it', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'abc', 'x');
    await expectError(storage.headObject(bucket, 'ab'), 'NoSuchKey', { bucket, key: 'ab' });
  });

  suite.case('getObject aborted before it starts rejects Aborted', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'r', 'x');
    const controller = new AbortController();
    controller.abort();
    await expectError(storage.getObject(bucket, 'r', { signal: controller.signal }), 'Aborted', { bucket, key: 'r' });
  });

  suite.case('headObject aborted before it starts rejects Aborted', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'r', 'x');
    const controller = new AbortController();
    controller.abort();
    await expectError(storage.headObject(bucket, 'r', { signal: controller.signal }), 'Aborted', { bucket, key: 'r' });
  });

  suite.case('two reads of one object can be consumed independently', async ({ storage, bucket }) => {
    const { bytes } = await putSample(storage, bucket);
    const a = await storage.getObject(bucket, 'r');
    const b = await storage.getObject(bucket, 'r');
    expectBytes(await b.bytes(), bytes);
    expectBytes(await a.bytes(), bytes);
  });

  suite.case(
    'a read started before an overwrite returns the old version whole',
    async ({ storage, bucket }) => {
      const oldBytes = pattern(1024 * 1024, 21);
      const newBytes = pattern(1024 * 1024, 22);
      const old = await storage.putObject(bucket, 'iso', oldBytes);
      const got = await storage.getObject(bucket, 'iso');
      const iterator = got.body[Symbol.asyncIterator]();
      const first = await iterator.next();
      const parts: Buffer[] = first.done ? [] : [Buffer.from(first.value as Uint8Array)];
      await storage.putObject(bucket, 'iso', newBytes);
      await delay(10);
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        parts.push(Buffer.from(next.value as Uint8Array));
      }
      expect(got.info.etag).toBe(old.etag);
      expectBytes(Buffer.concat(parts), oldBytes, 'the read begun before the overwrite');
      const after = await storage.getObject(bucket, 'iso');
      expectBytes(await after.bytes(), newBytes, 'a read after the overwrite');
    },
    { needs: ['readIsolation'] },
  );

  suite.case(
    'a read started before a delete returns the old version whole',
    async ({ storage, bucket }) => {
      const oldBytes = pattern(512 * 1024, 23);
      await storage.putObject(bucket, 'gone', oldBytes);
      const got = await storage.getObject(bucket, 'gone');
      const iterator = got.body[Symbol.asyncIterator]();
      const first = await iterator.next();
      const parts: Buffer[] = first.done ? [] : [Buffer.from(first.value as Uint8Array)];
      await storage.deleteObject(bucket, 'gone');
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        parts.push(Buffer.from(next.value as Uint8Array));
      }
      expectBytes(Buffer.concat(parts), oldBytes, 'the read begun before the delete');
      await expectError(storage.headObject(bucket, 'gone'), 'NoSuchKey', { bucket, key: 'gone' });
    },
    { needs: ['readIsolation'] },
  );
}
