// Hostile keys and bucket names (property-based, fast-check) against a real S3 server: s3rver,
// started here on 127.0.0.1, and Ceph RGW when STOWAGE_CEPH_ENDPOINT is set. The generators are
// the local and memory drivers' own (packages/local/test/fixtures/hostile-input.ts).
//
// For each of 10,000 keys and 10,000 bucket names: a name the rules refuse is refused by every
// operation with a StorageError (InvalidKey / InvalidBucketName) before any I/O, and nothing else
// is ever thrown (no SDK error, no TypeError); a name the rules allow passes validation (checked
// with an already-aborted signal, which the driver honours right after validating, so 10,000 cost
// no requests). A few hundred accepted keys and bucket names then make the real round trip:
// put → get → list → delete for keys, create → exists → listBuckets → delete for buckets. The
// server must not crash (s3rver is restarted by its helper when it dies: the count must stay 0)
// and no bucket or object may be left behind.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketNameProblem, isStorageError, keyProblem, type Capabilities, type ErrorCode, type Storage } from '@stowage/core';
import { S3Storage, type S3StorageOptions } from '@stowage/s3';
import { cephTarget, hostileBucket, hostileKey, type S3rver, S3RVER_PROFILE, startS3rver } from '@stowage/testing';

const RUNS = 10_000;
/** Accepted keys that make the real round trip (each is ~5 requests). */
const KEY_SAMPLE = 300;
/** Accepted bucket names really created and deleted. */
const BUCKET_SAMPLE = 100;
const SEED = Number(process.env.STOWAGE_FC_SEED ?? 7_2026);

/** The same shape rules as the driver's `keyShapeProblem`, for the capabilities the server declares. */
function shapeProblem(key: string, caps: Capabilities): string | undefined {
  if (!caps.nulInKeys && key.includes('\u0000')) return 'NUL';
  const segments = key.split('/');
  for (const [at, segment] of segments.entries()) {
    const marker = at > 0 && at === segments.length - 1 && segments[at - 1] !== '';
    if (segment === '' && marker && !caps.folderMarkers) return 'folder marker';
    if (segment === '' && !marker && !caps.emptySegments) return 'empty segment';
    if (!caps.dotSegments && (segment === '.' || segment === '..')) return 'dot segment';
    if (!caps.longSegments && Buffer.byteLength(segment) > 255) return 'long segment';
  }
  return undefined;
}

/** What a promise settled with: 'ok', or the StorageError code; anything else fails the test. */
async function outcome(what: string, run: () => Promise<unknown>): Promise<'ok' | ErrorCode> {
  let p: Promise<unknown>;
  try {
    p = run();
  } catch (error) {
    throw new Error(`${what} threw synchronously instead of rejecting: ${String(error)}`, { cause: error });
  }
  try {
    await p;
    return 'ok';
  } catch (error) {
    if (!isStorageError(error)) {
      throw new Error(`${what} threw something other than a StorageError: ${String(error)}`, { cause: error });
    }
    return error.code;
  }
}

async function drain(storage: Storage, bucket: string, options: { prefix?: string; signal?: AbortSignal } = {}): Promise<string[]> {
  const keys: string[] = [];
  for await (const entry of storage.listObjects(bucket, options)) if (entry.type === 'object') keys.push(entry.key);
  return keys;
}

/** Every operation that takes a key, on `key`, with the given signal. */
function keyOperations(
  storage: S3Storage,
  bucket: string,
  key: string,
  signal?: AbortSignal,
  withPresign = true,
): [string, () => Promise<unknown>][] {
  const s = signal ? { signal } : {};
  const ops: [string, () => Promise<unknown>][] = [
    ['putObject', () => storage.putObject(bucket, key, 'x', s)],
    ['getObject', () => storage.getObject(bucket, key, s)],
    ['headObject', () => storage.headObject(bucket, key, s)],
    ['deleteObject', () => storage.deleteObject(bucket, key, s)],
    ['copyObject from', () => storage.copyObject({ bucket, key }, { bucket, key: 'target' }, s)],
    ['copyObject to', () => storage.copyObject({ bucket, key: 'source' }, { bucket, key }, s)],
  ];
  // Presigning refuses a bad key before signing; accepted keys are presigned in the property itself.
  if (withPresign) ops.push(['presign', () => storage.presign(bucket, key, { method: 'GET', expiresIn: 60 })]);
  return ops;
}

