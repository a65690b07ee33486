import { describe, expect, it } from 'vitest';
import {
  MAX_KEY_BYTES,
  S3_CAPABILITIES,
  StorageError,
  assertBucketName,
  assertKey,
  bucketNameProblem,
  compareKeys,
  invalidKey,
  keyProblem,
  keyShapeProblem,
  utf8Length,
} from '@stowage/core';

function thrown(fn: () => unknown): StorageError {
  try {
    fn();
  } catch (error) {
    if (error instanceof StorageError) return error;
    throw new Error(`expected a StorageError, got ${String(error)}`);
  }
  throw new Error('expected a throw');
}

/** A deterministic generator of strings mixing ASCII, BMP, astral characters and lone surrogates. */
function randomStrings(count: number, seed: number, loneSurrogates: boolean): string[] {
  let x = seed;
  const next = () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x;
  };
  const pools = [
    () => String.fromCharCode(0x20 + (next() % 95)),
    () => String.fromCharCode(0x80 + (next() % 0x780)),
    () => String.fromCharCode(0x800 + (next() % 0xd000)),
    () => String.fromCharCode(0xe000 + (next() % 0x2000)),
    () => String.fromCodePoint(0x10000 + (next() % 0xfffff)),
    () => (loneSurrogates ? String.fromCharCode(0xd800 + (next() % 0x800)) : 'z'),
  ];
  return Array.from({ length: count }, () => {
    const length = next() % 12;
    let s = '';
    for (let i = 0; i < length; i++) s += (pools[next() % pools.length] as () => string)();
    return s;
  });
}

describe('bucket names', () => {
  it.each([
    ['the shortest', 'abc'],
    ['the longest', 'a'.repeat(63)],
    ['digits first', '0bucket'],
    ['dots and hyphens', 'my.bucket-name.v2'],
    ['all digits but not an IP', '1234567'],
    ['IP-like with too many parts', '1.2.3.4.5'],
  ])('accepts %s (%j)', (_, name) => {
    expect(bucketNameProblem(name)).toBeUndefined();
    expect(() => assertBucketName(name)).not.toThrow();
  });

  it.each([
    ['too short', 'ab', '3 to 63'],
    ['empty', '', '3 to 63'],
    ['too long', 'a'.repeat(64), '3 to 63'],
    ['upper case', 'Bucket', 'lower-case'],
    ['an underscore', 'my_bucket', 'lower-case'],
    ['a space', 'my bucket', 'lower-case'],
    ['non-ASCII', 'bücket', 'lower-case'],
    ['a leading hyphen', '-bucket', 'begin and end'],
    ['a trailing hyphen', 'bucket-', 'begin and end'],
    ['a leading dot', '.bucket', 'begin and end'],
    ['a trailing dot', 'bucket.', 'begin and end'],
    ['two adjacent dots', 'my..bucket', 'adjacent dots'],
    ['a hyphen before a dot', 'my-.bucket', 'dot-separated part'],
    ['a hyphen after a dot', 'my.-bucket', 'dot-separated part'],
    ['an IP address', '192.168.0.1', 'IP address'],
    ['prefix xn--', 'xn--bucket', 'xn--'],
    ['prefix sthree-', 'sthree-bucket', 'sthree-'],
    ['prefix amzn-s3-demo-', 'amzn-s3-demo-bucket', 'amzn-s3-demo-'],
    ['suffix -s3alias', 'bucket-s3alias', '-s3alias'],
    ['suffix --ol-s3', 'bucket--ol-s3', '--ol-s3'],
    ['suffix .mrap', 'bucket.mrap', '.mrap'],
    ['suffix --x-s3', 'bucket--x-s3', '--x-s3'],
    ['suffix --table-s3', 'bucket--table-s3', '--table-s3'],
  ])('rejects %s (%j) with InvalidBucketName naming the rule', (_, name, rule) => {
    const problem = bucketNameProblem(name);
    expect(problem).toContain(rule);
    const error = thrown(() => assertBucketName(name));
    expect(error.code).toBe('InvalidBucketName');
    expect(error.bucket).toBe(name);
    expect(error.message).toContain(JSON.stringify(name));
    expect(error.message).toContain(rule);
  });

  it('rejects a name that is not a string, without a bucket field', () => {
    for (const name of [undefined, null, 42, {}]) {
      const error = thrown(() => assertBucketName(name));
      expect(error.code).toBe('InvalidBucketName');
      expect(error.bucket).toBeUndefined();
      expect(bucketNameProblem(name)).toMatch(/string/);
    }
  });
});

