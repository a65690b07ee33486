// The suite's own machinery: gating, bucket names, key builders, byte helpers and the error matcher.
// (The suite itself runs against real drivers in packages/memory and packages/local.)
import { describe, expect, it } from 'vitest';
import { S3_CAPABILITIES, StorageError, bucketNameProblem, type Storage } from '@stowage/core';
import { ContractSuite } from '../src/context.js';
import { asciiPattern, bodyOf, BODY_FORMS, byteOrder, expectError, pattern } from '../src/helpers.js';
import { keyOfBytes } from '../src/keys.js';

/** Only what gating reads: a name and capabilities (no operation is called). */
function withCapabilities(overrides: Partial<typeof S3_CAPABILITIES>): Storage {
  return { name: 'caps-only', capabilities: { ...S3_CAPABILITIES, ...overrides } } as unknown as Storage;
}

describe('gating', () => {
  it('a capability is missing when the driver declares it false, with a reason naming it', () => {
    const suite = new ContractSuite(withCapabilities({ presign: false }));
    expect(suite.has('presign')).toBe(false);
    expect(suite.missing('presign')).toBe('driver declares no presign');
    expect(suite.has('rangeRead')).toBe(true);
    expect(suite.missing('rangeRead')).toBeUndefined();
  });

  it('a reason explains a missing capability in the skip title; it never takes one away', () => {
    const suite = new ContractSuite(withCapabilities({ nulInKeys: false, stablePagination: false }), {
      reasons: { nulInKeys: 'Ceph RGW refuses U+0000 (400 InvalidRequest)', readIsolation: 'only an explanation' },
    });
    expect(suite.missing('nulInKeys')).toBe('Ceph RGW refuses U+0000 (400 InvalidRequest)');
    expect(suite.missing('stablePagination')).toBe('driver declares no stablePagination');
    expect(suite.has('readIsolation')).toBe(true);
    expect(suite.missing('readIsolation')).toBeUndefined();
  });

  it('applies defaults', () => {
    const suite = new ContractSuite(withCapabilities({}));
    expect(suite.options.largeBodyBytes).toBe(5 * 1024 * 1024);
    expect(suite.options.largeBodies).toBe(true);
    expect(suite.options.bucketPrefix).toBe('stowage-contract');
    expect(suite.options.reasons).toEqual({});
  });
});

describe('bucket names', () => {
  it('are valid S3 names, unique, and start with the prefix', () => {
    const suite = new ContractSuite(withCapabilities({}), { bucketPrefix: 'my-ci' });
    const names = Array.from({ length: 50 }, () => suite.bucketName());
    expect(new Set(names).size).toBe(50);
    for (const name of names) {
      expect(bucketNameProblem(name), name).toBeUndefined();
      expect(name.startsWith('my-ci-')).toBe(true);
    }
  });

  it('stay within 63 characters under a long prefix', () => {
    const suite = new ContractSuite(withCapabilities({}), { bucketPrefix: 'p'.repeat(80) });
    const name = suite.bucketName();
    expect(name.length).toBeLessThanOrEqual(63);
    expect(bucketNameProblem(name)).toBeUndefined();
  });
});

describe('keyOfBytes', () => {
  it.each([
    [1024, 'k'],
    [1025, 'k'],
    [1024, '😀'],
    [1025, '€'],
    [300, 'é'],
    [7, '😀'],
  ])('makes %i UTF-8 bytes of %j in segments of at most 200 bytes', (bytes, unit) => {
    const key = keyOfBytes(bytes, unit);
    expect(Buffer.byteLength(key)).toBe(bytes);
    for (const segment of key.split('/')) {
      expect(segment.length).toBeGreaterThan(0);
      expect(Buffer.byteLength(segment)).toBeLessThanOrEqual(200);
    }
    expect(key.endsWith('/')).toBe(false);
  });
});

describe('byte helpers', () => {
  it('pattern is deterministic and differs by seed and position', () => {
    expect(pattern(1000, 3).equals(pattern(1000, 3))).toBe(true);
    expect(pattern(1000, 3).equals(pattern(1000, 4))).toBe(false);
    const p = pattern(4096, 1);
    expect(p.subarray(0, 2048).equals(p.subarray(2048))).toBe(false);
  });

  it('asciiPattern is printable ASCII of the size asked', () => {
    const text = asciiPattern(5000, 2);
    expect(Buffer.byteLength(text)).toBe(5000);
    expect(/^[\x21-\x7e]+$/.test(text)).toBe(true);
  });

  it('byteOrder is UTF-8 byte order, not UTF-16', () => {
    expect(byteOrder('\uFFFD', '😀')).toBeLessThan(0);
    expect(byteOrder('a', 'a/')).toBeLessThan(0);
    expect(byteOrder('Z', 'a')).toBeLessThan(0);
  });

  it.each(BODY_FORMS)('bodyOf(%s) is of that form', (form) => {
    const body = bodyOf(form, Buffer.from('abc'));
    const is: Record<string, boolean> = {
      string: typeof body === 'string',
      Uint8Array: body instanceof Uint8Array && !Buffer.isBuffer(body),
      Buffer: Buffer.isBuffer(body),
      Readable: typeof (body as { pipe?: unknown }).pipe === 'function',
      ReadableStream: body instanceof ReadableStream,
      AsyncIterable: typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function' && !(body instanceof ReadableStream),
      Blob: body instanceof Blob,
    };
    expect(is[form]).toBe(true);
  });
});

describe('expectError', () => {
  const error = new StorageError('NoSuchKey', 'no such key k in b', { bucket: 'b', key: 'k' });

  it('returns the error when code and location match', async () => {
    expect(await expectError(Promise.reject(error), 'NoSuchKey', { bucket: 'b', key: 'k' })).toBe(error);
    expect(await expectError(() => Promise.reject(error), ['NoSuchKey', 'PreconditionFailed'])).toBe(error);
  });

  it('fails when the call succeeds', async () => {
    await expect(expectError(Promise.resolve(1), 'NoSuchKey')).rejects.toThrow(/succeeded/);
  });

  it('fails for an error that is not a StorageError', async () => {
    await expect(expectError(Promise.reject(new TypeError('oops')), 'NoSuchKey')).rejects.toThrow(/non-StorageError/);
  });

  it('fails for another code, bucket or key', async () => {
    await expect(expectError(Promise.reject(error), 'NoSuchBucket')).rejects.toThrow();
    await expect(expectError(Promise.reject(error), 'NoSuchKey', { bucket: 'other' })).rejects.toThrow();
    await expect(expectError(Promise.reject(error), 'NoSuchKey', { key: 'other' })).rejects.toThrow();
  });

  it('fails for an error without a message', async () => {
    await expect(expectError(Promise.reject(new StorageError('NoSuchKey', '')), 'NoSuchKey')).rejects.toThrow(/message/);
  });
});