/** Every operation that takes a bucket name, on `name`, with the given signal. */
function bucketOperations(storage: Storage, name: string, signal?: AbortSignal): [string, () => Promise<unknown>][] {
  const s = signal ? { signal } : {};
  return [
    ['createBucket', () => storage.createBucket(name, s)],
    ['deleteBucket', () => storage.deleteBucket(name, s)],
    ['bucketExists', () => storage.bucketExists(name, s)],
    ['listObjects', () => drain(storage, name, s)],
    ['putObject', () => storage.putObject(name, 'k', 'x', s)],
    ['headObject', () => storage.headObject(name, 'k', s)],
    ['deleteObjects', () => storage.deleteObjects(name, ['k'], s)],
  ];
}

interface Target {
  name: string;
  /** Starts the server (if it is ours) and makes the storage. */
  start(): Promise<{ storage: S3Storage; restarts?: () => number; stop?: () => Promise<void> }>;
  /** A reason the server may refuse an accepted key (typed InvalidKey, nothing stored). */
  serverMayRefuse?: (key: string) => boolean;
  /** Keys whose listing the server cannot carry (s3rver: control characters through XML 1.0). */
  unlistable?: (key: string) => boolean;
  bucketPrefix: string;
}

const S3RVER_META_SUFFIX = Buffer.byteLength('._S3rver_metadata.json');
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\ufffe\uffff]/;

const targets: Target[] = [
  {
    name: 's3rver 3.7.1',
    bucketPrefix: 'hostile-s3rver',
    async start() {
      const server: S3rver = await startS3rver();
      const storage = new S3Storage({
        endpoint: server.endpoint,
        credentials: server.credentials,
        capabilities: S3RVER_PROFILE.capabilities,
      });
      return { storage, restarts: () => server.restarts(), stop: () => server.stop() };
    },
    // s3rver names a file after the last segment plus '._S3rver_metadata.json': it answers
    // KeyTooLongError (InvalidKey) when that passes 255 bytes.
    serverMayRefuse: (key) => key.split('/').some((s) => Buffer.byteLength(s) + S3RVER_META_SUFFIX > 255),
    unlistable: (key) => CONTROL.test(key),
  },
];
const ceph = cephTarget();
if (!ceph.skip) {
  targets.push({
    name: 'Ceph RGW',
    bucketPrefix: 'hostile-ceph',
    async start() {
      const options: S3StorageOptions = { ...ceph.options, capabilities: ceph.profile.capabilities };
      return { storage: new S3Storage(options) };
    },
  });
}

