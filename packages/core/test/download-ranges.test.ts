import { describe, expect, it } from 'vitest';
import { rangeSize } from '../src/download-file.js';
import { splitIntoParts } from '../src/parts.js';

const MiB = 1024 * 1024;

describe('the ranges of a download', () => {
  it('are partSize long up to 2 × concurrency × partSize', () => {
    expect(rangeSize(10 * MiB, MiB, 3)).toBe(MiB);
    expect(rangeSize(63 * MiB, 8 * MiB, 4)).toBe(8 * MiB);
    expect(rangeSize(20 * MiB, 5 * MiB, 4)).toBe(5 * MiB);
  });

  it('grow by whole multiples of partSize above it, so a large object goes in about 2 × concurrency ranges', () => {
    expect(rangeSize(64 * MiB, 8 * MiB, 4)).toBe(8 * MiB);
    expect(rangeSize(256 * MiB, 8 * MiB, 4)).toBe(32 * MiB);
    expect(splitIntoParts(256 * MiB, rangeSize(256 * MiB, 8 * MiB, 4))).toHaveLength(8);
    const odd = 1000 * MiB + 7;
    const parts = splitIntoParts(odd, rangeSize(odd, 8 * MiB, 4));
    expect(parts.length).toBeGreaterThanOrEqual(8);
    expect(parts.length).toBeLessThanOrEqual(9);
    expect(parts.every((p) => p.offset % (8 * MiB) === 0)).toBe(true);
  });

  it('tile the object exactly', () => {
    for (const [size, part, concurrency] of [
      [1, 1, 1],
      [10 * MiB + 123, MiB, 3],
      [3 * 1024 ** 3 + 5, 8 * MiB, 10],
    ] as const) {
      const parts = splitIntoParts(size, rangeSize(size, part, concurrency));
      let next = 0;
      for (const p of parts) {
        expect(p.offset).toBe(next);
        expect(p.length).toBeGreaterThan(0);
        next += p.length;
      }
      expect(next).toBe(size);
    }
  });
});
