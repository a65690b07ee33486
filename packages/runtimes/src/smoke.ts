/**
 * The runtime smoke suite: every `Storage` operation once or more, on the BUILT packages (their
 * dist, resolved through node_modules), written with nothing a runtime may lack: no vitest, no
 * Node built-in imported at the top (the two cases about Node streams import `node:stream` when
 * they run, so a runtime without it fails those two cases alone).
 *
 * Each runtime's entry (`cli.ts` for Node, Bun and Deno; `worker.ts` for workerd) calls
 * {@link runSmoke} and hands back the {@link Summary}.
 */
import type { Capabilities, ListEntry, ObjectInfo, Storage } from '@stowage/core';
import { type Case, Skip, type Summary, describe, equal, ok, rejectsWith, runCases, sameBytes, sameJson } from './runner.ts';

/** What the test in Node sends a runtime: which driver, and for S3 the server and what it lacks. */
export interface SmokeConfig {
  driver: 'memory' | 's3';
  /** Names the run's buckets (lower case, digits and `-`), so runs sharing a server never meet. */
  runId: string;
  /** `s3`: the server, `http://127.0.0.1:<port>`. */
  endpoint?: string;
  /** `s3`: the server's credentials. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** `s3`: what the server lacks (its profile's capabilities), declared to the driver. */
  capabilities?: Partial<Capabilities>;
  /** A folder the suite may write files in and removes (Node, Bun, Deno); absent where there is no disk. */
  fileDir?: string;
}

/** A storage that may hold connections to let go of at the end. */
type OpenedStorage = Storage & { destroy?: () => void };

interface Context {
  storage: OpenedStorage;
  config: SmokeConfig;
  /** The run's bucket, made by the first case. */
  bucket: string;
  /** A bucket name nobody makes. */
  missing: string;
}

const encoder = new TextEncoder();
const MiB = 1024 * 1024;

