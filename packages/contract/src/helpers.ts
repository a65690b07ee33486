import { Readable } from 'node:stream';
import { expect } from 'vitest';
import {
  forEachLimited,
  isStorageError,
  type BodyInput,
  type ErrorCode,
  type ListEntry,
  type ListOptions,
  type Storage,
  type StorageError,
} from '@stowage/core';

/** Deterministic, position-dependent bytes: a shifted or reordered chunk never compares equal. */
export function pattern(size: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(size);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** Deterministic printable ASCII text of `size` bytes (for string bodies). */
export function asciiPattern(size: number, seed = 1): string {
  const bytes = pattern(size, seed);
  for (let i = 0; i < size; i++) bytes[i] = 0x21 + ((bytes[i] as number) % 94);
  return bytes.toString('latin1');
}

/** Splits `bytes` into chunks of `chunkSize` (copies, so a driver cannot rely on one backing buffer). */
export function chunk(bytes: Uint8Array, chunkSize = 64 * 1024): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.byteLength; i += chunkSize) {
    out.push(Uint8Array.prototype.slice.call(bytes, i, i + chunkSize));
  }
  return out;
}

/** The body forms a put accepts. */
export type BodyForm = 'string' | 'Uint8Array' | 'Buffer' | 'Readable' | 'ReadableStream' | 'AsyncIterable' | 'Blob';

/** Every {@link BodyForm}. */
export const BODY_FORMS: readonly BodyForm[] = ['string', 'Uint8Array', 'Buffer', 'Readable', 'ReadableStream', 'AsyncIterable', 'Blob'];

/** A body of the given form holding exactly `bytes` (for `string`, `bytes` must be UTF-8). */
export function bodyOf(form: BodyForm, bytes: Buffer): BodyInput {
  switch (form) {
    case 'string':
      return bytes.toString('utf8');
    case 'Uint8Array':
      return new Uint8Array(bytes);
    case 'Buffer':
      return Buffer.from(bytes);
    case 'Readable':
      return Readable.from(chunk(bytes), { objectMode: false });
    case 'ReadableStream':
      return webStreamOf(chunk(bytes));
    case 'AsyncIterable':
      return asyncIterableOf(chunk(bytes));
    case 'Blob':
      return new Blob([bytes]);
  }
}

/** A web ReadableStream that hands out `chunks` one pull at a time. */
export function webStreamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks[i++];
      if (next === undefined) controller.close();
      else controller.enqueue(next);
    },
  });
}

/** A plain async iterable (not a generator, not a stream) over `chunks`. */
export function asyncIterableOf(chunks: Uint8Array[]): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]() {
      let i = 0;
      return {
        async next(): Promise<IteratorResult<Uint8Array>> {
          await Promise.resolve();
          const value = chunks[i++];
          return value === undefined ? { done: true, value: undefined } : { done: false, value };
        },
      };
    },
  };
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Asserts two byte sequences are equal, reporting lengths and the first difference (not a 5 MiB dump). */
export function expectBytes(actual: Uint8Array, expected: Uint8Array, what = 'body'): void {
  const a = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength);
  const e = Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength);
  if (a.equals(e)) return;
  let at = 0;
  while (at < a.length && at < e.length && a[at] === e[at]) at++;
  expect.fail(
    `${what}: expected ${e.length} bytes, got ${a.length}; first difference at byte ${at}` +
      ` (expected ${e[at] ?? 'end'}, got ${a[at] ?? 'end'})`,
  );
}

/** The whole body of an object, read with `bytes()`. */
export async function readAll(storage: Storage, bucket: string, key: string): Promise<Buffer> {
  const result = await storage.getObject(bucket, key);
  return Buffer.from(await result.bytes());
}

/** What a rejection is expected to carry besides its code. */
export interface ExpectedLocation {
  bucket?: string;
  key?: string;
}

/**
 * Asserts that `action` rejects with a {@link StorageError} of one of `codes`, whose `bucket`/`key`
 * are the ones given and whose message says something. Returns the error.
 */
