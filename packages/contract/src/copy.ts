import { expect } from 'vitest';
import type { ContractSuite } from './context.js';
import { expectAbsent, expectBytes, expectError, listKeys, pattern, readAll } from './helpers.js';
import { SAMPLE_HEADERS } from './write.js';

/** Copies: within and across buckets, attributes kept or replaced, errors, no aliasing. */
export function registerCopy(suite: ContractSuite): void {
  suite.case('copy within a bucket duplicates the bytes and keeps the source', async ({ storage, bucket }) => {
    const bytes = pattern(3000, 31);
    await storage.putObject(bucket, 'src', bytes);
    const result = await storage.copyObject({ bucket, key: 'src' }, { bucket, key: 'dst' });
    expectBytes(await readAll(storage, bucket, 'dst'), bytes);
    expectBytes(await readAll(storage, bucket, 'src'), bytes);
    expect((await storage.headObject(bucket, 'dst')).etag).toBe(result.etag);
    expect(await listKeys(storage, bucket)).toEqual(['dst', 'src']);
  });

  suite.case('copy returns a quoted ETag equal to the one head reports', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'src', 'copy me');
    const result = await storage.copyObject({ bucket, key: 'src' }, { bucket, key: 'dst' });
    expect(result.etag).toMatch(/^"[^"]+"$/);
    expect((await storage.headObject(bucket, 'dst')).etag).toBe(result.etag);
  });

  suite.case('copy across buckets', async ({ storage, bucket, newBucket }) => {
    const other = await newBucket();
    await storage.putObject(bucket, 'src', 'travels', { metadata: { from: 'first' } });
    await storage.copyObject({ bucket, key: 'src' }, { bucket: other, key: 'dst/nested' });
    expect((await readAll(storage, other, 'dst/nested')).toString()).toBe('travels');
    expect((await storage.headObject(other, 'dst/nested')).metadata).toEqual({ from: 'first' });
    expect(await listKeys(storage, bucket)).toEqual(['src']);
  });

  suite.case('copy between non-ASCII keys', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'quellé/日本 😀', 'unicode');
    await storage.copyObject({ bucket, key: 'quellé/日本 😀' }, { bucket, key: 'ziel/файл %2F+&?' });
    expect((await readAll(storage, bucket, 'ziel/файл %2F+&?')).toString()).toBe('unicode');
  });

  suite.case('copy of an empty object', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'src', '');
    await storage.copyObject({ bucket, key: 'src' }, { bucket, key: 'dst' });
    expect((await storage.headObject(bucket, 'dst')).size).toBe(0);
  });

  suite.case(
    'copy of a multi-MiB object',
    async ({ storage, bucket }) => {
      const bytes = pattern(suite.options.largeBodyBytes, 32);
      await storage.putObject(bucket, 'src', bytes);
      await storage.copyObject({ bucket, key: 'src' }, { bucket, key: 'dst' });
      expectBytes(await readAll(storage, bucket, 'dst'), bytes);
    },
    { large: true, needs: ['readAfterWrite'], timeout: suite.options.timeout * 2 },
  );

  suite.case('copy onto an existing key overwrites it, data and attributes', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'src', 'new', { metadata: { v: 'src' } });
    await storage.putObject(bucket, 'dst', 'old and longer', { ...SAMPLE_HEADERS, metadata: { v: 'dst', extra: '1' } });
    await storage.copyObject({ bucket, key: 'src' }, { bucket, key: 'dst' });
    expect((await readAll(storage, bucket, 'dst')).toString()).toBe('new');
    const info = await storage.headObject(bucket, 'dst');
    expect(info.metadata).toEqual({ v: 'src' });
    expect(info.cacheControl).toBeUndefined();
    expect(info.size).toBe(3);
  });

  suite.case('copy keeps the content headers and metadata by default', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'src', 'x', { ...SAMPLE_HEADERS, metadata: { a: '1', b: '2' } });
    await storage.copyObject({ bucket, key: 'src' }, { bucket, key: 'dst' });
    const info = await storage.headObject(bucket, 'dst');
    expect(info).toMatchObject({ ...SAMPLE_HEADERS, metadata: { a: '1', b: '2' } });
  });

  suite.case('copy with new metadata replaces the metadata and all headers (S3 REPLACE)', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'src', 'x', { ...SAMPLE_HEADERS, metadata: { a: '1', b: '2' } });
    await storage.copyObject({ bucket, key: 'src' }, { bucket, key: 'dst' }, { metadata: { c: '3' } });
    const info = await storage.headObject(bucket, 'dst');
    expect(info.metadata).toEqual({ c: '3' });
    expect(info.contentDisposition).toBeUndefined();
    expect(info.contentLanguage).toBeUndefined();
    expect(info.cacheControl).toBeUndefined();
    expect(info.contentEncoding).toBeUndefined();
    expect(info.contentType).not.toBe(SAMPLE_HEADERS.contentType);
    expect((await storage.headObject(bucket, 'src')).metadata).toEqual({ a: '1', b: '2' });
  });

  suite.case('copy with one new header replaces the metadata too (S3 REPLACE)', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'src', 'x', { contentLanguage: 'en', metadata: { a: '1' } });
    await storage.copyObject({ bucket, key: 'src' }, { bucket, key: 'dst' }, { contentType: 'application/json' });
    const info = await storage.headObject(bucket, 'dst');
    expect(info.contentType).toBe('application/json');
    expect(info.contentLanguage).toBeUndefined();
    expect(info.metadata).toEqual({});
  });

  suite.case('copy onto itself with new metadata changes the attributes and keeps the content', async ({ storage, bucket }) => {
    const bytes = pattern(5000, 33);
    await storage.putObject(bucket, 'self', bytes, { contentType: 'text/plain', metadata: { v: '1' } });
    await storage.copyObject({ bucket, key: 'self' }, { bucket, key: 'self' }, { metadata: { v: '2' }, contentType: 'text/csv' });
    const info = await storage.headObject(bucket, 'self');
    expect(info.metadata).toEqual({ v: '2' });
    expect(info.contentType).toBe('text/csv');
    expect(info.size).toBe(bytes.length);
    expectBytes(await readAll(storage, bucket, 'self'), bytes);
    expect(await listKeys(storage, bucket)).toEqual(['self']);
  });

  suite.case('the copy does not alias the source: overwriting the source leaves the copy', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'src', 'original', { metadata: { v: '1' } });
    await storage.copyObject({ bucket, key: 'src' }, { bucket, key: 'dst' });
    await storage.putObject(bucket, 'src', 'changed', { metadata: { v: '2' } });
    expect((await readAll(storage, bucket, 'dst')).toString()).toBe('original');
    expect((await storage.headObject(bucket, 'dst')).metadata).toEqual({ v: '1' });
  });

  suite.case('the copy does not alias the source: changing the copy leaves the source', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'src', 'original', { metadata: { v: '1' } });
    await storage.copyObject({ bucket, key: 'src' }, { bucket, key: 'dst' });
    await storage.putObject(bucket, 'dst', 'rewritten', { metadata: { v: 'copy' } });
    expect((await readAll(storage, bucket, 'src')).toString()).toBe('original');
    expect((await storage.headObject(bucket, 'src')).metadata).toEqual({ v: '1' });
  });

  suite.case('the copy does not alias the source: deleting the source leaves the copy', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'src', 'original');
    await storage.copyObject({ bucket, key: 'src' }, { bucket, key: 'dst' });
    await storage.deleteObject(bucket, 'src');
    expect((await readAll(storage, bucket, 'dst')).toString()).toBe('original');
  });

  suite.case('copy of a missing source rejects NoSuchKey and writes nothing', async ({ storage, bucket }) => {
    await expectError(storage.copyObject({ bucket, key: 'missing' }, { bucket, key: 'dst' }), 'NoSuchKey', {
      bucket,
      key: 'missing',
    });
    await expectAbsent(storage, bucket, 'dst');
  });

  suite.case('copy of a missing source leaves an existing target alone', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'dst', 'keep');
    await expectError(storage.copyObject({ bucket, key: 'missing' }, { bucket, key: 'dst' }), 'NoSuchKey');
    expect((await readAll(storage, bucket, 'dst')).toString()).toBe('keep');
  });

  suite.case(
    'copy with sourceIfMatch of the current ETag copies',
    async ({ storage, bucket }) => {
      const put = await storage.putObject(bucket, 'src', 'guarded');
      await storage.copyObject({ bucket, key: 'src' }, { bucket, key: 'dst' }, { sourceIfMatch: put.etag });
      expect((await readAll(storage, bucket, 'dst')).toString()).toBe('guarded');
    },
    { needs: ['conditionalGet'] },
  );

  suite.case(
    'copy with sourceIfMatch of another ETag rejects PreconditionFailed and writes nothing',
    async ({ storage, bucket }) => {
      const first = await storage.putObject(bucket, 'src', 'one');
      await storage.putObject(bucket, 'src', 'two');
      await expectError(
        storage.copyObject({ bucket, key: 'src' }, { bucket, key: 'dst' }, { sourceIfMatch: first.etag }),
        'PreconditionFailed',
      );
      await expectAbsent(storage, bucket, 'dst');
    },
    { needs: ['conditionalGet'] },
  );

  suite.case('copy with oversized metadata rejects InvalidArgument', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'src', 'x');
    await expectError(
      storage.copyObject({ bucket, key: 'src' }, { bucket, key: 'dst' }, { metadata: { a: 'x'.repeat(3000) } }),
      'InvalidArgument',
    );
    await expectAbsent(storage, bucket, 'dst');
  });

  suite.case('copy aborted before it starts rejects Aborted and writes nothing', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'src', 'x');
    const controller = new AbortController();
    controller.abort();
    await expectError(storage.copyObject({ bucket, key: 'src' }, { bucket, key: 'dst' }, { signal: controller.signal }), 'Aborted');
    await expectAbsent(storage, bucket, 'dst');
  });
}
