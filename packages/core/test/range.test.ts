import { describe, expect, it } from 'vitest';
import { StorageError, assertRange, rangeHeader, resolveRange, type ByteRange } from '@stowage/core';

function thrown(fn: () => unknown): StorageError {
  try {
    fn();
  } catch (error) {
    if (error instanceof StorageError) return error;
    throw error;
  }
  throw new Error('expected a throw');
}

describe('resolveRange (S3 rules, on a 100-byte object)', () => {
  it.each<[string, ByteRange, { offset: number; length: number }]>([
    ['offset only', { offset: 10 }, { offset: 10, length: 90 }],
    ['offset 0', { offset: 0 }, { offset: 0, length: 100 }],
    ['offset and length', { offset: 10, length: 5 }, { offset: 10, length: 5 }],
    ['the last byte', { offset: 99, length: 1 }, { offset: 99, length: 1 }],
    ['a length past the end is cut short', { offset: 90, length: 50 }, { offset: 90, length: 10 }],
    ['a suffix', { suffix: 7 }, { offset: 93, length: 7 }],
    ['a suffix of the whole object', { suffix: 100 }, { offset: 0, length: 100 }],
    ['a suffix larger than the object is the whole object', { suffix: 1000 }, { offset: 0, length: 100 }],
  ])('%s', (_, range, expected) => {
    expect(resolveRange(range, 100)).toEqual(expected);
  });

  it.each<[string, ByteRange, number]>([
    ['an offset at the end', { offset: 100 }, 100],
    ['an offset after the end', { offset: 150, length: 5 }, 100],
    ['any offset on an empty object', { offset: 0 }, 0],
    ['a suffix on an empty object', { suffix: 5 }, 0],
  ])('%s is InvalidRange', (_, range, size) => {
    const error = thrown(() => resolveRange(range, size, { bucket: 'b', key: 'k' }));
    expect(error.code).toBe('InvalidRange');
    expect(error.bucket).toBe('b');
    expect(error.key).toBe('k');
    expect(error.message).toMatch(/not satisfiable/);
  });
});

describe('assertRange', () => {
  it('accepts no range and sound ranges', () => {
    for (const range of [undefined, { offset: 0 }, { offset: 5, length: 1 }, { suffix: 1 }]) {
      expect(() => assertRange(range)).not.toThrow();
    }
  });

  it.each<[string, ByteRange]>([
    ['a negative offset', { offset: -1 }],
    ['a fractional offset', { offset: 1.5 }],
    ['a NaN offset', { offset: Number.NaN }],
    ['a zero length', { offset: 0, length: 0 }],
    ['a negative length', { offset: 0, length: -3 }],
    ['a fractional length', { offset: 0, length: 2.5 }],
    ['a zero suffix', { suffix: 0 }],
    ['a negative suffix', { suffix: -4 }],
    ['an infinite suffix', { suffix: Number.POSITIVE_INFINITY }],
  ])('rejects %s with InvalidArgument, also from resolveRange', (_, range) => {
    expect(thrown(() => assertRange(range, { key: 'k' }))).toMatchObject({ code: 'InvalidArgument', key: 'k' });
    expect(thrown(() => resolveRange(range, 100)).code).toBe('InvalidArgument');
  });
});

describe('rangeHeader', () => {
  it.each<[ByteRange, string]>([
    [{ offset: 10, length: 10 }, 'bytes=10-19'],
    [{ offset: 0, length: 1 }, 'bytes=0-0'],
    [{ offset: 10 }, 'bytes=10-'],
    [{ suffix: 5 }, 'bytes=-5'],
  ])('%j → %s', (range, header) => {
    expect(rangeHeader(range)).toBe(header);
  });
});