export async function expectError(
  action: Promise<unknown> | (() => Promise<unknown>),
  codes: ErrorCode | readonly ErrorCode[],
  where: ExpectedLocation = {},
): Promise<StorageError> {
  const wanted = typeof codes === 'string' ? [codes] : codes;
  let error: unknown;
  let settled = false;
  try {
    await (typeof action === 'function' ? action() : action);
    settled = true;
  } catch (e) {
    error = e;
  }
  if (settled) expect.fail(`expected a rejection with ${wanted.join(' or ')}, but the call succeeded`);
  if (!isStorageError(error)) {
    const shown = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    expect.fail(`expected a StorageError ${wanted.join(' or ')}, got a non-StorageError (${shown})`);
  }
  expect(wanted, `error code (message: ${error.message})`).toContain(error.code);
  if (where.bucket !== undefined) expect(error.bucket, `${error.code}.bucket`).toBe(where.bucket);
  if (where.key !== undefined) expect(error.key, `${error.code}.key`).toBe(where.key);
  expect(typeof error.message).toBe('string');
  expect(error.message.trim().length, `${error.code} needs a message naming the problem`).toBeGreaterThan(5);
  return error;
}

/** Every entry of a listing, consumed to the end. */
export async function listAll(storage: Storage, bucket: string, options: ListOptions = {}): Promise<ListEntry[]> {
  const out: ListEntry[] = [];
  for await (const entry of storage.listObjects(bucket, options)) out.push(entry);
  return out;
}

/** A listing as strings: object keys as they are, common prefixes as `prefix:<prefix>`. */
export async function listNames(storage: Storage, bucket: string, options: ListOptions = {}): Promise<string[]> {
  return (await listAll(storage, bucket, options)).map((e) => (e.type === 'object' ? e.key : `prefix:${e.prefix}`));
}

/** Object keys of a listing (asserts it holds no common prefixes). */
export async function listKeys(storage: Storage, bucket: string, options: ListOptions = {}): Promise<string[]> {
  const entries = await listAll(storage, bucket, options);
  return entries.map((e) => {
    if (e.type !== 'object') expect.fail(`unexpected common prefix ${e.prefix} in a listing without delimiter`);
    return e.key;
  });
}

/** S3's order: compares the UTF-8 encodings byte by byte (independent of core's `compareKeys`). */
export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Sorted copy in S3's order. */
export function sortedByBytes(keys: readonly string[]): string[] {
  return [...keys].sort(byteOrder);
}

/** Puts every key with a small body derived from the key itself. */
export async function putKeys(storage: Storage, bucket: string, keys: readonly string[], concurrency = 8): Promise<void> {
  await forEachLimited(keys, concurrency, async (key) => {
    await storage.putObject(bucket, key, `body of ${key}`);
  });
}

/** Asserts no object exists under `key`: head says `NoSuchKey` and no listing entry names it. */
export async function expectAbsent(storage: Storage, bucket: string, key: string): Promise<void> {
  await expectError(storage.headObject(bucket, key), 'NoSuchKey', { bucket, key });
  const keys = await listKeys(storage, bucket);
  expect(keys, `listing after a failed write of ${JSON.stringify(key)}`).not.toContain(key);
}

/**
 * Asserts the object written as `old` (body 'old content', metadata `{ v: 'old' }`) is still there
 * whole: what a failed overwrite must leave.
 */
export async function expectOldKept(storage: Storage, bucket: string, key: string, old: { etag: string }): Promise<void> {
  const info = await storage.headObject(bucket, key);
  expect(info.etag).toBe(old.etag);
  expect(info.metadata).toEqual({ v: 'old' });
  expect((await readAll(storage, bucket, key)).toString()).toBe('old content');
}

/** Asserts the bucket lists no objects at all. */
export async function expectEmptyBucket(storage: Storage, bucket: string): Promise<void> {
  expect(await listKeys(storage, bucket)).toEqual([]);
}

/** An async iterable that yields `first`, then waits (forever, or until aborted) and reports when it stalled. */
export function stallingBody(first: Uint8Array): { body: AsyncIterable<Uint8Array>; stalled: Promise<void> } {
  let markStalled: () => void = () => undefined;
  const stalled = new Promise<void>((resolve) => {
    markStalled = resolve;
  });
  const body: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]() {
      let sent = false;
      return {
        next(): Promise<IteratorResult<Uint8Array>> {
          if (!sent) {
            sent = true;
            return Promise.resolve({ done: false, value: first });
          }
          markStalled();
          return new Promise<IteratorResult<Uint8Array>>(() => undefined);
        },
        return(): Promise<IteratorResult<Uint8Array>> {
          return Promise.resolve({ done: true, value: undefined });
        },
      };
    },
  };
  return { body, stalled };
}

/** A whole-second date `seconds` away from `base` (HTTP dates have whole seconds). */
export function secondsFrom(base: Date, seconds: number): Date {
  return new Date((Math.floor(base.getTime() / 1000) + seconds) * 1000);
}