/** `n` bytes holding every byte value (so nothing is mangled as text on the way). */
function pattern(n: number, seed = 0): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** The record with its names in order, for comparing as JSON. */
function sorted(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Listed keys and prefixes, in the order listed. */
function names(entries: ListEntry[]): string[] {
  return entries.map((e) => (e.type === 'object' ? e.key : `prefix:${e.prefix}`));
}

async function readStream(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  return concat(parts);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** Puts `body` under `key` in the run's bucket and returns its ETag. */
async function seed(c: Context, key: string, body: string | Uint8Array): Promise<string> {
  return (await c.storage.putObject(c.bucket, key, body)).etag;
}

const capable = (c: Context, flag: keyof Capabilities, reason: string): void => {
  if (!c.storage.capabilities[flag]) throw new Skip(`${c.storage.name} declares ${flag}: false (${reason})`);
};

/** The packages the suite imports, each of which must come from its dist. */
export const PACKAGES = ['@stowage/core', '@stowage/memory', '@stowage/s3', 'stowage'] as const;

/** Every case, in order: the first makes the bucket, the last deletes it. */
export const CASES: readonly Case<Context>[] = [
  {
    name: 'the packages load from their built dist, not their sources',
    async run() {
      const meta = import.meta as { resolve?: (specifier: string) => string };
      if (typeof meta.resolve !== 'function')
        throw new Skip('no import.meta.resolve here (a bundle): the test checks what the bundle took in');
      for (const name of PACKAGES) {
        let url: string;
        try {
          url = meta.resolve(name);
        } catch {
          // A page's import.meta.resolve knows no package names (no import map): it is a bundle.
          throw new Skip('import.meta.resolve knows no package names here (a bundle): the test checks what the bundle took in');
        }
        ok(/\/dist\/[^/]+\.js$/.test(url), `${name} resolves to ${url}, not to a dist file`);
      }
    },
  },
  // Buckets
  {
    name: 'createBucket makes a bucket that bucketExists sees',
    async run(c) {
      await c.storage.createBucket(c.bucket);
      equal(await c.storage.bucketExists(c.bucket), true, 'bucketExists');
    },
  },
  {
    name: 'bucketExists is false for a bucket never made',
    async run(c) {
      equal(await c.storage.bucketExists(c.missing), false, 'bucketExists');
    },
  },
  {
    name: 'createBucket of an existing bucket is BucketAlreadyExists',
    async run(c) {
      await rejectsWith(c.storage.createBucket(c.bucket), 'BucketAlreadyExists', 'createBucket again');
    },
  },
  {
    name: 'listBuckets lists the bucket',
    async run(c) {
      const buckets = await c.storage.listBuckets();
      ok(
        buckets.some((b) => b.name === c.bucket),
        `listBuckets lacks ${c.bucket}: ${buckets.map((b) => b.name).join(', ')}`,
      );
    },
  },
  // Put, each kind of body
  {
    name: 'put a string: the ETag is the quoted MD5 of its bytes',
    async run(c) {
      const { etag, size } = await c.storage.putObject(c.bucket, 'body/string.txt', 'hello');
      if (size !== undefined) equal(size, 5, 'size');
      if (c.storage.capabilities.md5Etags) equal(etag, '"5d41402abc4b2a76b9719d911017c592"', 'etag');
      equal(await (await c.storage.getObject(c.bucket, 'body/string.txt')).text(), 'hello', 'text read back');
    },
  },
  {
    name: 'put a Uint8Array holding every byte value, read back byte for byte',
    async run(c) {
      const bytes = pattern(4096, 7);
      await c.storage.putObject(c.bucket, 'body/bytes.bin', bytes);
      sameBytes(await (await c.storage.getObject(c.bucket, 'body/bytes.bin')).bytes(), bytes, 'bytes read back');
    },
  },
  {
    name: 'put a Blob',
    async run(c) {
      const bytes = pattern(3000, 1);
      await c.storage.putObject(c.bucket, 'body/blob.bin', new Blob([bytes.slice(0, 1000), bytes.slice(1000)]));
      sameBytes(await (await c.storage.getObject(c.bucket, 'body/blob.bin')).bytes(), bytes, 'bytes read back');
    },
  },
  {
    name: 'put a web ReadableStream of several chunks',
    async run(c) {
      const chunks = [pattern(1000, 2), pattern(1, 3), pattern(2047, 4)];
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(chunk);
          controller.close();
        },
      });
      await c.storage.putObject(c.bucket, 'body/web-stream.bin', stream);
      sameBytes(await (await c.storage.getObject(c.bucket, 'body/web-stream.bin')).bytes(), concat(chunks), 'bytes read back');
    },
  },
  {
    name: 'put an async iterable of chunks (with its size given)',
    async run(c) {
      const chunks = [pattern(500, 5), pattern(1500, 6)];
      async function* generate() {
        for (const chunk of chunks) yield chunk;
      }
      await c.storage.putObject(c.bucket, 'body/iterable.bin', generate(), { size: 2000 });
      sameBytes(await (await c.storage.getObject(c.bucket, 'body/iterable.bin')).bytes(), concat(chunks), 'bytes read back');
    },
  },
  {
    name: 'put a Node Readable (node:stream, imported when the case runs)',
    async run(c) {
      const { Readable } = await import('node:stream').catch(() => {
        throw new Skip('nodeStreams: node:stream does not load in this runtime');
      });
      const chunks = [pattern(700, 8), pattern(300, 9)];
      await c.storage.putObject(c.bucket, 'body/node-readable.bin', Readable.from(chunks));
      sameBytes(await (await c.storage.getObject(c.bucket, 'body/node-readable.bin')).bytes(), concat(chunks), 'bytes read back');
    },
  },
  {
    name: 'put an empty body',
    async run(c) {
      await c.storage.putObject(c.bucket, 'body/empty', new Uint8Array(0));
      equal((await c.storage.headObject(c.bucket, 'body/empty')).size, 0, 'size');
      equal((await (await c.storage.getObject(c.bucket, 'body/empty')).bytes()).byteLength, 0, 'bytes read back');
    },
  },
  {
    name: 'put keeps content headers and user metadata',
    async run(c) {
      await c.storage.putObject(c.bucket, 'headers.json', '{"a":1}', {
        contentType: 'application/json',
        cacheControl: 'max-age=60',
        contentDisposition: 'attachment; filename="h.json"',
        metadata: { owner: 'smoke', Mixed: 'Case' },
      });
      const info = await c.storage.headObject(c.bucket, 'headers.json');
      equal(info.contentType, 'application/json', 'contentType');
      equal(info.cacheControl, 'max-age=60', 'cacheControl');
      equal(info.contentDisposition, 'attachment; filename="h.json"', 'contentDisposition');
      sameJson(sorted(info.metadata), { mixed: 'Case', owner: 'smoke' }, 'metadata (names in lower case)');
    },
  },
  // Get, full
  {
    name: 'get: text() of a UTF-8 body',
    async run(c) {
      const text = 'grüße, 世界 🌍';
      await seed(c, 'get/utf8.txt', text);
      const result = await c.storage.getObject(c.bucket, 'get/utf8.txt');
      equal(result.info.size, encoder.encode(text).byteLength, 'info.size');
      equal(await result.text(), text, 'text()');
    },
  },
  {
    name: 'get: webStream() yields the bytes',
    async run(c) {
      const bytes = pattern(70_000, 11);
      await seed(c, 'get/web.bin', bytes);
      sameBytes(await readStream((await c.storage.getObject(c.bucket, 'get/web.bin')).webStream()), bytes, 'webStream bytes');
    },
  },
  {
    name: 'get: body is a Node Readable that async-iterates the bytes',
    async run(c) {
      const bytes = pattern(70_000, 12);
      await seed(c, 'get/node.bin', bytes);
      const result = await c.storage.getObject(c.bucket, 'get/node.bin');
      let body: unknown;
      try {
        body = result.body;
      } catch (error) {
        // The browser and worker build has no Node streams: its `body` says so, and nothing else.
        if ((error as { code?: string }).code === 'NotSupported')
          throw new Skip('nodeStreams: the web build has no Node streams (NotSupported)');
        throw error;
      }
      const parts: Uint8Array[] = [];
      for await (const chunk of body as AsyncIterable<Uint8Array>) parts.push(chunk);
      sameBytes(concat(parts), bytes, 'body bytes');
    },
  },
  // Get, ranged
  {
    name: 'get a range: offset and length',
    async run(c) {
      const bytes = pattern(1000, 13);
      await seed(c, 'range.bin', bytes);
      const result = await c.storage.getObject(c.bucket, 'range.bin', { range: { offset: 100, length: 50 } });
      sameJson(result.range, { offset: 100, length: 50 }, 'range');
      equal(result.info.size, 1000, 'info.size is the whole object');
      sameBytes(await result.bytes(), bytes.slice(100, 150), 'ranged bytes');
    },
  },
  {
    name: 'get a range: from an offset to the end',
    async run(c) {
      const bytes = pattern(1000, 13);
      const result = await c.storage.getObject(c.bucket, 'range.bin', { range: { offset: 900 } });
      sameJson(result.range, { offset: 900, length: 100 }, 'range');
      sameBytes(await result.bytes(), bytes.slice(900), 'ranged bytes');
    },
  },
  {
    name: 'get a range: the last N bytes (suffix)',
    async run(c) {
      capable(c, 'suffixRange', 'no suffix ranges');
      const bytes = pattern(1000, 13);
      const result = await c.storage.getObject(c.bucket, 'range.bin', { range: { suffix: 10 } });
      sameJson(result.range, { offset: 990, length: 10 }, 'range');
      sameBytes(await result.bytes(), bytes.slice(990), 'ranged bytes');
    },
  },
  {
    name: 'get a range past the end is InvalidRange',
    async run(c) {
      await rejectsWith(c.storage.getObject(c.bucket, 'range.bin', { range: { offset: 5000 } }), 'InvalidRange', 'range past the end');
    },
  },
  // Get and head, conditional
  {
    name: 'get ifMatch the current ETag reads the object',
    async run(c) {
      const etag = await seed(c, 'cond.txt', 'v1');
      equal(await (await c.storage.getObject(c.bucket, 'cond.txt', { ifMatch: etag })).text(), 'v1', 'text');
    },
  },
  {
    name: 'get ifMatch another ETag is PreconditionFailed',
    async run(c) {
      await rejectsWith(
        c.storage.getObject(c.bucket, 'cond.txt', { ifMatch: '"00000000000000000000000000000000"' }),
        'PreconditionFailed',
        'get ifMatch',
      );
    },
  },
  {
    name: 'get ifNoneMatch the current ETag is NotModified',
    async run(c) {
      const { etag } = await c.storage.headObject(c.bucket, 'cond.txt');
      await rejectsWith(c.storage.getObject(c.bucket, 'cond.txt', { ifNoneMatch: etag }), 'NotModified', 'get ifNoneMatch');
    },
  },
  {
    name: 'head: size, quoted ETag and lastModified',
    async run(c) {
      const before = Date.now() - 60_000;
      const { etag } = await c.storage.putObject(c.bucket, 'head.bin', pattern(321));
      const info: ObjectInfo = await c.storage.headObject(c.bucket, 'head.bin');
      equal(info.key, 'head.bin', 'key');
      equal(info.size, 321, 'size');
      equal(info.etag, etag, 'etag');
      ok(/^"[^"]+"$/.test(info.etag), `etag is quoted: ${info.etag}`);
      ok(info.lastModified instanceof Date && info.lastModified.getTime() > before, `lastModified: ${String(info.lastModified)}`);
    },
  },
  {
    name: 'head ifMatch another ETag is PreconditionFailed',
    async run(c) {
      await rejectsWith(
        c.storage.headObject(c.bucket, 'head.bin', { ifMatch: '"00000000000000000000000000000000"' }),
        'PreconditionFailed',
        'head ifMatch',
      );
    },
  },
  {
    name: 'put ifNoneMatch * over an existing key is PreconditionFailed',
    async run(c) {
      capable(c, 'conditionalPut', 'the server overwrites regardless');
      await rejectsWith(c.storage.putObject(c.bucket, 'cond.txt', 'v2', { ifNoneMatch: '*' }), 'PreconditionFailed', 'put ifNoneMatch');
      equal(await (await c.storage.getObject(c.bucket, 'cond.txt')).text(), 'v1', 'the object is unchanged');
    },
  },
  // Errors
  {
    name: 'get of a missing key is NoSuchKey',
    async run(c) {
      await rejectsWith(c.storage.getObject(c.bucket, 'no/such/key'), 'NoSuchKey', 'get');
    },
  },
  {
    name: 'head of a missing key is NoSuchKey',
    async run(c) {
      await rejectsWith(c.storage.headObject(c.bucket, 'no/such/key'), 'NoSuchKey', 'head');
    },
  },
  {
    name: 'get in a missing bucket is NoSuchBucket',
    async run(c) {
      await rejectsWith(c.storage.getObject(c.missing, 'k'), 'NoSuchBucket', 'get');
    },
  },
  {
    name: 'put into a missing bucket is NoSuchBucket',
    async run(c) {
      await rejectsWith(c.storage.putObject(c.missing, 'k', 'x'), 'NoSuchBucket', 'put');
    },
  },
  {
    name: 'an empty key is InvalidKey',
    async run(c) {
      await rejectsWith(c.storage.putObject(c.bucket, '', 'x'), 'InvalidKey', 'put of an empty key');
    },
  },
  {
    name: 'a key over 1024 UTF-8 bytes is InvalidKey',
    async run(c) {
      await rejectsWith(c.storage.getObject(c.bucket, `${'é'.repeat(512)}x`), 'InvalidKey', 'get of a 1025-byte key');
    },
  },
  {
    name: 'a malformed bucket name is InvalidBucketName',
    async run(c) {
      await rejectsWith(c.storage.createBucket('Not_A_Bucket'), 'InvalidBucketName', 'createBucket');
    },
  },
  {
    name: 'errors are StorageErrors of the one @stowage/core module (isStorageError, instanceof)',
    async run(c) {
      const { StorageError, isStorageError } = await import('@stowage/core');
      const error = await rejectsWith(c.storage.headObject(c.bucket, 'no/such/key'), 'NoSuchKey', 'head');
      ok(error instanceof StorageError, `instanceof StorageError: ${describe(error)}`);
      ok(isStorageError(error, 'NoSuchKey'), 'isStorageError(error, NoSuchKey)');
      equal(error.name, 'StorageError', 'name');
    },
  },
  // Copy
  {
    name: 'copy: bytes, content headers and metadata come along',
    async run(c) {
      const bytes = pattern(2222, 14);
      await c.storage.putObject(c.bucket, 'copy/src.bin', bytes, { contentType: 'application/x-smoke', metadata: { tag: 'one' } });
      await c.storage.copyObject({ bucket: c.bucket, key: 'copy/src.bin' }, { bucket: c.bucket, key: 'copy/dst.bin' });
      const result = await c.storage.getObject(c.bucket, 'copy/dst.bin');
      equal(result.info.contentType, 'application/x-smoke', 'contentType');
      sameJson(result.info.metadata, { tag: 'one' }, 'metadata');
      sameBytes(await result.bytes(), bytes, 'copied bytes');
    },
  },
  {
    name: 'copy with new metadata replaces the metadata',
    async run(c) {
      await c.storage.copyObject(
        { bucket: c.bucket, key: 'copy/src.bin' },
        { bucket: c.bucket, key: 'copy/replaced.bin' },
        { metadata: { tag: 'two' }, contentType: 'text/plain' },
      );
      const info = await c.storage.headObject(c.bucket, 'copy/replaced.bin');
      sameJson(info.metadata, { tag: 'two' }, 'metadata');
      equal(info.contentType, 'text/plain', 'contentType');
      equal(info.size, 2222, 'size');
    },
  },
  {
    name: 'copy sourceIfMatch another ETag is PreconditionFailed',
    async run(c) {
      await rejectsWith(
        c.storage.copyObject(
          { bucket: c.bucket, key: 'copy/src.bin' },
          { bucket: c.bucket, key: 'copy/never.bin' },
          { sourceIfMatch: '"00000000000000000000000000000000"' },
        ),
        'PreconditionFailed',
        'copy sourceIfMatch',
      );
    },
  },
  {
    name: 'copy of a missing key is NoSuchKey',
    async run(c) {
      await rejectsWith(
        c.storage.copyObject({ bucket: c.bucket, key: 'no/such/key' }, { bucket: c.bucket, key: 'copy/never.bin' }),
        'NoSuchKey',
        'copy',
      );
    },
  },
  // List
  {
    name: 'list with a prefix: every key under it, in byte order',
    async run(c) {
      for (const key of ['list/e', 'list/b/d', 'list/a', 'list/b/c', 'listing-not-under']) await seed(c, key, key);
      const entries = await collect(c.storage.listObjects(c.bucket, { prefix: 'list/' }));
      sameJson(names(entries), ['list/a', 'list/b/c', 'list/b/d', 'list/e'], 'listed keys');
      const first = entries[0];
      ok(
        first?.type === 'object' && first.size === 6 && /^"[^"]+"$/.test(first.etag),
        `an entry has size and etag: ${JSON.stringify(first)}`,
      );
    },
  },
  {
    name: 'list with a delimiter rolls keys up into common prefixes',
    async run(c) {
      const entries = await collect(c.storage.listObjects(c.bucket, { prefix: 'list/', delimiter: '/' }));
      sameJson(names(entries).sort(), ['list/a', 'list/e', 'prefix:list/b/'], 'objects and prefixes');
    },
  },
  {
    name: 'list in pages of 2 sees every key once, in order',
    async run(c) {
      capable(c, 'listPagination', 'small pages are not consistent');
      const keys = ['page/0', 'page/1', 'page/2', 'page/3', 'page/4'];
      for (const key of keys) await seed(c, key, key);
      sameJson(names(await collect(c.storage.listObjects(c.bucket, { prefix: 'page/', pageSize: 2 }))), keys, 'listed keys');
    },
  },
  {
    name: 'list startAfter begins after that key',
    async run(c) {
      const entries = await collect(c.storage.listObjects(c.bucket, { prefix: 'list/', startAfter: 'list/b/c' }));
      sameJson(names(entries), ['list/b/d', 'list/e'], 'listed keys');
    },
  },
  {
    name: 'list of a missing bucket is NoSuchBucket',
    async run(c) {
      await rejectsWith(collect(c.storage.listObjects(c.missing)), 'NoSuchBucket', 'list');
    },
  },
  {
    name: 'a key with spaces and non-ASCII letters round-trips through put, list and get',
    async run(c) {
      const key = 'uni/grüße & spaß/𝄞 noten.txt';
      await seed(c, key, 'music');
      sameJson(names(await collect(c.storage.listObjects(c.bucket, { prefix: 'uni/' }))), [key], 'listed keys');
      equal(await (await c.storage.getObject(c.bucket, key)).text(), 'music', 'text');
    },
  },
  // Delete
  {
    name: 'deleteObject removes an object; deleting a missing key succeeds',
    async run(c) {
      await seed(c, 'del/one', '1');
      await c.storage.deleteObject(c.bucket, 'del/one');
      await rejectsWith(c.storage.headObject(c.bucket, 'del/one'), 'NoSuchKey', 'head after delete');
      await c.storage.deleteObject(c.bucket, 'del/one');
    },
  },
  {
    name: 'deleteObjects deletes several; missing keys count as deleted',
    async run(c) {
      await seed(c, 'del/a', 'a');
      await seed(c, 'del/b', 'b');
      const result = await c.storage.deleteObjects(c.bucket, ['del/a', 'del/b', 'del/never-was']);
      sameJson([...result.deleted].sort(), ['del/a', 'del/b', 'del/never-was'], 'deleted');
      sameJson(result.errors, [], 'errors');
      sameJson(names(await collect(c.storage.listObjects(c.bucket, { prefix: 'del/' }))), [], 'left under del/');
    },
  },
  {
    name: 'deleteBucket of a bucket holding objects is BucketNotEmpty',
    async run(c) {
      await rejectsWith(c.storage.deleteBucket(c.bucket), 'BucketNotEmpty', 'deleteBucket');
    },
  },
  // Transfers
  {
    name: 'multipart: a body over multipartThreshold goes up in parts and reads back whole',
    async run(c) {
      const bytes = pattern(11 * MiB, 15);
      const { etag } = await c.storage.putObject(c.bucket, 'multipart.bin', bytes, { multipartThreshold: 5 * MiB, partSize: 5 * MiB });
      if (c.storage.capabilities.multipartUpload && c.storage.capabilities.multipartEtag) ok(/-3"$/.test(etag), `a 3-part ETag: ${etag}`);
      equal((await c.storage.headObject(c.bucket, 'multipart.bin')).size, bytes.byteLength, 'size');
      // A store without read-after-write (s3rver) may still be writing the file: read until it is whole.
      let read = await (await c.storage.getObject(c.bucket, 'multipart.bin')).bytes();
      for (let i = 0; i < 50 && read.byteLength < bytes.byteLength && !c.storage.capabilities.readAfterWrite; i++) {
        await new Promise((r) => setTimeout(r, 100));
        read = await (await c.storage.getObject(c.bucket, 'multipart.bin')).bytes();
      }
      sameBytes(read, bytes, 'bytes read back');
    },
  },
  {
    name: 'uploadFile and downloadFile through files on disk (NotSupported where there is no disk)',
    async run(c) {
      const { downloadFile, uploadFile } = await import('@stowage/core');
      const dir = c.config.fileDir;
      if (!dir) {
        // A browser or a worker: the web build has no file transfers, and says so.
        await rejectsWith(uploadFile(c.storage, c.bucket, 'files/none.bin', '/no/disk.bin'), 'NotSupported', 'uploadFile');
        await rejectsWith(downloadFile(c.storage, c.bucket, 'body/string.txt', '/no/disk.bin'), 'NotSupported', 'downloadFile');
        return;
      }
      const fs = await import('node:fs/promises');
      const bytes = pattern(3 * MiB + 123, 21);
      const source = `${dir}/up.bin`;
      const target = `${dir}/down.bin`;
      try {
        await fs.writeFile(source, bytes);
        const up = await uploadFile(c.storage, c.bucket, 'files/up.bin', source);
        equal(up.size, bytes.byteLength, 'uploaded size');
        equal(
          (await c.storage.headObject(c.bucket, 'files/up.bin')).contentType,
          'application/octet-stream',
          'content type guessed from .bin',
        );
        // 1 MiB ranges: a download in four concurrent ranged reads, written at their offsets.
        const down = await downloadFile(c.storage, c.bucket, 'files/up.bin', target, { multipartThreshold: MiB, partSize: MiB });
        equal(down.etag, up.etag, 'the ETag downloaded');
        sameBytes(new Uint8Array(await fs.readFile(target)), bytes, 'the file downloaded');
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'put reports progress up to the size',
    async run(c) {
      const loaded: number[] = [];
      await c.storage.putObject(c.bucket, 'progress.bin', pattern(200_000, 16), {
        size: 200_000,
        onProgress: (e) => loaded.push(e.loaded),
      });
      ok(loaded.length > 0, 'no progress event');
      equal(loaded[loaded.length - 1], 200_000, 'last loaded');
      ok(
        loaded.every((n, i) => i === 0 || n >= (loaded[i - 1] as number)),
        `loaded never goes down: ${loaded.join(',')}`,
      );
    },
  },
  {
    name: 'an aborted signal rejects with Aborted',
    async run(c) {
      const controller = new AbortController();
      controller.abort();
      await rejectsWith(c.storage.putObject(c.bucket, 'aborted', 'x', { signal: controller.signal }), 'Aborted', 'put');
      await rejectsWith(c.storage.headObject(c.bucket, 'aborted'), 'NoSuchKey', 'nothing was written');
    },
  },
  // Presign
  {
    name: 'presign GET: fetch reads the object (a store without URLs has no presign)',
    async run(c) {
      if (!c.storage.capabilities.presign) {
        equal(typeof c.storage.presign, 'undefined', 'presign on a store without it');
        return;
      }
      const presign = c.storage.presign?.bind(c.storage);
      ok(presign, 'presign is missing though capabilities.presign');
      await seed(c, 'presign/get.txt', 'presigned');
      const url = await presign(c.bucket, 'presign/get.txt', { method: 'GET', expiresIn: 300 });
      const response = await fetch(url);
      equal(response.status, 200, `GET ${url.split('?')[0]} status`);
      equal(await response.text(), 'presigned', 'body');
    },
  },
  {
    name: 'presign PUT: fetch uploads the object',
    async run(c) {
      if (!c.storage.capabilities.presign) {
        equal(typeof c.storage.presign, 'undefined', 'presign on a store without it');
        return;
      }
      const presign = c.storage.presign?.bind(c.storage);
      ok(presign, 'presign is missing though capabilities.presign');
      const url = await presign(c.bucket, 'presign/put.txt', { method: 'PUT', expiresIn: 300, contentType: 'text/plain' });
      const response = await fetch(url, { method: 'PUT', body: 'uploaded', headers: { 'content-type': 'text/plain' } });
      equal(response.status, 200, 'PUT status');
      await response.arrayBuffer();
      const result = await c.storage.getObject(c.bucket, 'presign/put.txt');
      equal(result.info.contentType, 'text/plain', 'contentType');
      equal(await result.text(), 'uploaded', 'body');
    },
  },
  // The resource level and the front door
  {
    name: 'the resource API: Bucket and StoredObject (@stowage/core)',
    async run(c) {
      const { Bucket } = await import('@stowage/core');
      const bucket = new Bucket(c.storage, c.bucket);
      equal(await bucket.exists(), true, 'bucket.exists()');
      const object = bucket.object('resource/thing.txt');
      await object.put('thing');
      equal(await object.text(), 'thing', 'object.text()');
      equal(await object.exists(), true, 'object.exists()');
      await object.delete();
      equal(await object.exists(), false, 'exists after delete');
    },
  },
  {
    name: "openStorage (stowage) opens the driver's kind from a URL",
    async run(c) {
      const { openStorage } = await import('stowage');
      if (c.config.driver === 'memory') {
        const storage = await openStorage('memory://');
        equal(storage.name, 'memory', 'name');
        await storage.createBucket('opened');
        await storage.putObject('opened', 'k', 'v');
        equal(await (await storage.getObject('opened', 'k')).text(), 'v', 'text');
        return;
      }
      ok(c.config.endpoint && c.config.credentials, 'no endpoint');
      const url = `s3://?endpoint=${encodeURIComponent(c.config.endpoint)}&forcePathStyle=true&region=us-east-1`;
      const storage: OpenedStorage = await openStorage(url, { credentials: c.config.credentials });
      try {
        equal(storage.name, 's3', 'name');
        equal(await (await storage.getObject(c.bucket, 'body/string.txt')).text(), 'hello', 'text through openStorage');
      } finally {
        storage.destroy?.();
      }
    },
  },
  {
    name: 'deleteBucket of the emptied bucket removes it',
    async run(c) {
      const keys = (await collect(c.storage.listObjects(c.bucket))).flatMap((e) => (e.type === 'object' ? [e.key] : []));
      const result = await c.storage.deleteObjects(c.bucket, keys);
      sameJson(result.errors, [], 'deleteObjects errors');
      await c.storage.deleteBucket(c.bucket);
      equal(await c.storage.bucketExists(c.bucket), false, 'bucketExists after deleteBucket');
    },
  },
];

/** Opens the store the config names, loading only that driver's package. */
async function open(config: SmokeConfig): Promise<OpenedStorage> {
  if (config.driver === 'memory') {
    const { MemoryStorage } = await import('@stowage/memory');
    return new MemoryStorage();
  }
  if (!config.endpoint || !config.credentials) throw new Error('the s3 driver needs an endpoint and credentials');
  const { S3Storage } = await import('@stowage/s3');
  return new S3Storage({
    endpoint: config.endpoint,
    credentials: config.credentials,
    region: 'us-east-1',
    maxAttempts: 2,
    ...(config.capabilities ? { capabilities: config.capabilities } : {}),
  });
}

/**
 * Runs every case in `runtime` on the driver `config` names. Never rejects: a driver that cannot
 * even be loaded is reported as one failed case, `opens the driver`.
 */
export async function runSmoke(runtime: string, config: SmokeConfig): Promise<Summary> {
  let storage: OpenedStorage;
  try {
    storage = await open(config);
  } catch (error) {
    return {
      runtime,
      driver: config.driver,
      total: 1,
      passed: 0,
      failed: 1,
      skipped: 0,
      cases: [{ name: 'opens the driver', status: 'failed', reason: describe(error) }],
    };
  }
  try {
    const context: Context = { storage, config, bucket: `smoke-${config.runId}`, missing: `smoke-missing-${config.runId}` };
    return await runCases(runtime, config.driver, CASES, context);
  } finally {
    storage.destroy?.();
  }
}

/** The runtime this code runs in, by what only it has. */
export function runtimeName(): string {
  const g = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } }; navigator?: { userAgent?: string } };
  if (g.Bun) return `bun ${g.Bun.version}`;
  if (g.Deno) return `deno ${g.Deno.version.deno}`;
  if (g.navigator?.userAgent === 'Cloudflare-Workers') return 'workerd';
  const chrome = /(?:HeadlessChrome|Chrome)\/([\d.]+)/.exec(g.navigator?.userAgent ?? '');
  if (chrome && typeof (globalThis as { document?: unknown }).document === 'object') return `chromium ${chrome[1]}`;
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
  return node ? `node ${node}` : 'unknown';
}
