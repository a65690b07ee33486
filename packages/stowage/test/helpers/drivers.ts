import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { Bucket, type Storage } from '@stowage/core';
import { LocalStorage } from '@stowage/local';
import { MemoryStorage } from '@stowage/memory';
import { FaultyStorage } from './faulty-storage.js';
import { scratchDir } from './files.js';

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

/** What each transfer test gets: a fresh driver, a fault-injecting view of it with a bucket, a scratch folder. */
export interface TransferFixture {
  storage: Storage;
  faulty: FaultyStorage;
  /** `bucketName` on `faulty`, created. */
  bucket: Bucket;
  dir: string;
}

/** Registers hooks that build a {@link TransferFixture} before each test and clean it up after. */
export function useTransferFixture(driver: DriverCase, bucketName: string): TransferFixture {
  const fixture = {} as TransferFixture;
  const cleanup: (() => Promise<void>)[] = [];
  beforeEach(async () => {
    const opened = await driver.open();
    const scratch = await scratchDir();
    cleanup.push(opened.close, scratch.close);
    const faulty = new FaultyStorage(opened.storage);
    Object.assign(fixture, { storage: opened.storage, faulty, bucket: await new Bucket(faulty, bucketName).create(), dir: scratch.dir });
  });
  afterEach(async () => {
    for (const close of cleanup.splice(0)) await close();
  });
  return fixture;
}