describe('utf8Length', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['é', 2],
    ['€', 3],
    ['😀', 4],
    ['a😀é€', 10],
    ['\u0000', 1],
    ['\u07ff', 2],
    ['\u0800', 3],
    ['\uffff', 3],
  ])('counts %j as %i bytes', (s, bytes) => {
    expect(utf8Length(s)).toBe(bytes);
  });

  it('agrees with Buffer.byteLength on random strings, lone surrogates included', () => {
    for (const s of randomStrings(2000, 7, true)) {
      expect(utf8Length(s), JSON.stringify(s)).toBe(Buffer.byteLength(s, 'utf8'));
    }
  });

  it('counts a lone surrogate as the 3 bytes of its replacement, like Buffer', () => {
    expect(utf8Length('\ud800')).toBe(3);
    expect(utf8Length('\udc00')).toBe(3);
    expect(utf8Length('\ud800a')).toBe(4);
    expect(utf8Length('\udc00\ud800')).toBe(6);
  });
});

describe('keys', () => {
  it('accepts ordinary, Unicode and odd keys', () => {
    for (const key of ['a', 'a/b/c', 'ü/日本/😀', ' ', '/', 'a//b', '../x', '\u0000', '%2F', 'k'.repeat(1024)]) {
      expect(keyProblem(key), JSON.stringify(key)).toBeUndefined();
      expect(() => assertKey(key)).not.toThrow();
    }
  });

  it('counts the limit in UTF-8 bytes, not UTF-16 units', () => {
    expect(MAX_KEY_BYTES).toBe(1024);
    expect(keyProblem('k'.repeat(1024))).toBeUndefined();
    expect(keyProblem('k'.repeat(1025))).toMatch(/1024 UTF-8 bytes \(this one is 1025\)/);
    expect(keyProblem('😀'.repeat(256))).toBeUndefined(); // 1024 bytes, 512 units
    expect(keyProblem(`${'😀'.repeat(256)}k`)).toMatch(/1025/);
    const euro = `${'€'.repeat(341)}kk`; // 1025 bytes, 343 units
    expect(euro.length).toBeLessThan(1024);
    expect(keyProblem(euro)).toMatch(/1025/);
    expect(keyProblem('é'.repeat(512))).toBeUndefined();
    expect(keyProblem('é'.repeat(513))).toMatch(/1026/);
  });

  it('takes a smaller limit when given', () => {
    expect(keyProblem('abcd', 4)).toBeUndefined();
    expect(keyProblem('abcde', 4)).toMatch(/at most 4/);
  });

  it.each([
    ['empty', '', /empty/],
    ['a lone high surrogate', 'a\ud800b', /surrogate/],
    ['a lone low surrogate', 'a\udc00', /surrogate/],
    ['a high surrogate at the end', 'abc\ud83d', /surrogate/],
    ['a reversed pair', '\ude00\ud83d', /surrogate/],
  ])('rejects %s', (_, key, why) => {
    expect(keyProblem(key)).toMatch(why);
    const error = thrown(() => assertKey(key, 'photos'));
    expect(error.code).toBe('InvalidKey');
    expect(error.key).toBe(key);
    expect(error.bucket).toBe('photos');
  });

  it('rejects a key that is not a string', () => {
    for (const key of [undefined, null, 1, ['a']]) {
      expect(keyProblem(key)).toMatch(/string/);
      const error = thrown(() => assertKey(key));
      expect(error.code).toBe('InvalidKey');
      expect(error.key).toBeUndefined();
      expect(error.bucket).toBeUndefined();
    }
  });

  it('invalidKey quotes at most 100 characters but keeps the whole key', () => {
    const key = 'x'.repeat(500);
    const error = invalidKey(key, 'too long', 'b');
    expect(error.key).toBe(key);
    expect(error.message.length).toBeLessThan(200);
    expect(error.message).toContain('…');
    expect(error.message).toContain('too long');
  });
});

