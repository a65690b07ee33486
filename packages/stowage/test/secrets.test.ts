// Issue 7, point 7: with credentials set, no error the library throws, nor the storage itself,
// shows the secret key or the session token, in any form a person or a log could see: `message`,
// `String(err)`, `JSON.stringify(err)`, `toJSON()`, the stack, `util.inspect` with the whole
// `cause` chain, and `util.inspect(storage)`; raw, percent-encoded or base64.
//
// The error paths: URLs that try to hold credentials (openStorage refuses them), a refused port
// (Unavailable), s3rver's missing bucket / missing key / bucket not empty / unknown access key /
// aborted transfers, and a hostile server that echoes the request back in its error (as AWS's
// SignatureDoesNotMatch does with the canonical request, which holds the session token header),
// with credentials given statically, as a provider, and from the environment (the default chain).
import { createServer, type Server } from 'node:http';
import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '@stowage/core';
import { S3Storage } from '@stowage/s3';
import { openStorage, type OpenStorageOptions } from 'stowage';
import { freePort, hostileAnswer, type S3rver, startS3rver } from '@stowage/testing';

const ACCESS_KEY_ID = 'AKIASTOWAGESECRETSTEST';
// Distinctive, with the characters that encodings change ('/', '+', '=').
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCY/Stowage+Secret9';
const TOKEN = 'FwoGZXIvYXdzEStowageSessionToken/AbC+dEf/GhIjK+LmN0pQ==';

/** Every form a secret could take in text: raw, percent-encoded (both ways), base64, base64url, JSON-escaped. */
function forms(secret: string): string[] {
  const out = new Set<string>([
    secret,
    encodeURIComponent(secret),
    encodeURI(secret),
    encodeURIComponent(secret).toLowerCase(),
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('base64url'),
    Buffer.from(secret).toString('hex'),
    JSON.stringify(secret).slice(1, -1),
    // A long-enough piece of it (a truncated echo is still a leak).
    secret.slice(0, 20),
    secret.slice(-20),
  ]);
  return [...out];
}
const FORBIDDEN = [...forms(SECRET), ...forms(TOKEN)];

/**
 * How deep a check looks: `surface` is what gets printed or logged (`message`, `String(err)`,
 * `JSON.stringify`, `toJSON()`, the stack); `deep` adds `util.inspect` with the whole `cause` chain
 * and every property of each cause; `hidden` adds `util.inspect` with `showHidden`.
 */
type Depth = 'surface' | 'deep' | 'hidden';

/** The text views of an error at a depth. */
function errorViews(error: unknown, depth: Depth = 'hidden'): Record<string, string> {
  const e0 = error as { message?: unknown; stack?: unknown; toJSON?: () => unknown };
  const views: Record<string, string> = {
    message: String(e0?.message ?? ''),
    'String(err)': String(error),
    stack: String(e0?.stack ?? ''),
  };
  try {
    views['JSON.stringify(err)'] = JSON.stringify(error) ?? '';
  } catch (e) {
    views['JSON.stringify(err)'] = `JSON.stringify threw: ${String(e)}`;
  }
  if (typeof e0?.toJSON === 'function') views['toJSON()'] = JSON.stringify(e0.toJSON());
  if (depth === 'surface') return views;
  views['inspect(err)'] = inspect(error, { depth: 10 });
  let current: unknown = (error as { cause?: unknown })?.cause;
  for (let level = 1; current !== undefined && current !== null && level < 10; level++) {
    const e = current as { message?: unknown; stack?: unknown; cause?: unknown };
    views[`cause[${level}].message`] = String(e.message ?? '');
    views[`cause[${level}].stack`] = String(e.stack ?? '');
    views[`cause[${level}] properties`] = inspect({ ...(e as object) }, { depth: 10 });
    current = e.cause;
  }
  if (depth === 'hidden') views['inspect(err, showHidden)'] = inspect(error, { depth: 10, showHidden: true });
  return views;
}

/** Fails naming the view and the form when any forbidden string appears. */
function expectNoSecret(what: string, views: Record<string, string>): void {
  for (const [view, text] of Object.entries(views)) {
    for (const secret of FORBIDDEN) {
      if (text.includes(secret)) {
        const at = text.indexOf(secret);
        expect.fail(
          `${what}: ${view} shows a secret (${JSON.stringify(secret)}): …${JSON.stringify(text.slice(Math.max(0, at - 200), at + 20))}…`,
        );
      }
    }
  }
}

