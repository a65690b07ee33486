import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketNameProblem, isStorageError } from '@stowage/core';
import { MEMORY_ROOT, MemoryStorage } from '@stowage/memory';
import { hostileBucket, hostileKey } from '../../local/test/fixtures/hostile-input.js';

const RUNS = 10_000;

/** Every file and empty folder on the volume, by absolute path. */
function volumePaths(storage: MemoryStorage): string[] {
  return Object.keys(storage.volume.toJSON()).sort();
}

describe('MemoryStorage under hostile input (property-based)', () => {
  it(`${RUNS} generated keys: each round-trips or is refused with InvalidKey; nothing lands outside the store's root`, async () => {
    const storage = new MemoryStorage();
    await storage.createBucket('photos');
    await fc.assert(
      fc.asyncProperty(hostileKey, async (key) => {
        try {
          await storage.putObject('photos', key, key);
        } catch (error) {
          expect(isStorageError(error, 'InvalidKey'), `put ${JSON.stringify(key)}: ${String(error)}`).toBe(true);
          return;
        }
        expect(await (await storage.getObject('photos', key)).text()).toBe(key);
        await storage.deleteObject('photos', key);
      }),
      { numRuns: RUNS },
    );
    const outside = volumePaths(storage).filter((p) => !p.startsWith(`${MEMORY_ROOT}/`));
    expect(outside).toEqual([]);
    expect(await storage.snapshot()).toEqual({ photos: {} });
  }, 600_000);

  it(`${RUNS} generated bucket names: created exactly when S3's rules allow, else InvalidBucketName`, async () => {
    const storage = new MemoryStorage();
    await fc.assert(
      fc.asyncProperty(hostileBucket, async (name) => {
        const valid = bucketNameProblem(name) === undefined;
        try {
          await storage.createBucket(name);
        } catch (error) {
          expect(isStorageError(error, valid ? 'BucketAlreadyExists' : 'InvalidBucketName'), `create ${JSON.stringify(name)}: ${String(error)}`).toBe(true);
          return;
        }
        expect(valid).toBe(true);
        await storage.deleteBucket(name);
      }),
      { numRuns: RUNS },
    );
    expect(volumePaths(storage).filter((p) => !p.startsWith(`${MEMORY_ROOT}/`))).toEqual([]);
  }, 600_000);
});