describe('compareKeys', () => {
  const sign = (n: number) => Math.sign(n);
  const bytes = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

  it('orders U+FFFD before a character above U+FFFF, unlike JavaScript <', () => {
    expect('\uFFFD' < '😀').toBe(false); // the trap
    expect(compareKeys('\uFFFD', '😀')).toBeLessThan(0);
    expect(compareKeys('😀', '\uFFFD')).toBeGreaterThan(0);
    expect(compareKeys('x\uE000', 'x\u{10000}')).toBeLessThan(0);
  });

  it('puts a key before its extensions and is 0 for equal keys', () => {
    expect(compareKeys('a', 'ab')).toBeLessThan(0);
    expect(compareKeys('ab', 'a')).toBeGreaterThan(0);
    expect(compareKeys('same/😀', 'same/😀')).toBe(0);
    expect(compareKeys('', '')).toBe(0);
    expect(compareKeys('', 'a')).toBeLessThan(0);
  });

  it('orders astral characters among themselves by code point', () => {
    expect(compareKeys('😀', '😁')).toBeLessThan(0);
    expect(compareKeys('\u{1F600}', '\u{10000}')).toBeGreaterThan(0);
  });

  it('agrees in sign with the byte order of Buffer.from on random pairs', () => {
    const strings = randomStrings(1500, 11, false);
    for (let i = 0; i + 1 < strings.length; i++) {
      const a = strings[i] as string;
      const b = strings[i + 1] as string;
      expect(sign(compareKeys(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBe(sign(bytes(a, b)));
    }
  });

  it('agrees on pairs sharing a prefix', () => {
    const base = ['a', 'a/', 'a-', 'a.', 'a0', 'aé', 'a€', 'a😀', 'a\uFFFD', 'a\uE000', 'A'];
    for (const a of base) {
      for (const b of base) expect(sign(compareKeys(a, b)), `${a} vs ${b}`).toBe(sign(bytes(a, b)));
    }
  });

  it('sorts like Buffer.compare', () => {
    const keys = randomStrings(300, 3, false);
    const bySort = [...keys].sort(compareKeys);
    const byBytes = [...keys].sort(bytes);
    expect(bySort).toEqual(byBytes);
  });
});

describe('keyShapeProblem: folder markers and empty segments', () => {
  const fs = { ...S3_CAPABILITIES, emptySegments: false, folderMarkers: true };
  const noMarkers = { ...S3_CAPABILITIES, emptySegments: false, folderMarkers: false };

  it('takes one trailing "/" after a segment as a folder marker, its own capability', () => {
    for (const key of ['photos/', 'a/b/', 'x/y/']) {
      expect(keyShapeProblem(key, fs)).toBeUndefined();
      expect(keyShapeProblem(key, noMarkers)).toMatch(/folderMarkers is false/);
    }
  });

  it('keeps every other empty segment under emptySegments, markers or not', () => {
    for (const key of ['/', '//', 'a//', 'a//b', '/a', '/a/']) {
      expect(keyShapeProblem(key, fs)).toMatch(/emptySegments is false/);
    }
    for (const key of ['/', '//', 'a//', 'a//b', '/a', '/a/', 'photos/']) {
      expect(keyShapeProblem(key, S3_CAPABILITIES)).toBeUndefined();
    }
  });
});