for (const target of targets) {
  describe(`S3Storage on ${target.name} under hostile input (property-based)`, () => {
    let storage: S3Storage;
    let restarts: (() => number) | undefined;
    let stop: (() => Promise<void>) | undefined;
    const bucket = `${target.bucketPrefix}-${Date.now().toString(36)}`;
    let bucketsBefore: string[];

    beforeAll(async () => {
      ({ storage, restarts, stop } = await target.start());
      await storage.createBucket(bucket);
      bucketsBefore = (await storage.listBuckets()).map((b) => b.name).sort();
    }, 60_000);
    afterAll(async () => {
      try {
        if (storage) {
          for (const key of await drain(storage, bucket).catch(() => [])) await storage.deleteObject(bucket, key).catch(() => undefined);
          await storage.deleteBucket(bucket).catch(() => undefined);
          storage.destroy();
        }
      } finally {
        await stop?.();
      }
    }, 60_000);

    it(`${RUNS} generated keys: refused with InvalidKey by every operation exactly when the rules say so, else accepted; ${KEY_SAMPLE} accepted keys round-trip exactly`, async () => {
      const aborted = AbortSignal.abort();
      const accepted = new Set<string>();
      let refused = 0;
      let presignTick = 0;
      await fc.assert(
        fc.asyncProperty(hostileKey, async (key) => {
          const expectedProblem = keyProblem(key) ?? shapeProblem(key, storage.capabilities);
          // A refused key is refused before any I/O, so the calls go without a signal; an accepted
          // one gets an aborted signal, so it stops right after validation (Aborted).
          const ops = keyOperations(
            storage,
            bucket,
            key,
            expectedProblem === undefined ? aborted : undefined,
            expectedProblem !== undefined,
          );
          for (const [op, p] of ops) {
            const got = await outcome(`${op} ${JSON.stringify(key)}`, p);
            if (expectedProblem !== undefined) {
              expect(got, `${op} ${JSON.stringify(key)} (${expectedProblem})`).toBe('InvalidKey');
            } else {
              expect(got, `${op} ${JSON.stringify(key)}`).toBe('Aborted');
            }
          }
          if (expectedProblem === undefined && ++presignTick % 10 === 0) {
            // Presigning (no I/O) an accepted key gives a URL naming exactly this key, every byte of
            // it percent-encoded, under the bucket. SigV4 signing costs ~2 ms: every tenth key.
            // A key with a `.` or `..` segment cannot travel in a URL (clients resolve them away).
            if (key.split('/').some((s) => s === '.' || s === '..')) {
              expect(
                await outcome(`presign ${JSON.stringify(key)}`, () => storage.presign(bucket, key, { method: 'GET', expiresIn: 60 })),
              ).toBe('InvalidKey');
            } else {
              const url = new URL(await storage.presign(bucket, key, { method: 'GET', expiresIn: 60 }));
              expect(decodeURIComponent(url.pathname), `presigned path of ${JSON.stringify(key)}`).toBe(`/${bucket}/${key}`);
            }
          }
          if (expectedProblem === undefined) accepted.add(key);
          else refused += 1;
        }),
        { numRuns: RUNS, seed: SEED },
      );
      expect(refused).toBeGreaterThan(RUNS / 20);
      expect(accepted.size).toBeGreaterThan(RUNS / 4);

      // The real round trip, for a sample spread over the accepted keys.
      const all = [...accepted];
      const step = Math.max(1, Math.floor(all.length / KEY_SAMPLE));
      const sample = all.filter((_, i) => i % step === 0).slice(0, KEY_SAMPLE);
      let serverRefused = 0;
      for (const key of sample) {
        const what = JSON.stringify(key);
        const put = await outcome(`putObject ${what}`, () => storage.putObject(bucket, key, key));
        if (put !== 'ok') {
          expect(target.serverMayRefuse?.(key) && put === 'InvalidKey', `putObject ${what}: ${put}`).toBe(true);
          serverRefused += 1;
          expect(await outcome(`headObject ${what}`, () => storage.headObject(bucket, key))).toBe('NoSuchKey');
          continue;
        }
        expect(await (await storage.getObject(bucket, key)).text(), `getObject ${what}`).toBe(key);
        if (!target.unlistable?.(key)) {
          const listed = await drain(storage, bucket, { prefix: key });
          expect(listed, `listObjects prefix ${what}`).toContain(key);
          expect(
            listed.every((k) => k.startsWith(key)),
            `listObjects prefix ${what}: ${JSON.stringify(listed)}`,
          ).toBe(true);
        }
        await storage.deleteObject(bucket, key);
        expect(await outcome(`headObject ${what} after delete`, () => storage.headObject(bucket, key))).toBe('NoSuchKey');
      }
      expect(serverRefused).toBeLessThan(sample.length / 10);
      expect(await drain(storage, bucket)).toEqual([]);
      expect(restarts?.() ?? 0).toBe(0);
    }, 600_000);

    it(`${RUNS} generated bucket names: refused with InvalidBucketName by every operation exactly when S3's rules say so; ${BUCKET_SAMPLE} accepted names are really created and deleted`, async () => {
      const aborted = AbortSignal.abort();
      const accepted = new Set<string>();
      await fc.assert(
        fc.asyncProperty(hostileBucket, async (name) => {
          const valid = bucketNameProblem(name) === undefined;
          for (const [op, p] of bucketOperations(storage, name, valid ? aborted : undefined)) {
            const got = await outcome(`${op} ${JSON.stringify(name)}`, p);
            expect(got, `${op} ${JSON.stringify(name)}`).toBe(valid ? 'Aborted' : 'InvalidBucketName');
          }
          if (valid) accepted.add(name);
        }),
        { numRuns: RUNS, seed: SEED },
      );
      expect(accepted.size).toBeGreaterThan(RUNS / 20);

      const all = [...accepted].filter((n) => !bucketsBefore.includes(n));
      const step = Math.max(1, Math.floor(all.length / BUCKET_SAMPLE));
      const sample = all.filter((_, i) => i % step === 0).slice(0, BUCKET_SAMPLE);
      for (const name of sample) {
        const what = JSON.stringify(name);
        const created = await outcome(`createBucket ${what}`, () => storage.createBucket(name));
        // Another account may own the name on a shared server; on ours every name is free.
        expect(created, `createBucket ${what}`).toBe('ok');
        try {
          expect(await storage.bucketExists(name), `bucketExists ${what}`).toBe(true);
          expect(
            (await storage.listBuckets()).map((b) => b.name),
            `listBuckets after ${what}`,
          ).toContain(name);
          await storage.putObject(name, 'k', name);
          expect(await (await storage.getObject(name, 'k')).text()).toBe(name);
          await storage.deleteObject(name, 'k');
        } finally {
          await storage.deleteBucket(name);
        }
        expect(await storage.bucketExists(name), `bucketExists ${what} after delete`).toBe(false);
      }
      expect((await storage.listBuckets()).map((b) => b.name).sort()).toEqual(bucketsBefore);
      expect(restarts?.() ?? 0).toBe(0);
    }, 600_000);
  });
}

if (ceph.skip) {
  describe('S3Storage on Ceph RGW under hostile input', () => {
    it.skip(`skipped: ${ceph.skip}`, () => undefined);
  });
}