async function errorOf(what: string, run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error(`${what} did not fail`);
}

interface Caught {
  what: string;
  error: unknown;
  code: unknown;
}

/** Runs every operation on `bucket`/`key` and keeps what each failed with (one that succeeds is skipped). */
async function collect(what: string, storage: Storage, bucket: string, key: string): Promise<Caught[]> {
  const controller = new AbortController();
  const ops: [string, () => unknown][] = [
    ['listBuckets', () => storage.listBuckets()],
    ['createBucket', () => storage.createBucket(bucket)],
    ['deleteBucket', () => storage.deleteBucket(bucket)],
    ['bucketExists', () => storage.bucketExists(bucket)],
    ['putObject', () => storage.putObject(bucket, `${key}-written`, 'a body')],
    ['putObject multipart', () => storage.putObject(bucket, `${key}-big`, Readable.from([Buffer.alloc(6 * 1024 * 1024, 1)]))],
    ['getObject', () => storage.getObject(bucket, key)],
    ['getObject range', () => storage.getObject(bucket, key, { range: { offset: 0, length: 3 } })],
    ['headObject', () => storage.headObject(bucket, key)],
    ['deleteObject', () => storage.deleteObject(bucket, key)],
    [
      'deleteObjects',
      async () => {
        const result = await storage.deleteObjects(bucket, [key, `${key}-2`]);
        // Per-key failures are reported in the result, not thrown: they are checked the same way.
        if (result.errors.length > 0) throw Object.assign(new Error('per-key errors'), { code: 'per-key', cause: result.errors });
      },
    ],
    ['copyObject', () => storage.copyObject({ bucket, key }, { bucket, key: `${key}-copy` })],
    [
      'listObjects',
      async () => {
        for await (const _ of storage.listObjects(bucket)) void _;
      },
    ],
    [
      'aborted put',
      () =>
        storage.putObject(
          bucket,
          `${key}-aborted`,
          Readable.from(
            (async function* () {
              yield Buffer.alloc(1024);
              await new Promise((r) => setTimeout(r, 50));
              controller.abort(new Error('aborted by the test (not a secret)'));
              yield Buffer.alloc(1024);
            })(),
          ),
          { signal: controller.signal },
        ),
    ],
  ];
  const caught: Caught[] = [];
  for (const [op, run] of ops) {
    try {
      await run();
    } catch (error) {
      caught.push({ what: `${what}: ${op}`, error, code: (error as { code?: unknown }).code });
    }
  }
  return caught;
}

/** Checks every caught error at `depth`. */
function check(caught: Caught[], depth: Depth): void {
  for (const { what, error } of caught) {
    expectNoSecret(what, errorViews(error, depth));
    const cause = (error as { cause?: unknown }).cause;
    if (Array.isArray(cause))
      for (const item of cause) expectNoSecret(`${what} (item)`, { json: JSON.stringify(item), inspect: inspect(item, { depth: 10 }) });
  }
}

function codes(caught: Caught[]): Record<string, unknown> {
  return Object.fromEntries(caught.map((c) => [c.what.split(': ').at(-1), c.code]));
}

function checkStorage(what: string, storage: Storage): void {
  let json: string;
  try {
    json = JSON.stringify(storage) ?? '';
  } catch (e) {
    json = String(e);
  }
  expectNoSecret(what, {
    'inspect(storage)': inspect(storage, { depth: 10 }),
    'inspect(storage, showHidden)': inspect(storage, { depth: 4, showHidden: true }),
    'String(storage)': String(storage),
    'JSON.stringify(storage)': json,
  });
}

const staticCredentials = { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET, sessionToken: TOKEN };

