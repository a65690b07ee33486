/**
 * Tests only S3 has (multipart, progress, presign, error mapping against a real server), run
 * against each real server by the *.test.ts files next to the suites.
 */
import { createHash, randomBytes } from 'node:crypto';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { isStorageError, S3_CAPABILITIES, StorageError, type Capabilities, type ProgressEvent, type PutResult } from '@stowage/core';
import { S3Storage, type S3StorageOptions } from '@stowage/s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abortOpenUploads, type BooleanCapability, countCommands, openUploads, type ServerProfile } from '@stowage/testing';

const MiB = 1024 * 1024;

/** A body of `size` pseudo-random bytes in `chunk`-sized pieces, of unknown length to the reader. */
async function* stream(size: number, chunk = 64 * 1024, onChunk?: (sent: number) => void): AsyncGenerator<Uint8Array> {
  const block = randomBytes(chunk);
  let sent = 0;
  while (sent < size) {
    const n = Math.min(chunk, size - sent);
    sent += n;
    onChunk?.(sent);
    // A fresh copy, so the parts differ by their position only through `sent`.
    const piece = Buffer.from(block.subarray(0, n));
    piece.writeUInt32BE(sent >>> 0, 0);
    yield piece;
  }
}

function sha256(): { update(b: Uint8Array): void; hex(): string } {
  const h = createHash('sha256');
  return { update: (b) => h.update(b), hex: () => h.digest('hex') };
}

async function rejection(promise: Promise<unknown>): Promise<StorageError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(StorageError);
    return error as StorageError;
  }
  throw new Error('expected a rejection');
}

/**
 * Registers the S3-only tests against a server whose client options come from `options()`. The
 * storage declares what the server lacks (`profile.capabilities`), and the tests that depend on it
 * read those capabilities: `cleanAbort` (aborts leave no upload, checked with ListMultipartUploads),
 * `conditionalPut`/`ifMatchOnPut`, `largeCopies` (UploadPartCopy), `multipartEtag`, `readAfterWrite`;
 * the wrong-secret test reads `profile.verifiesSignatures`. A skipped test's title quotes the reason.
 */
