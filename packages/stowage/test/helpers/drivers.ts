import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Storage } from '@stowage/core';
import { LocalStorage } from '@stowage/local';
import { MemoryStorage } from '@stowage/memory';

/** A real driver for the resource and transfer tests, fresh per test, and how to clean it up. */
export interface DriverCase {
  name: string;
  open(): Promise<{ storage: Storage; close(): Promise<void> }>;
}

export const DRIVERS: DriverCase[] = [
  {
    name: 'memory',
    open: async () => ({ storage: new MemoryStorage(), close: async () => undefined }),
  },
  {
    name: 'local',
    open: async () => {
      const root = await mkdtemp(join(tmpdir(), 'stowage-core-local-'));
      return { storage: new LocalStorage({ root }), close: () => rm(root, { recursive: true, force: true }) };
    },
  },
];

/** Deterministic bytes that differ at every offset that matters (so a misplaced range shows). */
export function patternBytes(size: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    // xorshift32: cheap, and no run of equal bytes long enough to hide an offset error.
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