describe('no secret in errors or storages (in process)', { timeout: 120_000 }, () => {
  let echo: Server;
  let echoEndpoint: string;
  let s3rver: S3rver;
  const storages: S3Storage[] = [];
  const track = (s: Storage): Storage => {
    if (s instanceof S3Storage) storages.push(s);
    return s;
  };
  const s3Url = (endpoint: string) => `s3://?endpoint=${encodeURIComponent(endpoint)}&region=us-east-1&forcePathStyle=true`;
  const ECHO_BUCKETS = ['echo-403', 'echo-500', 'echo-html', 'echo-404', 'echo-409'];

  beforeAll(async () => {
    echo = createServer(hostileAnswer(ACCESS_KEY_ID));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
    const address = echo.address();
    echoEndpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    s3rver = await startS3rver();
  }, 60_000);
  afterAll(async () => {
    for (const s of storages) s.destroy();
    await new Promise((r) => echo?.close(r));
    await s3rver?.stop();
  });

  it('openStorage refuses URLs that try to hold credentials, and its errors never show them', async () => {
    const urls = [
      `s3://${ACCESS_KEY_ID}:${SECRET}@s3.amazonaws.com/bucket`,
      `s3://${ACCESS_KEY_ID}:${encodeURIComponent(SECRET)}@host/bucket`,
      `s3://${ACCESS_KEY_ID}:${SECRET}@`,
      `s3://:${TOKEN}@/`,
      `s3://?secretAccessKey=${encodeURIComponent(SECRET)}`,
      `s3://?region=us-east-1&sessionToken=${encodeURIComponent(TOKEN)}`,
      `s3://?aws_secret_access_key=${SECRET}`,
      `s3://?endpoint=${encodeURIComponent(`http://${ACCESS_KEY_ID}:${SECRET}@127.0.0.1:9000`)}`,
      `s3://?endpoint=${encodeURIComponent(SECRET)}`,
      `s3://?region=${encodeURIComponent(SECRET)}`,
      `s3://?forcePathStyle=${encodeURIComponent(TOKEN)}`,
      `s3://?region=eu-west-1&region=${encodeURIComponent(SECRET)}`,
      `s3://?x=${encodeURIComponent(SECRET)}`,
      `s3://?${encodeURIComponent(SECRET)}=1`,
      `s3://?${SECRET}`,
      `s3://${SECRET}`,
      `s3://?region=eu-west-1#${SECRET}`,
      `memory://${ACCESS_KEY_ID}:${SECRET}@name`,
      `memory://name?token=${encodeURIComponent(TOKEN)}`,
      `file://${ACCESS_KEY_ID}:${SECRET}@/srv/x`,
      `file:///srv/x?secret=${encodeURIComponent(SECRET)}`,
      `${SECRET}`,
      `notascheme://${SECRET}`,
      `http://${ACCESS_KEY_ID}:${SECRET}@example.com/`,
    ];
    for (const url of urls) {
      const error = await errorOf(url, () => openStorage(url, { credentials: staticCredentials }));
      expect((error as { code?: unknown }).code, url).toBe('InvalidArgument');
      expectNoSecret(`openStorage(${JSON.stringify(url)})`, errorViews(error));
    }
  });

  it('a refused port: every operation is Unavailable; no view of any error (showHidden included) or of the storage shows a secret', async () => {
    const port = await freePort();
    const storage = track(await openStorage(s3Url(`http://127.0.0.1:${port}`), { credentials: staticCredentials, s3: { maxAttempts: 1 } }));
    const caught = await collect('refused port', storage, 'photos', 'cat.jpg');
    expect(caught.length).toBeGreaterThanOrEqual(13);
    expect(codes(caught)).toMatchObject({ getObject: 'Unavailable', listBuckets: 'Unavailable', 'putObject multipart': 'Unavailable' });
    check(caught, 'hidden');
    checkStorage('refused port storage', storage);
  });

  describe('s3rver: missing bucket, missing key, bucket exists, aborted put, unknown access key', () => {
    let caught: Caught[] = [];
    beforeAll(async () => {
      const storage = track(
        await openStorage(s3Url(s3rver.endpoint), {
          credentials: { accessKeyId: s3rver.credentials.accessKeyId, secretAccessKey: SECRET, sessionToken: TOKEN },
          s3: { maxAttempts: 1 },
        }),
      );
      const missing = await collect('s3rver, missing bucket', storage, 'no-such-bucket-here', 'cat.jpg');
      expect(codes(missing)).toMatchObject({ getObject: 'NoSuchBucket', headObject: 'NoSuchBucket', listObjects: 'NoSuchBucket' });
      await storage.createBucket('secrets-present');
      await storage.putObject('secrets-present', 'kept', 'x');
      const present = await collect('s3rver, missing key', storage, 'secrets-present', 'no-such-key');
      expect(codes(present)).toMatchObject({
        getObject: 'NoSuchKey',
        headObject: 'NoSuchKey',
        copyObject: 'NoSuchKey',
        createBucket: 'BucketAlreadyExists',
        deleteBucket: 'BucketNotEmpty',
        'aborted put': 'Aborted',
      });
      for await (const e of storage.listObjects('secrets-present'))
        if (e.type === 'object') await storage.deleteObject('secrets-present', e.key);
      await storage.deleteBucket('secrets-present');
      // An access key s3rver does not know: InvalidAccessKeyId, AccessDenied.
      const denied = track(await openStorage(s3Url(s3rver.endpoint), { credentials: staticCredentials, s3: { maxAttempts: 1 } }));
      const refused = await collect('s3rver, unknown access key', denied, 'secrets-denied', 'k');
      expect(codes(refused)).toMatchObject({ listBuckets: 'AccessDenied', getObject: 'AccessDenied' });
      caught = [...missing, ...present, ...refused];
      checkStorage('s3rver storage', storage);
      checkStorage('s3rver storage (unknown key)', denied);
    }, 120_000);

    it('message, String, JSON, toJSON, stack: no secret', () => check(caught, 'surface'));
    it('util.inspect with the whole cause chain: no secret', () => check(caught, 'deep'));
    // The SDK's own error has `$response`, whose socket's ClientRequest holds the request headers
    // (the session token among them): the driver's cause is a copy without it.
    it('util.inspect with showHidden: no secret', () => check(caught, 'hidden'));
  });

  describe('a server that echoes the request in its errors (as AWS SignatureDoesNotMatch echoes the canonical request)', () => {
    const echoed = async (label: string, credentials: OpenStorageOptions['credentials']): Promise<Caught[]> => {
      const all: Caught[] = [];
      for (const bucket of ECHO_BUCKETS) {
        const storage = track(await openStorage(s3Url(echoEndpoint), { ...(credentials ? { credentials } : {}), s3: { maxAttempts: 1 } }));
        const caught = await collect(`echo server ${bucket}, ${label}`, storage, bucket, 'cat.jpg');
        expect(caught.length, bucket).toBeGreaterThanOrEqual(10);
        checkStorage(`echo storage, ${label}`, storage);
        all.push(...caught);
      }
      return all;
    };
    let staticCaught: Caught[] = [];
    let providerCaught: Caught[] = [];
    let envCaught: Caught[] = [];
    beforeAll(async () => {
      staticCaught = await echoed('static credentials', staticCredentials);
      providerCaught = await echoed('a credentials provider', async () => staticCredentials);
      const saved = { ...process.env };
      Object.assign(process.env, {
        AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY: SECRET,
        AWS_SESSION_TOKEN: TOKEN,
        AWS_EC2_METADATA_DISABLED: 'true',
      });
      delete process.env.AWS_PROFILE;
      try {
        envCaught = await echoed('credentials from the environment', undefined);
      } finally {
        for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_EC2_METADATA_DISABLED', 'AWS_PROFILE']) {
          if (saved[k] === undefined) delete process.env[k];
          else process.env[k] = saved[k];
        }
      }
    }, 120_000);

    it('static credentials: message, String, JSON, toJSON, stack: no secret (the driver redacts what it knows)', () =>
      check(staticCaught, 'surface'));
    // The SDK error carries the echoed Message, CanonicalRequest and StringToSign (with
    // `x-amz-security-token:<token>`): the driver's cause keeps neither.
    it('static credentials: util.inspect with the cause chain: no secret', () => check(staticCaught, 'deep'));
    // With a provider or the default chain the driver does not know the secrets: an echoed token
    // must still not reach StorageError.message (the token header pattern is redacted).
    it('a credentials provider: message, String, JSON, toJSON, stack: no secret', () => check(providerCaught, 'surface'));
    it('credentials from the environment: message, String, JSON, toJSON, stack: no secret', () => check(envCaught, 'surface'));
  });

  it('presign refuses bad options without showing a secret; S3Storage itself never shows one', async () => {
    const storage = new S3Storage({ endpoint: echoEndpoint, region: 'us-east-1', credentials: staticCredentials });
    storages.push(storage);
    for (const options of [
      { method: 'GET' as const, expiresIn: 0 },
      { method: 'GET' as const, expiresIn: 10 ** 9 },
      { method: 'DELETE' as 'GET', expiresIn: 60 },
    ]) {
      const error = await errorOf('presign', () => storage.presign('photos', 'cat.jpg', options));
      expectNoSecret(`presign ${JSON.stringify(options)}`, errorViews(error));
    }
    expectNoSecret('S3Storage', {
      inspect: inspect(storage, { depth: 10 }),
      'inspect showHidden': inspect(storage, { depth: 4, showHidden: true }),
      json: (() => {
        try {
          return JSON.stringify(storage) ?? '';
        } catch (e) {
          return String(e);
        }
      })(),
    });
  });
});
