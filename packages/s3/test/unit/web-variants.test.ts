// The S3 driver's web variants (the `*.web.ts` modules its web build swaps in), run in Node: the
// checked body on web streams (length, MD5, resuming, cancelling), the cut and the abort of a read,
// the encodings against Node's, and the upload stream.
import { isStorageError, StorageError, type ObjectRead } from '@stowage/core';
import { md5Hex } from '@stowage/core/md5';
import { describe, expect, it } from 'vitest';
import type { BodyFail } from '../../src/body-checks.ts';
import * as nodeEncodings from '../../src/encodings.ts';
import * as webEncodings from '../../src/encodings.web.ts';
import { bodyRead, responseBody, sliceBody } from '../../src/response-body.web.ts';
import { uploadStream } from '../../src/upload-stream.web.ts';
import { verifiedBody } from '../../src/verified-body.web.ts';

const object = new TextEncoder().encode('0123456789'.repeat(1000));
const fail: BodyFail = (code, message, cause) => new StorageError(code, message, cause === undefined ? {} : { cause });
const info = { key: 'key', size: object.byteLength, etag: `"${md5Hex(object)}"`, lastModified: new Date(), metadata: {} };

/** A web stream of `bytes` in chunks of `chunk`, failing with `error` after `failAfter` bytes when given. */
function source(bytes: Uint8Array, options: { chunk?: number; failAfter?: number; error?: unknown } = {}) {
  const { chunk = 1000, failAfter, error = new Error('ECONNRESET') } = options;
  let at = 0;
  const state = { cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (failAfter !== undefined && at >= failAfter) return controller.error(error);
      if (at >= bytes.byteLength) return controller.close();
      const end = Math.min(bytes.byteLength, at + chunk, failAfter ?? Number.POSITIVE_INFINITY);
      controller.enqueue(bytes.slice(at, end));
      at = end;
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

async function read(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const reader = stream.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) parts.push(next.value);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

/** The read's web stream (the web build always offers one). */
function webStreamOf(read: ObjectRead): ReadableStream<Uint8Array> {
  if (!read.webStream) throw new Error('no webStream()');
  return read.webStream();
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('verifiedBody on web streams', () => {
  const flipped = object.slice();
  flipped[4321] = (flipped[4321] as number) ^ 1;
  const expect_ = { length: object.byteLength, md5: md5Hex(object) };

  it('passes the bytes of a body that matches its length and MD5', async () => {
    expect(await read(verifiedBody(source(object).stream, expect_, fail))).toEqual(object);
  });

  it('fails with ChecksumMismatch when the MD5 differs, and Unavailable when the body is short or longer', async () => {
    expect(isStorageError(await failure(read(verifiedBody(source(flipped).stream, expect_, fail))), 'ChecksumMismatch')).toBe(true);
    const short = await failure(read(verifiedBody(source(object.subarray(0, 5000)).stream, expect_, fail)));
    expect(isStorageError(short, 'Unavailable'), String(short)).toBe(true);
    const longer = await failure(read(verifiedBody(source(object).stream, { length: 5000 }, fail)));
    expect(isStorageError(longer, 'Unavailable'), String(longer)).toBe(true);
  });

  it('resumes a broken body from its first missing byte, still checked whole', async () => {
    const positions: number[] = [];
    const resume = {
      attempts: 2,
      from: async (position: number) => {
        positions.push(position);
        return source(object.subarray(position)).stream;
      },
    };
    expect(await read(verifiedBody(source(object, { failAfter: 3000 }).stream, expect_, fail, resume))).toEqual(object);
    expect(positions).toEqual([3000]);
    const corrupted = { attempts: 2, from: async (position: number) => source(flipped.subarray(position)).stream };
    const error = await failure(read(verifiedBody(source(object, { failAfter: 3000 }).stream, expect_, fail, corrupted)));
    expect(isStorageError(error, 'ChecksumMismatch'), String(error)).toBe(true);
  });

  it('fails with Unavailable once the resumptions are spent, or when resuming fails', async () => {
    const always = { attempts: 1, from: async (position: number) => source(object.subarray(position), { failAfter: 10 }).stream };
    const spent = await failure(read(verifiedBody(source(object, { failAfter: 3000 }).stream, expect_, fail, always)));
    expect(isStorageError(spent, 'Unavailable'), String(spent)).toBe(true);
    expect((spent as Error).message).toContain('after 3010 of 10000 bytes');
    const refused = new StorageError('PreconditionFailed', 'the object changed');
    const changed = { attempts: 1, from: () => Promise.reject(refused) };
    expect(await failure(read(verifiedBody(source(object, { failAfter: 3000 }).stream, expect_, fail, changed)))).toBe(refused);
  });

  it('does not resume an abort, and cancelling it cancels the response', async () => {
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    let resumed = false;
    const resume = {
      attempts: 2,
      from: async () => {
        resumed = true;
        return source(object).stream;
      },
    };
    const error = await failure(read(verifiedBody(source(object, { failAfter: 10, error: abort }).stream, expect_, fail, resume)));
    expect(isStorageError(error, 'Unavailable')).toBe(true);
    expect(resumed).toBe(false);
    const { stream, state } = source(object);
    const reader = verifiedBody(stream, expect_, fail).getReader();
    await reader.read();
    await reader.cancel();
    expect(state.cancelled).toBe(true);
  });
});

describe('a read on web streams', () => {
  it('cuts a range out of a body, across chunks, and lets the rest go', async () => {
    const { stream, state } = source(object, { chunk: 700 });
    expect(await read(sliceBody(stream, 1500, 2000))).toEqual(object.subarray(1500, 3500));
    expect(state.cancelled).toBe(true);
  });

  it('offers webStream() and bytes(); stream() is NotSupported', async () => {
    const watch = { bucket: 'bucket', key: 'key', signal: undefined };
    expect(await read(webStreamOf(bodyRead(info, source(object).stream, undefined, watch)))).toEqual(object);
    const ranged = bodyRead(info, source(object.subarray(10, 20)).stream, { offset: 10, length: 10 }, watch);
    expect(ranged.range).toEqual({ offset: 10, length: 10 });
    // A Buffer in Node (core's byte helpers), so compared as plain bytes.
    expect(new Uint8Array((await ranged.bytes?.()) as Uint8Array)).toEqual(object.subarray(10, 20));
    expect(() => ranged.stream()).toThrow(expect.objectContaining({ code: 'NotSupported' }));
  });

  it('ends with Aborted when the signal fires while it is read, and cancels the response', async () => {
    const controller = new AbortController();
    const { stream, state } = source(object);
    const reader = webStreamOf(bodyRead(info, stream, undefined, { bucket: 'b', key: 'k', signal: controller.signal })).getReader();
    await reader.read();
    controller.abort();
    const error = await failure(reader.read());
    expect(isStorageError(error, 'Aborted'), String(error)).toBe(true);
    expect(state.cancelled).toBe(true);
    const already = bodyRead(info, source(object).stream, undefined, { bucket: 'b', key: 'k', signal: controller.signal });
    expect(isStorageError(await failure(already.bytes?.() as Promise<Uint8Array>), 'Aborted')).toBe(true);
  });

  it('takes the SDK body as a web stream, a Blob or an async iterable', async () => {
    async function* chunks() {
      yield object.subarray(0, 10);
      yield object.subarray(10, 20);
    }
    for (const body of [source(object.subarray(0, 20)).stream, new Blob([object.subarray(0, 20)]), chunks()]) {
      expect(await read(responseBody(body) as ReadableStream<Uint8Array>)).toEqual(object.subarray(0, 20));
    }
    expect(responseBody(undefined)).toBeUndefined();
  });
});

describe('the web encodings', () => {
  it('give what Node gives', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(webEncodings.base64OfBytes(bytes)).toBe(nodeEncodings.base64OfBytes(bytes));
    expect(webEncodings.hexOfBytes(bytes)).toBe(nodeEncodings.hexOfBytes(bytes));
    for (const text of ['', 'plain', 'grüße, 世界 🌍', ' padded ', '\u0000\u00ff']) {
      expect(webEncodings.utf8ToBase64(text)).toBe(nodeEncodings.utf8ToBase64(text));
      expect(webEncodings.base64ToUtf8(nodeEncodings.utf8ToBase64(text))).toBe(text);
      const latin1 = String.fromCharCode(...new TextEncoder().encode(text));
      expect(webEncodings.latin1ToUtf8(latin1)).toBe(nodeEncodings.latin1ToUtf8(latin1));
    }
  });
});

describe('the upload stream', () => {
  it('is a web stream of the chunks that closes its source when cancelled', async () => {
    let closed = false;
    async function* chunks() {
      try {
        yield object.subarray(0, 10);
        yield object.subarray(10, 20);
      } finally {
        closed = true;
      }
    }
    expect(await read(uploadStream(chunks()))).toEqual(object.subarray(0, 20));
    const reader = uploadStream(chunks()).getReader();
    await reader.read();
    await reader.cancel();
    expect(closed).toBe(true);
  });
});
