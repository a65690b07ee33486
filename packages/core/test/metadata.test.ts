import { describe, expect, it } from 'vitest';
import {
  CONTENT_HEADER_NAMES,
  MAX_METADATA_BYTES,
  StorageError,
  normalizeMetadata,
  pickContentHeaders,
  replacesAttributes,
} from '@stowage/core';

function thrown(fn: () => unknown): StorageError {
  try {
    fn();
  } catch (error) {
    if (error instanceof StorageError) return error;
    throw error;
  }
  throw new Error('expected a throw');
}

describe('normalizeMetadata', () => {
  it('returns {} for no metadata', () => {
    expect(normalizeMetadata(undefined)).toEqual({});
    expect(normalizeMetadata({})).toEqual({});
  });

  it('lower-cases names and keeps values as they are', () => {
    expect(normalizeMetadata({ Author: 'Ada Lovelace', 'X-Trace': 'ÄÖÜ 😀', 'a.b_c-d': '' })).toEqual({
      author: 'Ada Lovelace',
      'x-trace': 'ÄÖÜ 😀',
      'a.b_c-d': '',
    });
  });

  it('does not change its input', () => {
    const input = { Name: 'v' };
    normalizeMetadata(input);
    expect(input).toEqual({ Name: 'v' });
  });

  it.each([['has space'], ['colon:'], ['ümlaut'], [''], ['new\nline'], ['a/b']])('rejects the name %j with InvalidArgument', (name) => {
    const error = thrown(() => normalizeMetadata({ [name]: 'v' }, { bucket: 'b', key: 'k' }));
    expect(error).toMatchObject({ code: 'InvalidArgument', bucket: 'b', key: 'k' });
    expect(error.message).toContain(JSON.stringify(name));
  });

  it('rejects a value that is not a string', () => {
    for (const value of [1, null, undefined, {}, true]) {
      const error = thrown(() => normalizeMetadata({ n: value as unknown as string }));
      expect(error.code).toBe('InvalidArgument');
      expect(error.message).toContain('"n"');
    }
  });

  it('rejects metadata that is not an object', () => {
    for (const metadata of [null, 'a=b', 3]) {
      expect(thrown(() => normalizeMetadata(metadata as unknown as Record<string, string>)).code).toBe('InvalidArgument');
    }
  });

  it('accepts exactly 2048 bytes of names and values, counted in UTF-8', () => {
    expect(MAX_METADATA_BYTES).toBe(2048);
    expect(() => normalizeMetadata({ ab: 'x'.repeat(2046) })).not.toThrow();
    expect(() => normalizeMetadata({ ab: 'é'.repeat(1023) })).not.toThrow(); // 2 + 2046 bytes
    expect(() => normalizeMetadata({ a: 'x'.repeat(1000), b: 'y'.repeat(1046) })).not.toThrow();
  });

  it('rejects 2049 bytes, counting multi-byte values in bytes', () => {
    expect(thrown(() => normalizeMetadata({ ab: 'x'.repeat(2047) })).message).toMatch(/2049 bytes/);
    expect(thrown(() => normalizeMetadata({ ab: 'é'.repeat(1024) })).message).toMatch(/2050 bytes/);
    expect(thrown(() => normalizeMetadata({ a: 'x'.repeat(1024), b: 'y'.repeat(1023) })).code).toBe('InvalidArgument');
  });
});

describe('content headers', () => {
  it('names the five content headers', () => {
    expect([...CONTENT_HEADER_NAMES]).toEqual(['contentType', 'contentEncoding', 'contentDisposition', 'contentLanguage', 'cacheControl']);
  });

  it('pickContentHeaders keeps only the headers that are set', () => {
    const source = { contentType: 'text/plain', cacheControl: 'no-cache', contentLanguage: undefined, key: 'k', size: 3 };
    expect(pickContentHeaders(source)).toEqual({ contentType: 'text/plain', cacheControl: 'no-cache' });
    expect(pickContentHeaders({})).toEqual({});
  });

  it('replacesAttributes is true when any header or metadata is given (S3 REPLACE)', () => {
    expect(replacesAttributes({})).toBe(false);
    expect(replacesAttributes({ metadata: {} })).toBe(true);
    for (const name of CONTENT_HEADER_NAMES) expect(replacesAttributes({ [name]: 'x' }), name).toBe(true);
  });
});
