import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketNameProblem, isStorageError } from '@stowage/core';
import { LocalStorage } from '@stowage/local';
import { hostileBucket, hostileKey } from '@stowage/testing';
import { markerAwareRoundTrip } from './fixtures/hostile-marker.js';

const RUNS = 10_000;
let base: string;
let root: string;
let storage: LocalStorage;

/** Every path under `dir` except the store's root, with file contents: what must never change. */
async function around(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    if (full === root || full.startsWith(root + path.sep)) continue;
    out.push(entry.isFile() ? `${full}=${await readFile(full, 'utf8')}` : full);
  }
  return out.sort();
}

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'stowage-hostile-'));
  // Decoys beside and above the root, where a traversal would land.
  await mkdir(path.join(base, 'outside', 'photos'), { recursive: true });
  await writeFile(path.join(base, 'outside', 'secret'), 'secret');
  await writeFile(path.join(base, 'photos'), 'decoy');
  root = path.join(base, 'store', 'root');
  storage = new LocalStorage({ root });
  await storage.createBucket('photos');
});
afterAll(() => rm(base, { recursive: true, force: true }));

describe('LocalStorage under hostile input (property-based)', () => {
  it(`${RUNS} generated keys: each round-trips inside the root or is refused with InvalidKey; nothing outside changes`, async () => {
    const before = await around(base);
    await fc.assert(
      fc.asyncProperty(hostileKey, (key) => markerAwareRoundTrip(storage, 'photos', key)),
      { numRuns: RUNS },
    );
    expect(await around(base)).toEqual(before);
    expect(await readdir(path.join(root, 'photos'))).toEqual([]);
  }, 600_000);

  it(`${RUNS} generated bucket names: created inside the root exactly when S3's rules allow, else InvalidBucketName`, async () => {
    const before = await around(base);
    await fc.assert(
      fc.asyncProperty(hostileBucket, async (name) => {
        const valid = bucketNameProblem(name) === undefined;
        try {
          await storage.createBucket(name);
        } catch (error) {
          if (valid && isStorageError(error, 'BucketAlreadyExists')) return;
          expect(isStorageError(error, 'InvalidBucketName'), `create ${JSON.stringify(name)}: ${String(error)}`).toBe(true);
          expect(valid).toBe(false);
          return;
        }
        expect(valid).toBe(true);
        expect((await readdir(root)).includes(name)).toBe(true);
        if (name !== 'photos') await storage.deleteBucket(name);
      }),
      { numRuns: RUNS },
    );
    expect(await around(base)).toEqual(before);
  }, 600_000);
});
