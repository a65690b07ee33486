import { describe, expect, it } from 'vitest';
import {
  StorageError,
  assertPutOptions,
  bareEtag,
  checkPutConditions,
  checkReadConditions,
  etagMatches,
  quoteEtag,
  type ObjectInfo,
  type PutOptions,
  type ReadConditions,
} from '@stowage/core';

function outcome(fn: () => void): string {
  try {
    fn();
    return 'ok';
  } catch (error) {
    if (error instanceof StorageError) return error.code;
    throw error;
  }
}

const ETAG = '"9a0364b9e99bb480dd25e1f0284c8555"';
// 12:00:00.700: HTTP dates carry whole seconds, so comparisons drop the milliseconds
const MODIFIED = new Date('2024-05-01T12:00:00.700Z');
const info: ObjectInfo = { key: 'k', size: 1, etag: ETAG, lastModified: MODIFIED, metadata: {} };
const at = (iso: string) => new Date(iso);

describe('ETags', () => {
  it.each([
    ['"abc"', 'abc'],
    ['abc', 'abc'],
    ['W/"abc"', 'abc'],
    ['"abc-2"', 'abc-2'],
    ['"', '"'],
    ['""', ''],
  ])('bareEtag(%j) is %j', (etag, bare) => {
    expect(bareEtag(etag)).toBe(bare);
  });

  it('quoteEtag quotes once', () => {
    expect(quoteEtag('abc')).toBe('"abc"');
    expect(quoteEtag('"abc"')).toBe('"abc"');
    expect(quoteEtag('W/"abc"')).toBe('"abc"');
  });

  it('etagMatches compares quoted, unquoted, weak, lists and *', () => {
    expect(etagMatches(ETAG, ETAG)).toBe(true);
    expect(etagMatches(bareEtag(ETAG), ETAG)).toBe(true);
    expect(etagMatches(`W/${ETAG}`, ETAG)).toBe(true);
    expect(etagMatches(`"other", ${ETAG}`, ETAG)).toBe(true);
    expect(etagMatches('*', ETAG)).toBe(true);
    expect(etagMatches('"other"', ETAG)).toBe(false);
    expect(etagMatches('"other","more"', ETAG)).toBe(false);
  });
});

describe('checkReadConditions', () => {
  it.each<[string, ReadConditions, string]>([
    ['no conditions', {}, 'ok'],
    ['ifMatch current', { ifMatch: ETAG }, 'ok'],
    ['ifMatch other', { ifMatch: '"x"' }, 'PreconditionFailed'],
    ['ifMatch *', { ifMatch: '*' }, 'ok'],
    ['ifNoneMatch current', { ifNoneMatch: ETAG }, 'NotModified'],
    ['ifNoneMatch other', { ifNoneMatch: '"x"' }, 'ok'],
    ['ifNoneMatch *', { ifNoneMatch: '*' }, 'NotModified'],
    ['ifModifiedSince earlier', { ifModifiedSince: at('2024-05-01T11:59:59Z') }, 'ok'],
    ['ifModifiedSince the same second', { ifModifiedSince: at('2024-05-01T12:00:00Z') }, 'NotModified'],
    ['ifModifiedSince later', { ifModifiedSince: at('2024-05-01T12:00:01Z') }, 'NotModified'],
    ['ifUnmodifiedSince later', { ifUnmodifiedSince: at('2024-05-01T12:00:01Z') }, 'ok'],
    ['ifUnmodifiedSince the same second', { ifUnmodifiedSince: at('2024-05-01T12:00:00Z') }, 'ok'],
    ['ifUnmodifiedSince earlier', { ifUnmodifiedSince: at('2024-05-01T11:59:59Z') }, 'PreconditionFailed'],
    // S3: If-Match true and If-Unmodified-Since false → 200
    ['ifMatch true wins over ifUnmodifiedSince false', { ifMatch: ETAG, ifUnmodifiedSince: at('2024-01-01T00:00:00Z') }, 'ok'],
    // S3: If-None-Match false and If-Modified-Since true → 304
    ['ifNoneMatch false with ifModifiedSince true', { ifNoneMatch: ETAG, ifModifiedSince: at('2024-01-01T00:00:00Z') }, 'NotModified'],
    ['ifNoneMatch true makes ifModifiedSince irrelevant', { ifNoneMatch: '"x"', ifModifiedSince: at('2025-01-01T00:00:00Z') }, 'ok'],
    ['412 is checked before 304', { ifMatch: '"x"', ifNoneMatch: ETAG }, 'PreconditionFailed'],
  ])('%s → %s', (_, conditions, expected) => {
    expect(outcome(() => checkReadConditions(info, conditions))).toBe(expected);
  });

  it('puts bucket and key on the error', () => {
    try {
      checkReadConditions(info, { ifMatch: '"x"' }, { bucket: 'b', key: 'k' });
      expect.fail('expected a throw');
    } catch (error) {
      expect(error).toMatchObject({ code: 'PreconditionFailed', bucket: 'b', key: 'k' });
    }
  });
});

describe('checkPutConditions', () => {
  it.each<[string, { etag: string } | undefined, Pick<PutOptions, 'ifMatch' | 'ifNoneMatch'>, string]>([
    ['no conditions on a new key', undefined, {}, 'ok'],
    ['no conditions over an object', { etag: ETAG }, {}, 'ok'],
    ["ifNoneMatch '*' on a new key", undefined, { ifNoneMatch: '*' }, 'ok'],
    ["ifNoneMatch '*' over an object", { etag: ETAG }, { ifNoneMatch: '*' }, 'PreconditionFailed'],
    ['ifMatch current', { etag: ETAG }, { ifMatch: ETAG }, 'ok'],
    ['ifMatch unquoted current', { etag: ETAG }, { ifMatch: bareEtag(ETAG) }, 'ok'],
    ['ifMatch other', { etag: ETAG }, { ifMatch: '"x"' }, 'PreconditionFailed'],
    ['ifMatch on a new key', undefined, { ifMatch: ETAG }, 'PreconditionFailed'],
  ])('%s → %s', (_, current, options, expected) => {
    expect(outcome(() => checkPutConditions(current, options, { key: 'k' }))).toBe(expected);
  });
});

describe('assertPutOptions', () => {
  it('accepts the usual options', () => {
    expect(outcome(() => assertPutOptions({}))).toBe('ok');
    expect(outcome(() => assertPutOptions({ ifNoneMatch: '*', size: 0 }))).toBe('ok');
    expect(outcome(() => assertPutOptions({ size: 5 * 1024 ** 3 }))).toBe('ok');
  });

  it.each<[string, PutOptions]>([
    ["ifNoneMatch other than '*'", { ifNoneMatch: '"etag"' as '*' }],
    ['a negative size', { size: -1 }],
    ['a fractional size', { size: 1.5 }],
    ['a NaN size', { size: Number.NaN }],
  ])('rejects %s with InvalidArgument', (_, options) => {
    expect(outcome(() => assertPutOptions(options))).toBe('InvalidArgument');
  });
});
