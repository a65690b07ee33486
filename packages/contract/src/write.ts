import { Readable } from 'node:stream';
import { expect } from 'vitest';
import { ERROR_CODES, type BodyInput, type ContentHeaders, type ProgressEvent, type PutOptions } from '@stowage/core';
import { CLOCK_SKEW_MS } from './buckets.js';
import type { ContractSuite } from './context.js';
import {
  BODY_FORMS,
  asciiPattern,
  bodyOf,
  delay,
  expectAbsent,
  expectBytes,
  expectError,
  expectOldKept,
  pattern,
  readAll,
  stallingBody,
  type BodyForm,
} from './helpers.js';

/** One value per content header, each different from the others' defaults. */
export const SAMPLE_HEADERS: Required<ContentHeaders> = {
  contentType: 'text/x-stowage; charset=utf-8',
  contentEncoding: 'identity',
  contentDisposition: 'attachment; filename="report.txt"',
  contentLanguage: 'de-CH',
  cacheControl: 'max-age=3600, must-revalidate',
};

const HEADER_NAMES = Object.keys(SAMPLE_HEADERS) as (keyof ContentHeaders)[];

/** The bytes a body of `form` and `size` holds (strings need valid UTF-8, so they get ASCII). */
function bytesFor(form: BodyForm, size: number, seed: number): Buffer {
  return form === 'string' ? Buffer.from(asciiPattern(size, seed), 'latin1') : pattern(size, seed);
}

