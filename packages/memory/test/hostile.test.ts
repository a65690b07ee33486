import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketNameProblem, isStorageError, keyProblem } from '@stowage/core';
import { MemoryStorage } from '@stowage/memory';
import { hostileBucket, hostileKey } from '@stowage/testing';

const RUNS = 10_000;

describe('MemoryStorage under hostile input (property-based)', () => {
  it(`${RUNS} generated keys: every key S3 accepts round-trips, every other is refused with InvalidKey`, async () => {
    const storage = new MemoryStorage();
    await storage.createBucket('photos');
    await fc.assert(
      fc.asyncProperty(hostileKey, async (key) => {
        const valid = keyProblem(key) === undefined;
        try {
          await storage.putObject('photos', key, key);
        } catch (error) {
          expect(valid, `put ${JSON.stringify(key)} was refused: ${String(error)}`).toBe(false);
          expect(isStorageError(error, 'InvalidKey'), `put ${JSON.stringify(key)}: ${String(error)}`).toBe(true);
          return;
        }
        expect(valid, `put ${JSON.stringify(key)} was stored`).toBe(true);
        expect(await (await storage.getObject('photos', key)).text()).toBe(key);
        expect(storage.inspect().photos?.[key]?.size).toBe(Buffer.byteLength(key));
        await storage.deleteObject('photos', key);
      }),
      { numRuns: RUNS },
    );
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
          expect(
            isStorageError(error, valid ? 'BucketAlreadyExists' : 'InvalidBucketName'),
            `create ${JSON.stringify(name)}: ${String(error)}`,
          ).toBe(true);
          return;
        }
        expect(valid).toBe(true);
        await storage.deleteBucket(name);
      }),
      { numRuns: RUNS },
    );
    expect(await storage.listBuckets()).toEqual([]);
  }, 600_000);
});