export function describeS3Behaviour(profile: ServerProfile, options: () => S3StorageOptions | Promise<S3StorageOptions>): void {
  const state: { storage?: S3Storage; bucket: string; opts?: S3StorageOptions } = {
    bucket: `stowage-s3-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
  };
  const storage = () => state.storage as S3Storage;
  const bucket = () => state.bucket;
  // What the storage will declare: known before it exists, since the tests are gated as they register.
  const caps: Capabilities = { ...S3_CAPABILITIES, ...profile.capabilities };
  /** `it`, or `it.skip` with the reasons in the title when a capability is missing. */
  const gated = (needs: BooleanCapability[], title: string, fn: () => Promise<void>, timeout?: number) => {
    const missing = needs.filter((c) => !caps[c]).map((c) => profile.lacks[c] ?? `${profile.name} lacks ${c}`);
    if (missing.length === 0) it(title, fn, timeout);
    else it.skip(`${title} [skipped: ${[...new Set(missing)].join('; ')}]`, fn, timeout);
  };

  beforeAll(async () => {
    state.opts = { ...(await options()), capabilities: profile.capabilities };
    state.storage = new S3Storage(state.opts);
    expect(storage().capabilities).toEqual(caps);
    await storage().createBucket(bucket());
  });

  afterAll(async () => {
    const s = state.storage;
    if (!s) return;
    try {
      if (caps.cleanAbort) {
        // No test may leave a multipart upload behind: fail loudly, then clean up anyway.
        const left = await openUploads(s.client, bucket());
        await abortOpenUploads(s.client, bucket());
        expect(left).toEqual([]);
      }
      const keys: string[] = [];
      for await (const e of s.listObjects(bucket())) if (e.type === 'object') keys.push(e.key);
      await s.deleteObjects(bucket(), keys);
      await s.deleteBucket(bucket());
    } finally {
      s.destroy();
    }
  });

  describe('streaming multipart upload', () => {
    it('uploads 64 MiB of unknown length in parts, reporting progress at least once per MiB', async () => {
      const size = 64 * MiB;
      const events: ProgressEvent[] = [];
      const hash = sha256();
      const body = (async function* () {
        for await (const chunk of stream(size)) {
          hash.update(chunk);
          yield chunk;
        }
      })();
      const started = Date.now();
      const sent = countCommands(storage().client);
      let put: PutResult;
      try {
        put = await storage().putObject(bucket(), 'big/64mib.bin', body, {
          partSize: 8 * MiB,
          concurrency: 4,
          onProgress: (e) => events.push(e),
        });
      } finally {
        sent.stop();
      }
      const seconds = (Date.now() - started) / 1000;
      console.log(
        `${profile.name}: 64 MiB streamed upload in ${seconds.toFixed(2)} s (${(64 / seconds).toFixed(0)} MiB/s), ${events.length} progress events`,
      );
      // 64 MiB in 8 MiB parts: one multipart upload of 8 parts, no single PutObject.
      expect(Object.fromEntries(sent.counts)).toMatchObject({ CreateMultipartUpload: 1, UploadPart: 8, CompleteMultipartUpload: 1 });
      expect(sent.counts.has('PutObject')).toBe(false);
      if (caps.multipartEtag) expect(put.etag).toMatch(/^"[0-9a-f]{32}-8"$/);
      expect(put.size).toBe(size);

      expect(events.length).toBeGreaterThanOrEqual(64);
      let previous = 0;
      for (const e of events) {
        expect(e.bucket).toBe(bucket());
        expect(e.key).toBe('big/64mib.bin');
        expect(e.total).toBeUndefined();
        expect(e.delta).toBe(e.loaded - previous);
        expect(e.loaded - previous).toBeLessThanOrEqual(MiB);
        previous = e.loaded;
      }
      expect(previous).toBe(size);

      if (!caps.readAfterWrite) return; // the read right after could be short (see the profile's reason)
      const info = await storage().headObject(bucket(), 'big/64mib.bin');
      expect(info.size).toBe(size);
      expect(info.etag).toBe(put.etag);
      const read = sha256();
      const got = await storage().getObject(bucket(), 'big/64mib.bin');
      for await (const chunk of got.body) read.update(chunk as Uint8Array);
      expect(read.hex()).toBe(hash.hex());
    }, 120_000);

    it('reports total, never passing it, when the size is known', async () => {
      const size = 12 * MiB;
      const events: ProgressEvent[] = [];
      const sent = countCommands(storage().client);
      try {
        await storage().putObject(bucket(), 'big/known.bin', stream(size), { size, partSize: 5 * MiB, onProgress: (e) => events.push(e) });
      } finally {
        sent.stop();
      }
      expect(events.every((e) => e.total === size && e.loaded <= size)).toBe(true);
      expect(events.at(-1)?.loaded).toBe(size);
      expect(sent.counts.get('UploadPart')).toBe(3);
    }, 60_000);

    it('rejects a stream longer than its declared size with InvalidArgument and stores nothing', async () => {
      const e = await rejection(storage().putObject(bucket(), 'big/too-long.bin', stream(11 * MiB), { size: 10 * MiB, partSize: 5 * MiB }));
      expect(e.code).toBe('InvalidArgument');
      await expect(storage().headObject(bucket(), 'big/too-long.bin')).rejects.toMatchObject({ code: 'NoSuchKey' });
    }, 60_000);

    it('rejects a stream shorter than its declared size before completing the upload', async () => {
      const e = await rejection(
        storage().putObject(bucket(), 'big/too-short.bin', stream(11 * MiB), { size: 12 * MiB, partSize: 5 * MiB }),
      );
      expect(e.code).toBe('InvalidArgument');
      await expect(storage().headObject(bucket(), 'big/too-short.bin')).rejects.toMatchObject({ code: 'NoSuchKey' });
    }, 60_000);

    gated(
      ['cleanAbort'],
      'an aborted multipart upload rejects Aborted and leaves ListMultipartUploads empty',
      async () => {
        const controller = new AbortController();
        const started = Date.now();
        const body = stream(64 * MiB, 64 * 1024, (sent) => {
          if (sent === 20 * MiB) controller.abort();
        });
        const e = await rejection(storage().putObject(bucket(), 'big/aborted.bin', body, { partSize: 5 * MiB, signal: controller.signal }));
        expect(e.code).toBe('Aborted');
        expect(Date.now() - started).toBeLessThan(20_000);
        if (caps.cleanAbort) expect(await openUploads(storage().client, bucket())).toEqual([]);
        await expect(storage().headObject(bucket(), 'big/aborted.bin')).rejects.toMatchObject({ code: 'NoSuchKey' });
      },
      60_000,
    );

    gated(
      ['cleanAbort'],
      'a body that fails mid-upload aborts the multipart upload',
      async () => {
        const body = (async function* () {
          yield* stream(12 * MiB);
          throw new Error('disk on fire');
        })();
        const e = await rejection(storage().putObject(bucket(), 'big/failed.bin', body, { partSize: 5 * MiB }));
        expect(e.code).toBe('InvalidArgument');
        expect(e.message).toContain('disk on fire');
        expect((e.cause as Error).message).toBe('disk on fire');
        if (caps.cleanAbort) expect(await openUploads(storage().client, bucket())).toEqual([]);
        await expect(storage().headObject(bucket(), 'big/failed.bin')).rejects.toMatchObject({ code: 'NoSuchKey' });
      },
      60_000,
    );

    gated(
      ['conditionalPut', 'cleanAbort'],
      'a multipart put with ifNoneMatch "*" onto an existing key is PreconditionFailed and leaves no upload',
      async () => {
        await storage().putObject(bucket(), 'big/exists.bin', 'x');
        const e = await rejection(
          storage().putObject(bucket(), 'big/exists.bin', stream(11 * MiB), { partSize: 5 * MiB, ifNoneMatch: '*' }),
        );
        expect(e.code).toBe('PreconditionFailed');
        expect(await (await storage().getObject(bucket(), 'big/exists.bin')).text()).toBe('x');
        if (caps.cleanAbort) expect(await openUploads(storage().client, bucket())).toEqual([]);
      },
      60_000,
    );
  });

  describe('conditional multipart put', () => {
    gated(
      ['conditionalPut', 'cleanAbort'],
      'an object created while a multipart put with ifNoneMatch "*" runs makes it fail at completion',
      async () => {
        const key = 'big/raced.bin';
        const body = (async function* () {
          yield* stream(6 * MiB);
          // Another writer takes the key while the parts go up.
          await storage().putObject(bucket(), key, 'winner');
          yield* stream(5 * MiB);
        })();
        const e = await rejection(storage().putObject(bucket(), key, body, { partSize: 5 * MiB, ifNoneMatch: '*' }));
        expect(e.code).toBe('PreconditionFailed');
        expect(await (await storage().getObject(bucket(), key)).text()).toBe('winner');
        if (caps.cleanAbort) expect(await openUploads(storage().client, bucket())).toEqual([]);
      },
      60_000,
    );
  });

  describe('single-request put', () => {
    it('a body up to the threshold goes up in one PutObject (plain ETag)', async () => {
      const put = await storage().putObject(bucket(), 'small/one.bin', stream(3 * MiB), { multipartThreshold: 4 * MiB });
      expect(put.etag).toMatch(/^"[0-9a-f]{32}"$/);
      expect(put.size).toBe(3 * MiB);
    });

    it('an empty body', async () => {
      const put = await storage().putObject(bucket(), 'small/empty', '');
      expect(put.etag).toBe('"d41d8cd98f00b204e9800998ecf8427e"');
      expect(await (await storage().getObject(bucket(), 'small/empty')).text()).toBe('');
    });

    gated(['conditionalPut', 'ifMatchOnPut'], 'ifMatch with the quoted ETag from a put works (Ceph RGW wants it bare)', async () => {
      const first = await storage().putObject(bucket(), 'small/cas', 'v1');
      const second = await storage().putObject(bucket(), 'small/cas', 'v2', { ifMatch: first.etag });
      await expect(storage().putObject(bucket(), 'small/cas', 'v3', { ifMatch: first.etag })).rejects.toMatchObject({
        code: 'PreconditionFailed',
      });
      expect((await storage().headObject(bucket(), 'small/cas')).etag).toBe(second.etag);
    });
  });

  describe('metadata', () => {
    it('Unicode, padded, empty and encoded-word-looking values round-trip', async () => {
      const metadata = { name: 'Grüße, 日本 🙂', padded: '  a  ', empty: '', word: '=?UTF-8?B?aGk=?=', plain: 'ascii only', Mixed: 'Case' };
      await storage().putObject(bucket(), 'meta/u', 'x', { metadata, contentType: 'text/plain; charset=utf-8' });
      const info = await storage().headObject(bucket(), 'meta/u');
      expect(info.metadata).toEqual({
        name: 'Grüße, 日本 🙂',
        padded: '  a  ',
        empty: '',
        word: '=?UTF-8?B?aGk=?=',
        plain: 'ascii only',
        mixed: 'Case',
      });
      expect(info.contentType).toBe('text/plain; charset=utf-8');
      expect((await storage().getObject(bucket(), 'meta/u')).info.metadata).toEqual(info.metadata);
    });

    it('copying an object onto itself without changes keeps its attributes (REPLACE with the same ones)', async () => {
      const put = await storage().putObject(bucket(), 'meta/self', 'self', {
        metadata: { a: 'ä' },
        contentType: 'text/x-self',
        cacheControl: 'no-cache',
      });
      const copied = await storage().copyObject({ bucket: bucket(), key: 'meta/self' }, { bucket: bucket(), key: 'meta/self' });
      expect(copied.etag).toBe(put.etag);
      const info = await storage().headObject(bucket(), 'meta/self');
      expect(info).toMatchObject({ metadata: { a: 'ä' }, contentType: 'text/x-self', cacheControl: 'no-cache' });
    });
  });

  describe('copy', () => {
    gated(
      ['largeCopies'],
      'copies part by part above the multipart copy threshold',
      async () => {
        const size = 11 * MiB;
        await storage().putObject(bucket(), 'copy/src', stream(size), { metadata: { origin: 'src' }, contentType: 'application/x-test' });
        const small = new S3Storage({ ...(state.opts as S3StorageOptions), multipartCopyThreshold: 5 * MiB, copyPartSize: 5 * MiB });
        try {
          const sent = countCommands(small.client);
          const copied = await small.copyObject({ bucket: bucket(), key: 'copy/src' }, { bucket: bucket(), key: 'copy/dst' });
          sent.stop();
          expect(sent.counts.get('UploadPartCopy')).toBe(3);
          expect(sent.counts.has('CopyObject')).toBe(false);
          const info = await storage().headObject(bucket(), 'copy/dst');
          expect(info).toMatchObject({ size, metadata: { origin: 'src' }, contentType: 'application/x-test', etag: copied.etag });
          const [a, b] = await Promise.all([storage().getObject(bucket(), 'copy/src'), storage().getObject(bucket(), 'copy/dst')]);
          expect(Buffer.compare(Buffer.from(await a.bytes()), Buffer.from(await b.bytes()))).toBe(0);
        } finally {
          small.destroy();
        }
        if (caps.cleanAbort) expect(await openUploads(storage().client, bucket())).toEqual([]);
      },
      60_000,
    );
  });

  describe('listing', () => {
    it('fetches a page only when the entries before it are consumed', async () => {
      await Promise.all(Array.from({ length: 7 }, (_, i) => storage().putObject(bucket(), `lazy/k${i}`, String(i))));
      const sent = countCommands(storage().client);
      const pages = () => sent.counts.get('ListObjectsV2') ?? 0;
      try {
        const iterable = storage().listObjects(bucket(), { prefix: 'lazy/', pageSize: 2 });
        expect(pages()).toBe(0);
        const seen: string[] = [];
        for await (const e of iterable) {
          if (e.type === 'object') seen.push(e.key);
          if (seen.length === 3) break;
        }
        expect(seen).toEqual(['lazy/k0', 'lazy/k1', 'lazy/k2']);
        expect(pages()).toBe(2);
        const all: string[] = [];
        for await (const e of storage().listObjects(bucket(), { prefix: 'lazy/', pageSize: 2 })) if (e.type === 'object') all.push(e.key);
        expect(all).toHaveLength(7);
        expect(pages()).toBe(2 + 4);
      } finally {
        sent.stop();
      }
    });
  });

  describe('batch delete', () => {
    it('deletes 1001 keys in two requests, duplicates once, missing keys as deleted', async () => {
      const keys = Array.from({ length: 1001 }, (_, i) => `batch/${String(i).padStart(4, '0')}`);
      for (let i = 0; i < keys.length; i += 50) {
        await Promise.all(keys.slice(i, i + 50).map((k) => storage().putObject(bucket(), k, 'x')));
      }
      const sent = countCommands(storage().client);
      const result = await storage().deleteObjects(bucket(), [...keys, keys[0] as string, 'batch/missing']);
      sent.stop();
      expect(sent.counts.get('DeleteObjects')).toBe(2);
      expect(result.errors).toEqual([]);
      expect(result.deleted).toHaveLength(1002);
      expect(new Set(result.deleted).size).toBe(1002);
      const left: string[] = [];
      for await (const e of storage().listObjects(bucket(), { prefix: 'batch/' })) left.push(e.type);
      expect(left).toEqual([]);
    }, 120_000);
  });

  describe('presigned URLs', () => {
    it('a presigned PUT, then a presigned GET, work with plain fetch', async () => {
      const put = await storage().presign(bucket(), 'presigned/ü file.txt', { method: 'PUT', expiresIn: 300, contentType: 'text/plain' });
      expect(put).not.toContain('SECRET');
      const uploaded = await fetch(put, { method: 'PUT', body: 'from fetch 🙂', headers: { 'content-type': 'text/plain' } });
      expect(uploaded.status).toBe(200);
      const info = await storage().headObject(bucket(), 'presigned/ü file.txt');
      expect(info.contentType).toBe('text/plain');
      const get = await storage().presign(bucket(), 'presigned/ü file.txt', { method: 'GET', expiresIn: 300 });
      const downloaded = await fetch(get);
      expect(downloaded.status).toBe(200);
      expect(await downloaded.text()).toBe('from fetch 🙂');
    });

    it('rejects an expiry outside 1 s to 7 days', async () => {
      await expect(storage().presign(bucket(), 'k', { method: 'GET', expiresIn: 0 })).rejects.toMatchObject({ code: 'InvalidArgument' });
      await expect(storage().presign(bucket(), 'k', { method: 'GET', expiresIn: 8 * 86400 })).rejects.toMatchObject({
        code: 'InvalidArgument',
      });
    });
  });

  describe('error mapping against the server', () => {
    it('NoSuchBucket, from GET and from HEAD (which has no error body)', async () => {
      const missing = `${bucket()}-missing`;
      const get = await rejection(storage().getObject(missing, 'k'));
      expect(get).toMatchObject({ code: 'NoSuchBucket', bucket: missing });
      expect(get.cause).toBeInstanceOf(S3ServiceException);
      expect((await rejection(storage().headObject(missing, 'k'))).code).toBe('NoSuchBucket');
      expect((await rejection(storage().deleteBucket(missing))).code).toBe('NoSuchBucket');
      expect(await storage().bucketExists(missing)).toBe(false);
    });

    it('NoSuchKey, from GET and from HEAD', async () => {
      const get = await rejection(storage().getObject(bucket(), 'nothing/here'));
      expect(get).toMatchObject({ code: 'NoSuchKey', bucket: bucket(), key: 'nothing/here' });
      expect(get.cause).toBeInstanceOf(S3ServiceException);
      expect((await rejection(storage().headObject(bucket(), 'nothing/here'))).code).toBe('NoSuchKey');
    });

    it('412 → PreconditionFailed, 304 → NotModified', async () => {
      const put = await storage().putObject(bucket(), 'cond/k', 'abc');
      expect((await rejection(storage().getObject(bucket(), 'cond/k', { ifMatch: '"0123456789abcdef0123456789abcdef"' }))).code).toBe(
        'PreconditionFailed',
      );
      expect((await rejection(storage().headObject(bucket(), 'cond/k', { ifMatch: '"0123456789abcdef0123456789abcdef"' }))).code).toBe(
        'PreconditionFailed',
      );
      expect((await rejection(storage().getObject(bucket(), 'cond/k', { ifNoneMatch: put.etag }))).code).toBe('NotModified');
      expect((await rejection(storage().headObject(bucket(), 'cond/k', { ifNoneMatch: put.etag }))).code).toBe('NotModified');
      expect(await (await storage().getObject(bucket(), 'cond/k', { ifMatch: put.etag })).text()).toBe('abc');
    });

    it('416 → InvalidRange', async () => {
      await storage().putObject(bucket(), 'range/k', '0123456789');
      const e = await rejection(storage().getObject(bucket(), 'range/k', { range: { offset: 10 } }));
      expect(e.code).toBe('InvalidRange');
      expect(e.cause).toBeInstanceOf(S3ServiceException);
      const r = await storage().getObject(bucket(), 'range/k', { range: { suffix: 3 } });
      expect(r.range).toEqual({ offset: 7, length: 3 });
      expect(r.info.size).toBe(10);
      expect(await r.text()).toBe('789');
    });

    it('BucketAlreadyExists for a bucket you already own', async () => {
      expect((await rejection(storage().createBucket(bucket()))).code).toBe('BucketAlreadyExists');
    });

    it('BucketNotEmpty', async () => {
      await storage().putObject(bucket(), 'keep', 'x');
      expect((await rejection(storage().deleteBucket(bucket()))).code).toBe('BucketNotEmpty');
    });

    it('403 → AccessDenied (unknown access key), with no secret in the message', async () => {
      const secret = 'wrong-secret-Zq9xK2vT7pL4mN8r';
      const base = state.opts as S3StorageOptions;
      const denied = new S3Storage({ ...base, credentials: { accessKeyId: 'STOWAGEUNKNOWNKEY', secretAccessKey: secret } });
      try {
        const e = await rejection(denied.getObject(bucket(), 'keep'));
        expect(e.code).toBe('AccessDenied');
        expect(e.message).not.toContain(secret);
        expect(JSON.stringify(e)).not.toContain(secret);
        expect(e.cause).toBeInstanceOf(S3ServiceException);
        expect((await rejection(denied.listBuckets())).code).toBe('AccessDenied');
        expect((await rejection(denied.putObject(bucket(), 'denied', 'x'))).code).toBe('AccessDenied');
      } finally {
        denied.destroy();
      }
    });

    (profile.verifiesSignatures ? it : it.skip)(
      `403 → AccessDenied (wrong secret: SignatureDoesNotMatch), with no secret in the message${
        profile.verifiesSignatures ? '' : ` [skipped: ${profile.name} checks only that the access key exists, not the SigV4 signature]`
      }`,
      async () => {
        const secret = 'wrong-secret-Zq9xK2vT7pL4mN8r';
        const base = state.opts as S3StorageOptions & { credentials: { accessKeyId: string } };
        const denied = new S3Storage({ ...base, credentials: { accessKeyId: base.credentials.accessKeyId, secretAccessKey: secret } });
        try {
          const e = await rejection(denied.getObject(bucket(), 'keep'));
          expect(e.code).toBe('AccessDenied');
          expect(e.message).not.toContain(secret);
          expect(e.message).not.toMatch(/Signature=[0-9a-f]{16}/);
        } finally {
          denied.destroy();
        }
      },
    );

    it('an aborted call rejects Aborted (before and during the request)', async () => {
      const before = AbortSignal.abort();
      for (const call of [
        storage().getObject(bucket(), 'keep', { signal: before }),
        storage().headObject(bucket(), 'keep', { signal: before }),
        storage().putObject(bucket(), 'k', 'x', { signal: before }),
        storage().deleteObject(bucket(), 'keep', { signal: before }),
        storage().listBuckets({ signal: before }),
      ]) {
        expect((await rejection(call)).code).toBe('Aborted');
      }
      const controller = new AbortController();
      const body = stream(6 * MiB, 64 * 1024, (sent) => sent === MiB && controller.abort());
      expect((await rejection(storage().putObject(bucket(), 'k', body, { signal: controller.signal }))).code).toBe('Aborted');
      // Aborting while a body is being read destroys the stream with Aborted.
      await storage().putObject(bucket(), 'abort/read', stream(4 * MiB));
      const reading = new AbortController();
      const got = await storage().getObject(bucket(), 'abort/read', { signal: reading.signal });
      reading.abort();
      const e = await rejection(got.bytes());
      expect(isStorageError(e, 'Aborted')).toBe(true);
    });
  });
}
