/**
 * What the smoke suite is expected NOT to pass, as data, each with the module and line that causes
 * it. A runtime test asserts that every other case passed, and that each known failure still fails
 * (when one starts to pass, the test says so: remove its row).
 */
import { S3RVER_PROFILE } from '@stowage/testing';

export type RuntimeName = 'node' | 'bun' | 'deno' | 'workerd';
export type DriverName = 'memory' | 's3rver';

export interface Expectation {
  runtime: RuntimeName | '*';
  driver: DriverName | '*';
  /** The case's name, exactly as in src/smoke.ts. */
  case: string;
  reason: string;
}

const OPEN_STORAGE = "openStorage (stowage) opens the driver's kind from a URL";

/**
 * Why every GetObject of the S3 driver fails in workerd: the worker bundle takes the AWS SDK's
 * browser build (as wrangler does), whose fetch handler answers GetObject with a web
 * `ReadableStream` body. packages/s3/src/get.ts:107 casts `out.Body as Readable` and hands it to
 * `verifiedBody` (packages/s3/src/integrity.ts:190), which drives it with Node stream calls
 * (`body.on('data')` at integrity.ts:228, `body.pipe`, `finished` from node:stream): a TypeError.
 * The catch at get.ts:149 then calls `body?.destroy()`, which a web stream lacks, so the error
 * callers see is `Unavailable` caused by `TypeError: body?.destroy is not a function`. Puts, heads,
 * lists, copies, deletes and presign work; every case that reads an object's bytes back fails.
 */
const S3_GET_NEEDS_NODE_READABLE =
  "packages/s3/src/get.ts:107 takes GetObject's Body for a Node Readable and integrity.ts:228 calls body.on('data')/pipe/finished on it; under the SDK's fetch handler (workerd) it is a web ReadableStream, and the catch at get.ts:149 calls body?.destroy(), which it lacks: Unavailable (TypeError: body?.destroy is not a function)";

/** The cases that read an object's bytes back through the S3 driver's getObject. */
const READS_S3_BODIES = [
  'put a string: the ETag is the quoted MD5 of its bytes',
  'put a Uint8Array holding every byte value, read back byte for byte',
  'put a Blob',
  'put a web ReadableStream of several chunks',
  'put an async iterable of chunks (with its size given)',
  'put a Node Readable (node:stream, imported when the case runs)',
  'put an empty body',
  'get: text() of a UTF-8 body',
  'get: webStream() yields the bytes',
  'get: body is a Node Readable that async-iterates the bytes',
  'get a range: offset and length',
  'get a range: from an offset to the end',
  'get a range: the last N bytes (suffix)',
  'get ifMatch the current ETag reads the object',
  'get ifMatch another ETag is PreconditionFailed',
  'copy: bytes, content headers and metadata come along',
  'a key with spaces and non-ASCII letters round-trips through put, list and get',
  'multipart: a body over multipartThreshold goes up in parts and reads back whole',
  'presign PUT: fetch uploads the object',
  'the resource API: Bucket and StoredObject (@stowage/core)',
] as const;

/** Cases that fail in a runtime because stowage's own code needs something the runtime lacks. */
export const KNOWN_FAILURES: readonly Expectation[] = [
  {
    runtime: 'workerd',
    driver: '*',
    case: OPEN_STORAGE,
    reason:
      "importing `stowage` loads @stowage/local, whose ESM build (packages/local/dist/index.js) starts with tsup's shim `__filename = fileURLToPath(import.meta.url)`: tsup.base.ts sets `shims: true` and packages/local/src/memfs-api.ts:21 reads `__filename`. A bundled worker module has no `import.meta.url` (undefined), so fileURLToPath throws ERR_INVALID_ARG_TYPE when `stowage` is imported",
  },
  ...READS_S3_BODIES.map((name) => ({
    runtime: 'workerd' as const,
    driver: 's3rver' as const,
    case: name,
    reason: S3_GET_NEEDS_NODE_READABLE,
  })),
];

/** Cases a run may skip: each names why, and the summary's reason must name the same capability. */
export const EXPECTED_SKIPS: readonly (Expectation & { reasonIncludes: string })[] = [
  {
    runtime: 'workerd',
    driver: '*',
    case: 'the packages load from their built dist, not their sources',
    reason: 'a worker is one bundle, with no import.meta.resolve: the workerd test checks the bundle’s inputs instead',
    reasonIncludes: 'import.meta.resolve',
  },
  ...(
    [
      ['put ifNoneMatch * over an existing key is PreconditionFailed', 'conditionalPut'],
      ['list in pages of 2 sees every key once, in order', 'listPagination'],
    ] as const
  ).map(([name, capability]) => ({
    runtime: '*' as const,
    driver: 's3rver' as const,
    case: name,
    reason: S3RVER_PROFILE.lacks[capability] ?? '',
    reasonIncludes: `${capability}: false`,
  })),
];

const applies = (e: Expectation, runtime: RuntimeName, driver: DriverName) =>
  (e.runtime === '*' || e.runtime === runtime) && (e.driver === '*' || e.driver === driver);

export const knownFailuresFor = (runtime: RuntimeName, driver: DriverName) => KNOWN_FAILURES.filter((e) => applies(e, runtime, driver));
export const expectedSkipsFor = (runtime: RuntimeName, driver: DriverName) => EXPECTED_SKIPS.filter((e) => applies(e, runtime, driver));