/** Writes: every body form and size, headers and metadata, ETags, conditions, aborts and failures. */
export function registerWrite(suite: ContractSuite): void {
  const large = suite.options.largeBodyBytes;
  const sizes: [label: string, size: number, isLarge: boolean][] = [
    ['an empty', 0, false],
    ['a 1-byte', 1, false],
    [`a ${(large / 1024 / 1024).toFixed(1)} MiB`, large, true],
  ];
  for (const form of BODY_FORMS) {
    for (const [label, size, isLarge] of sizes) {
      suite.case(
        `put of ${label} body given as ${form} round-trips byte for byte`,
        async ({ storage, bucket }) => {
          const bytes = bytesFor(form, size, size + form.length);
          const result = await storage.putObject(bucket, `body/${form}`, bodyOf(form, bytes));
          expect(result.etag).toMatch(/^"[^"]+"$/);
          if (result.size !== undefined) expect(result.size).toBe(size);
          const info = await storage.headObject(bucket, `body/${form}`);
          expect(info.size).toBe(size);
          expect(info.etag).toBe(result.etag);
          expectBytes(await readAll(storage, bucket, `body/${form}`), bytes);
        },
        // A multi-MiB read right after its put finds it whole only where puts are durable when acknowledged.
        isLarge
          ? { large: true, needs: ['readAfterWrite'], timeout: suite.options.timeout * 2 }
          : { timeout: size > 1 ? suite.options.timeout * 2 : undefined },
      );
    }
  }

  suite.case('a stream of unknown length with uneven, non-contiguous chunks round-trips', async ({ storage, bucket }) => {
    const backing = pattern(300_000, 7);
    const sizes = [1, 7, 65_537, 3, 0, 100_000, 2, 4096, 13];
    const views: Uint8Array[] = [];
    let at = 5; // views start inside the backing buffer, not at its offset 0
    for (const n of sizes) {
      views.push(backing.subarray(at, at + n));
      at += n + 11; // and skip bytes between views
    }
    const expected = Buffer.concat(views);
    async function* source() {
      for (const v of views) {
        await delay(0);
        yield v;
      }
    }
    await storage.putObject(bucket, 'uneven', source());
    expectBytes(await readAll(storage, bucket, 'uneven'), expected);
    expect((await storage.headObject(bucket, 'uneven')).size).toBe(expected.length);
  });

  suite.case('a Uint8Array view into a larger buffer stores only the bytes of the view', async ({ storage, bucket }) => {
    const backing = pattern(1000, 3);
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 100, 50);
    await storage.putObject(bucket, 'view', view);
    expectBytes(await readAll(storage, bucket, 'view'), backing.subarray(100, 150));
  });

  suite.case('a Node Readable of string chunks stores their UTF-8 bytes', async ({ storage, bucket }) => {
    const parts = ['grüße ', 'aus ', '東京 ', '😀'];
    await storage.putObject(bucket, 'strings', Readable.from(parts));
    expect((await readAll(storage, bucket, 'strings')).toString('utf8')).toBe(parts.join(''));
  });

  suite.case('a Unicode string body is stored as UTF-8', async ({ storage, bucket }) => {
    const text = 'Zürich – 東京 – 😀 – \u0000 – end';
    await storage.putObject(bucket, 'utf8', text);
    const info = await storage.headObject(bucket, 'utf8');
    expect(info.size).toBe(Buffer.byteLength(text, 'utf8'));
    expect((await readAll(storage, bucket, 'utf8')).toString('utf8')).toBe(text);
  });

  suite.case('a stream with empty chunks in it round-trips', async ({ storage, bucket }) => {
    const parts = [Buffer.alloc(0), Buffer.from('ab'), Buffer.alloc(0), Buffer.alloc(0), Buffer.from('cd'), Buffer.alloc(0)];
    await storage.putObject(
      bucket,
      'gaps',
      (async function* () {
        yield* parts;
      })(),
    );
    expect((await readAll(storage, bucket, 'gaps')).toString()).toBe('abcd');
  });

  suite.case('a stream with a size option that matches its length is accepted', async ({ storage, bucket }) => {
    const bytes = pattern(70_000, 9);
    await storage.putObject(bucket, 'sized', Readable.from([bytes.subarray(0, 30_000), bytes.subarray(30_000)]), {
      size: bytes.length,
    });
    expectBytes(await readAll(storage, bucket, 'sized'), bytes);
  });

  for (const name of HEADER_NAMES) {
    suite.case(`the ${name} header alone round-trips through head and get`, async ({ storage, bucket }) => {
      const value = SAMPLE_HEADERS[name];
      await storage.putObject(bucket, 'h', 'headers', { [name]: value });
      const info = await storage.headObject(bucket, 'h');
      expect(info[name]).toBe(value);
      for (const other of HEADER_NAMES) {
        if (other !== name && other !== 'contentType') expect(info[other], other).toBeUndefined();
      }
      const got = await storage.getObject(bucket, 'h');
      expect(got.info[name]).toBe(value);
      expect(await got.text()).toBe('headers');
    });
  }

  suite.case('all content headers together round-trip', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'all', 'x', { ...SAMPLE_HEADERS });
    const info = await storage.headObject(bucket, 'all');
    for (const name of HEADER_NAMES) expect(info[name], name).toBe(SAMPLE_HEADERS[name]);
    const got = await storage.getObject(bucket, 'all');
    for (const name of HEADER_NAMES) expect(got.info[name], name).toBe(SAMPLE_HEADERS[name]);
    await got.bytes();
  });

  suite.case('metadata with several keys round-trips, names in lower case', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'm', 'x', {
      metadata: { Author: 'Ada', 'x-Trace-Id': 'abc-123', plain: 'value with spaces', 'dotted.name': '1' },
    });
    const expected = { author: 'Ada', 'x-trace-id': 'abc-123', plain: 'value with spaces', 'dotted.name': '1' };
    expect((await storage.headObject(bucket, 'm')).metadata).toEqual(expected);
    const got = await storage.getObject(bucket, 'm');
    expect(got.info.metadata).toEqual(expected);
    await got.bytes();
  });

  suite.case('metadata with Unicode values round-trips', async ({ storage, bucket }) => {
    const metadata = { city: 'Zürich', greeting: 'こんにちは', emoji: '😀 ok', mixed: 'a=b; c="d" ü' };
    await storage.putObject(bucket, 'mu', 'x', { metadata });
    expect((await storage.headObject(bucket, 'mu')).metadata).toEqual(metadata);
  });

  suite.case('an object written without metadata has empty metadata', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'none', 'x');
    expect((await storage.headObject(bucket, 'none')).metadata).toEqual({});
  });

  suite.case('metadata of exactly 2048 bytes (names and values) is accepted', async ({ storage, bucket }) => {
    const metadata = { k1: 'a'.repeat(1000), k2: 'b'.repeat(1044) };
    await storage.putObject(bucket, 'limit', 'x', { metadata });
    expect((await storage.headObject(bucket, 'limit')).metadata).toEqual(metadata);
  });

  suite.case('putObject returns the ETag that headObject and getObject report', async ({ storage, bucket }) => {
    const put = await storage.putObject(bucket, 'e', 'etag me');
    expect((await storage.headObject(bucket, 'e')).etag).toBe(put.etag);
    const got = await storage.getObject(bucket, 'e');
    expect(got.info.etag).toBe(put.etag);
    await got.bytes();
  });

  suite.case('ETags are quoted, as S3 sends them', async ({ storage, bucket }) => {
    const put = await storage.putObject(bucket, 'q', 'quoted');
    expect(put.etag).toMatch(/^"[^"]+"$/);
    expect((await storage.headObject(bucket, 'q')).etag).toMatch(/^"[^"]+"$/);
  });

  suite.case('the ETag changes when the content changes', async ({ storage, bucket }) => {
    const first = await storage.putObject(bucket, 'c', 'version one');
    const second = await storage.putObject(bucket, 'c', 'version two');
    expect(second.etag).not.toBe(first.etag);
    expect((await storage.headObject(bucket, 'c')).etag).toBe(second.etag);
  });

  suite.case('objects with different content have different ETags', async ({ storage, bucket }) => {
    const a = await storage.putObject(bucket, 'a', 'aaa');
    const b = await storage.putObject(bucket, 'b', 'aab');
    expect(a.etag).not.toBe(b.etag);
  });

  suite.case('an overwrite replaces the data and all headers and metadata', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'o', 'the first and longer version', {
      ...SAMPLE_HEADERS,
      metadata: { old: 'yes', shared: 'first' },
    });
    await storage.putObject(bucket, 'o', 'second', { contentLanguage: 'fr', metadata: { shared: 'second', fresh: '1' } });
    const info = await storage.headObject(bucket, 'o');
    expect(info.size).toBe(6);
    expect(info.metadata).toEqual({ shared: 'second', fresh: '1' });
    expect(info.contentLanguage).toBe('fr');
    expect(info.contentDisposition).toBeUndefined();
    expect(info.cacheControl).toBeUndefined();
    expect(info.contentEncoding).toBeUndefined();
    expect(info.contentType).not.toBe(SAMPLE_HEADERS.contentType);
    expect((await readAll(storage, bucket, 'o')).toString()).toBe('second');
  });

  suite.case('an overwrite with a shorter body leaves no trailing bytes', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 't', pattern(10_000, 1));
    await storage.putObject(bucket, 't', 'short');
    expect((await readAll(storage, bucket, 't')).toString()).toBe('short');
    expect((await storage.headObject(bucket, 't')).size).toBe(5);
  });

  suite.case('lastModified is a Date near now', async ({ storage, bucket }) => {
    const before = Date.now();
    await storage.putObject(bucket, 'lm', 'x');
    const info = await storage.headObject(bucket, 'lm');
    expect(info.lastModified).toBeInstanceOf(Date);
    const at = info.lastModified.getTime();
    expect(Number.isNaN(at)).toBe(false);
    expect(at).toBeGreaterThan(before - CLOCK_SKEW_MS);
    expect(at).toBeLessThan(Date.now() + CLOCK_SKEW_MS);
  });

  suite.case('an overwrite does not move lastModified back', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'lm', 'one');
    const first = (await storage.headObject(bucket, 'lm')).lastModified.getTime();
    await delay(20);
    await storage.putObject(bucket, 'lm', 'two');
    expect((await storage.headObject(bucket, 'lm')).lastModified.getTime()).toBeGreaterThanOrEqual(first);
  });

  suite.case('onProgress reports the bucket, the key and bytes up to the size', async ({ storage, bucket }) => {
    const bytes = pattern(200_000, 4);
    const events: ProgressEvent[] = [];
    await storage.putObject(bucket, 'p', Readable.from([bytes.subarray(0, 100_000), bytes.subarray(100_000)]), {
      onProgress: (e) => events.push({ ...e }),
    });
    expect(events.length, 'onProgress was never called').toBeGreaterThan(0);
    for (const e of events) {
      expect(e.bucket).toBe(bucket);
      expect(e.key).toBe('p');
      expect(e.loaded).toBeLessThanOrEqual(bytes.length);
      if (e.total !== undefined) expect(e.loaded).toBeLessThanOrEqual(e.total);
    }
    expect(events.at(-1)?.loaded).toBe(bytes.length);
    expect(events.reduce((sum, e) => sum + e.delta, 0)).toBe(bytes.length);
  });

  for (const [form, body] of [
    ['a string', 'progress body'],
    ['a stream', () => Readable.from([pattern(70_000, 5), pattern(70_000, 6)])],
  ] as const) {
    suite.case(
      `an onProgress that throws fails a put of ${form} with InvalidArgument and keeps the old object`,
      async ({ storage, bucket }) => {
        const old = await storage.putObject(bucket, 'keep', 'old content', { metadata: { v: 'old' } });
        const thrown = new Error('the progress bar broke');
        const put = storage.putObject(bucket, 'keep', typeof body === 'string' ? body : body(), {
          metadata: { v: 'new' },
          onProgress: () => {
            throw thrown;
          },
        });
        const error = await expectError(put, 'InvalidArgument', { bucket, key: 'keep' });
        expect(error.cause, "the callback's own error as the cause").toBe(thrown);
        await expectOldKept(storage, bucket, 'keep', old);
      },
    );
  }

  // Conditional writes.
  suite.case(
    "ifNoneMatch '*' writes a new key",
    async ({ storage, bucket }) => {
      const put = await storage.putObject(bucket, 'new', 'created', { ifNoneMatch: '*' });
      expect((await storage.headObject(bucket, 'new')).etag).toBe(put.etag);
      expect((await readAll(storage, bucket, 'new')).toString()).toBe('created');
    },
    { needs: ['conditionalPut'] },
  );

  suite.case(
    "ifNoneMatch '*' on an existing key rejects PreconditionFailed and keeps the old object",
    async ({ storage, bucket }) => {
      const old = await storage.putObject(bucket, 'taken', 'original', { metadata: { v: '1' } });
      await expectError(storage.putObject(bucket, 'taken', 'intruder', { ifNoneMatch: '*', metadata: { v: '2' } }), 'PreconditionFailed', {
        bucket,
        key: 'taken',
      });
      const info = await storage.headObject(bucket, 'taken');
      expect(info.etag).toBe(old.etag);
      expect(info.metadata).toEqual({ v: '1' });
      expect((await readAll(storage, bucket, 'taken')).toString()).toBe('original');
    },
    { needs: ['conditionalPut'] },
  );

  suite.case(
    "ifNoneMatch '*' with a stream body on an existing key rejects and keeps the old object",
    async ({ storage, bucket }) => {
      await storage.putObject(bucket, 'taken', 'original');
      await expectError(
        storage.putObject(bucket, 'taken', Readable.from([Buffer.from('intruder')]), { ifNoneMatch: '*' }),
        'PreconditionFailed',
        { bucket, key: 'taken' },
      );
      expect((await readAll(storage, bucket, 'taken')).toString()).toBe('original');
    },
    { needs: ['conditionalPut'] },
  );

  suite.case(
    'ifMatch with the current ETag overwrites',
    async ({ storage, bucket }) => {
      const old = await storage.putObject(bucket, 'm', 'one');
      const put = await storage.putObject(bucket, 'm', 'two', { ifMatch: old.etag });
      expect(put.etag).not.toBe(old.etag);
      expect((await readAll(storage, bucket, 'm')).toString()).toBe('two');
    },
    { needs: ['conditionalPut', 'ifMatchOnPut'] },
  );

  suite.case(
    'ifMatch with another ETag rejects PreconditionFailed and keeps the object',
    async ({ storage, bucket }) => {
      const first = await storage.putObject(bucket, 'm', 'one');
      await storage.putObject(bucket, 'm', 'two');
      await expectError(storage.putObject(bucket, 'm', 'three', { ifMatch: first.etag }), 'PreconditionFailed', {
        bucket,
        key: 'm',
      });
      expect((await readAll(storage, bucket, 'm')).toString()).toBe('two');
    },
    { needs: ['conditionalPut', 'ifMatchOnPut'] },
  );

  suite.case(
    'ifMatch on a missing key rejects (NoSuchKey or PreconditionFailed) and writes nothing',
    async ({ storage, bucket }) => {
      // AWS S3 answers 404 NoSuchKey here; Ceph RGW, MinIO and the local drivers answer 412
      // PreconditionFailed. Both are correct readings of If-Match on a missing resource.
      await expectError(
        storage.putObject(bucket, 'absent', 'x', { ifMatch: '"0123456789abcdef0123456789abcdef"' }),
        ['NoSuchKey', 'PreconditionFailed'],
        { bucket, key: 'absent' },
      );
      await expectAbsent(storage, bucket, 'absent');
    },
    { needs: ['conditionalPut', 'ifMatchOnPut'] },
  );

  suite.case("ifNoneMatch other than '*' on a write rejects InvalidArgument", async ({ storage, bucket }) => {
    const bad = { ifNoneMatch: '"abc"' } as unknown as PutOptions;
    await expectError(storage.putObject(bucket, 'k', 'x', bad), 'InvalidArgument', { bucket, key: 'k' });
    await expectAbsent(storage, bucket, 'k');
  });

  // Aborts and failures.
  suite.case('a put aborted before it starts rejects Aborted and writes nothing', async ({ storage, bucket }) => {
    const controller = new AbortController();
    controller.abort();
    await expectError(storage.putObject(bucket, 'a', 'never', { signal: controller.signal }), 'Aborted', {
      bucket,
      key: 'a',
    });
    await expectAbsent(storage, bucket, 'a');
  });

  suite.case('a put aborted mid-stream rejects Aborted and writes nothing', async ({ storage, bucket }) => {
    const controller = new AbortController();
    const { body, stalled } = stallingBody(pattern(1000, 2));
    const put = storage.putObject(bucket, 'a', body, { signal: controller.signal });
    put.catch(() => undefined);
    await stalled;
    controller.abort();
    await expectError(put, 'Aborted', { bucket, key: 'a' });
    await expectAbsent(storage, bucket, 'a');
  });

  suite.case('a put of a body that never ends rejects Aborted once its signal fires', async ({ storage, bucket }) => {
    const controller = new AbortController();
    async function* endless() {
      const piece = pattern(4096, 5);
      for (;;) {
        await delay(1);
        yield piece;
      }
    }
    const put = storage.putObject(bucket, 'endless', endless(), { signal: controller.signal });
    put.catch(() => undefined);
    await delay(100);
    controller.abort();
    await expectError(put, 'Aborted', { bucket, key: 'endless' });
    await expectAbsent(storage, bucket, 'endless');
  });

  suite.case('an overwrite aborted mid-stream keeps the old object', async ({ storage, bucket }) => {
    const old = await storage.putObject(bucket, 'keep', 'old content', { metadata: { v: 'old' } });
    const controller = new AbortController();
    const { body, stalled } = stallingBody(pattern(1000, 2));
    const put = storage.putObject(bucket, 'keep', body, { signal: controller.signal, metadata: { v: 'new' } });
    put.catch(() => undefined);
    await stalled;
    controller.abort();
    await expectError(put, 'Aborted', { bucket, key: 'keep' });
    await expectOldKept(storage, bucket, 'keep', old);
  });

  suite.case(
    'a multi-MiB put aborted after its first part rejects Aborted and writes nothing',
    async ({ storage, bucket }) => {
      const controller = new AbortController();
      const head = pattern(large + 1024, 8);
      let stalledResolve: () => void = () => undefined;
      const stalled = new Promise<void>((r) => {
        stalledResolve = r;
      });
      async function* body() {
        for (let i = 0; i < head.length; i += 256 * 1024) yield head.subarray(i, i + 256 * 1024);
        stalledResolve();
        await new Promise<never>(() => undefined);
      }
      const put = storage.putObject(bucket, 'big', body(), { signal: controller.signal });
      put.catch(() => undefined);
      await stalled;
      await delay(50);
      controller.abort();
      await expectError(put, 'Aborted', { bucket, key: 'big' });
      await expectAbsent(storage, bucket, 'big');
    },
    { large: true, needs: ['cleanAbort'], timeout: suite.options.timeout * 2 },
  );

  suite.case('a put whose body throws mid-stream rejects with a StorageError and writes nothing', async ({ storage, bucket }) => {
    async function* failing() {
      yield pattern(1000, 1);
      await delay(1);
      throw new Error('the source broke');
    }
    await expectError(storage.putObject(bucket, 'broken', failing()), ERROR_CODES, { bucket, key: 'broken' });
    await expectAbsent(storage, bucket, 'broken');
  });

  suite.case('a put whose Node Readable errors rejects with a StorageError and writes nothing', async ({ storage, bucket }) => {
    const source = new Readable({ read() {} });
    source.push(pattern(500, 1));
    setTimeout(() => source.destroy(new Error('disk on fire')), 10);
    await expectError(storage.putObject(bucket, 'broken', source), ERROR_CODES, { bucket, key: 'broken' });
    await expectAbsent(storage, bucket, 'broken');
  });

  suite.case('an overwrite whose body throws keeps the old object', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'keep', 'old content');
    async function* failing() {
      yield Buffer.from('new cont');
      throw new Error('the source broke');
    }
    await expectError(storage.putObject(bucket, 'keep', failing()), ERROR_CODES, { bucket, key: 'keep' });
    expect((await readAll(storage, bucket, 'keep')).toString()).toBe('old content');
  });

  suite.case(
    'a multi-MiB put whose body throws after the first part writes nothing',
    async ({ storage, bucket }) => {
      const head = pattern(large + 1024, 6);
      async function* failing() {
        for (let i = 0; i < head.length; i += 256 * 1024) yield head.subarray(i, i + 256 * 1024);
        throw new Error('the source broke late');
      }
      await expectError(storage.putObject(bucket, 'big', failing()), ERROR_CODES, { bucket, key: 'big' });
      await expectAbsent(storage, bucket, 'big');
    },
    { large: true, needs: ['cleanAbort'], timeout: suite.options.timeout * 2 },
  );

  suite.case('a stream shorter than its size option rejects InvalidArgument and writes nothing', async ({ storage, bucket }) => {
    await expectError(storage.putObject(bucket, 's', Readable.from([Buffer.from('0123456789')]), { size: 20 }), 'InvalidArgument', {
      bucket,
      key: 's',
    });
    await expectAbsent(storage, bucket, 's');
  });

  suite.case('a stream longer than its size option rejects InvalidArgument and writes nothing', async ({ storage, bucket }) => {
    await expectError(storage.putObject(bucket, 's', Readable.from([Buffer.from('0123456789')]), { size: 5 }), 'InvalidArgument', {
      bucket,
      key: 's',
    });
    await expectAbsent(storage, bucket, 's');
  });

  suite.case('a string whose length disagrees with the size option rejects InvalidArgument', async ({ storage, bucket }) => {
    await expectError(storage.putObject(bucket, 's', 'hello', { size: 3 }), 'InvalidArgument', { bucket, key: 's' });
    await expectAbsent(storage, bucket, 's');
  });

  suite.case('a negative size option rejects InvalidArgument', async ({ storage, bucket }) => {
    await expectError(storage.putObject(bucket, 's', 'hello', { size: -1 }), 'InvalidArgument', { bucket, key: 's' });
  });

  suite.case('metadata over 2048 bytes rejects InvalidArgument and writes nothing', async ({ storage, bucket }) => {
    await expectError(
      storage.putObject(bucket, 'big-meta', 'x', { metadata: { a: 'x'.repeat(1500), b: 'y'.repeat(600) } }),
      'InvalidArgument',
      { bucket, key: 'big-meta' },
    );
    await expectAbsent(storage, bucket, 'big-meta');
  });

  suite.case('a metadata name that is not an HTTP token rejects InvalidArgument', async ({ storage, bucket }) => {
    await expectError(storage.putObject(bucket, 'bad-meta', 'x', { metadata: { 'has space': 'v' } }), 'InvalidArgument', {
      bucket,
      key: 'bad-meta',
    });
    await expectAbsent(storage, bucket, 'bad-meta');
  });

  suite.case('a body of an unsupported type rejects InvalidArgument', async ({ storage, bucket }) => {
    const notABody = 42 as unknown as BodyInput;
    await expectError(storage.putObject(bucket, 'n', notABody), 'InvalidArgument', { bucket, key: 'n' });
    await expectAbsent(storage, bucket, 'n');
  });
}
