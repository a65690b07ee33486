import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalStorage, memoryVolume } from '@stowage/local';

// A delete removes the folders it leaves empty, so a key can later be written where a folder was.
// On memfs this once failed after an overwrite: memfs's rename over an existing file left the
// folder counting the replaced file, rmdir answered ENOTEMPTY, the emptied folder stayed, and the
// put of "a/b" was refused ("other objects exist under a/b/") in an empty bucket (see memfs-api.ts).

const bases: string[] = [];
afterAll(() => Promise.all(bases.map((base) => rm(base, { recursive: true, force: true }))));

const targets: Record<string, () => Promise<LocalStorage>> = {
  disk: async () => {
    const base = await mkdtemp(path.join(tmpdir(), 'stowage-emptied-'));
    bases.push(base);
    return new LocalStorage({ root: base });
  },
  memfs: async () => new LocalStorage({ root: '/store', fs: memoryVolume() }),
};

const BUCKET = 'emptied';

type Step = (storage: LocalStorage) => Promise<unknown>;

const sequences: Record<string, Step[]> = {
  'the reported sequence (a conditional put, an overwrite, a batch delete)': [
    (s) => s.deleteObject(BUCKET, 'a'),
    (s) => s.putObject(BUCKET, 'a/b/c', 'x', { ifNoneMatch: '*' }),
    (s) => s.putObject(BUCKET, 'a/b/c', 'y'),
    (s) => s.deleteObjects(BUCKET, ['a/b/c', 'z/y/x']),
  ],
  'without the conditional put': [
    (s) => s.deleteObject(BUCKET, 'a'),
    (s) => s.putObject(BUCKET, 'a/b/c', 'x'),
    (s) => s.putObject(BUCKET, 'a/b/c', 'y'),
    (s) => s.deleteObjects(BUCKET, ['a/b/c', 'z/y/x']),
  ],
  'with deleteObject instead of deleteObjects': [
    (s) => s.putObject(BUCKET, 'a/b/c', 'x', { ifNoneMatch: '*' }),
    (s) => s.putObject(BUCKET, 'a/b/c', 'y'),
    (s) => s.deleteObject(BUCKET, 'a/b/c'),
  ],
  'an overwrite by copy, then a delete': [
    (s) => s.putObject(BUCKET, 'a/b/c', 'x'),
    (s) => s.putObject(BUCKET, 'src', 'y'),
    (s) => s.copyObject({ bucket: BUCKET, key: 'src' }, { bucket: BUCKET, key: 'a/b/c' }),
    (s) => s.deleteObjects(BUCKET, ['a/b/c', 'src']),
  ],
  'a conditional put alone, then a delete': [
    (s) => s.putObject(BUCKET, 'a/b/c', 'x', { ifNoneMatch: '*' }),
    (s) => s.deleteObject(BUCKET, 'a/b/c'),
  ],
};

async function keysOf(storage: LocalStorage): Promise<string[]> {
  const keys: string[] = [];
  for await (const entry of storage.listObjects(BUCKET)) keys.push(entry.type === 'object' ? entry.key : entry.prefix);
  return keys;
}

for (const [target, make] of Object.entries(targets)) {
  describe(`folders a delete empties (${target})`, () => {
    for (const [name, steps] of Object.entries(sequences)) {
      it(`${name}: the bucket ends empty and "a/b" can be written`, async () => {
        const storage = await make();
        await storage.createBucket(BUCKET);
        for (const step of steps) await step(storage);
        expect(await keysOf(storage)).toEqual([]);
        await storage.putObject(BUCKET, 'a/b', 'z');
        expect(await keysOf(storage)).toEqual(['a/b']);
        await storage.deleteObject(BUCKET, 'a/b');
        await storage.deleteBucket(BUCKET); // no folder left behind either
      });
    }

    it('many overwrites of one key, then a delete: the bucket can be deleted at once', async () => {
      const storage = await make();
      await storage.createBucket(BUCKET);
      for (let i = 0; i < 20; i++) await storage.putObject(BUCKET, 'deep/er/key', `version ${i}`);
      await storage.deleteObject(BUCKET, 'deep/er/key');
      await storage.putObject(BUCKET, 'deep', 'a file where the folder was');
      await storage.deleteObject(BUCKET, 'deep');
      await storage.deleteBucket(BUCKET);
    });
  });
}
