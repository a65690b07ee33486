import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LocalStorage, memoryVolume } from '@stowage/local';
import { hostileKey } from '@stowage/testing';
import { markerAwareRoundTrip } from './fixtures/hostile-marker.js';

const RUNS = 5_000;
const ROOT = '/base/store/root';

describe('LocalStorage on a memfs volume under hostile input (property-based)', () => {
  it(`${RUNS} generated keys: each round-trips inside the root or is refused with InvalidKey; nothing outside changes`, async () => {
    const fs = memoryVolume();
    // Decoys beside and above the root, where a traversal would land.
    fs.volume.fromJSON({ '/base/outside/secret': 'secret', '/base/outside/photos/x': 'x', '/base/photos': 'decoy' });
    const outside = () =>
      Object.entries(fs.volume.toJSON())
        .filter(([p]) => p !== ROOT && !p.startsWith(`${ROOT}/`))
        .sort();
    const storage = new LocalStorage({ root: ROOT, fs });
    await storage.createBucket('photos');
    const before = outside();
    await fc.assert(
      fc.asyncProperty(hostileKey, (key) => markerAwareRoundTrip(storage, 'photos', key)),
      { numRuns: RUNS },
    );
    expect(outside()).toEqual(before);
    expect(fs.volume.readdirSync(`${ROOT}/photos`)).toEqual([]);
  }, 600_000);
});
