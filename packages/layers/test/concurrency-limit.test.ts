import { isStorageError, type HeadOptions, type ListEntry, type ObjectInfo, type Storage } from '@stowage/core';
import { ForwardingStorage, concurrencyLimit, layered } from '@stowage/layers';
import { MemoryStorage } from '@stowage/memory';
import { describe, expect, it } from 'vitest';

/** Counts the calls in flight in the store beneath, and the most at once. */
class CountingStorage extends ForwardingStorage {
  inFlight = 0;
  most = 0;
  started: string[] = [];
  constructor(
    inner: Storage,
    private readonly holdMs: number,
  ) {
    super(inner);
  }
  override async headObject(bucket: string, key: string, options?: HeadOptions): Promise<ObjectInfo> {
    this.started.push(key);
    this.inFlight++;
    this.most = Math.max(this.most, this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, this.holdMs));
      return await super.headObject(bucket, key, options);
    } finally {
      this.inFlight--;
    }
  }
}

async function store(): Promise<MemoryStorage> {
  const objects: Record<string, string> = {};
  for (let i = 0; i < 20; i++) objects[`k${String(i).padStart(2, '0')}`] = `v${i}`;
  return MemoryStorage.from({ bucket: objects });
}

describe('concurrencyLimit', () => {
  it('never lets a fifth call reach the store while four are in flight, and serves the rest in order', async () => {
    const counting = new CountingStorage(await store(), 20);
    const storage = layered(counting, concurrencyLimit(4));
    const keys = Array.from({ length: 20 }, (_, i) => `k${String(i).padStart(2, '0')}`);
    const infos = await Promise.all(keys.map((key) => storage.headObject('bucket', key)));
    expect(infos.map((info) => info.key)).toEqual(keys);
    expect(counting.most).toBe(4);
    expect(counting.started).toEqual(keys);
  });

  it('rejects a waiting call whose signal aborts, without starting it', async () => {
    const counting = new CountingStorage(await store(), 50);
    const storage = layered(counting, concurrencyLimit(1));
    const first = storage.headObject('bucket', 'k00');
    const controller = new AbortController();
    const waiting = storage.headObject('bucket', 'k01', { signal: controller.signal });
    const third = storage.headObject('bucket', 'k02');
    controller.abort();
    const error = await waiting.catch((e: unknown) => e);
    expect(isStorageError(error, 'Aborted')).toBe(true);
    await Promise.all([first, third]);
    expect(counting.started).toEqual(['k00', 'k02']);
  });

  it('holds a slot while a listing fetches, not between entries', async () => {
    const memory = await store();
    const storage = layered(memory, concurrencyLimit(1));
    const entries: ListEntry[] = [];
    for await (const entry of storage.listObjects('bucket', { pageSize: 5 })) {
      entries.push(entry);
      // With the only slot held by the listing between entries, this would wait forever.
      if (entries.length === 3) expect((await storage.headObject('bucket', 'k00')).key).toBe('k00');
    }
    expect(entries).toHaveLength(20);
  });

  it('gives the slot back when a call fails', async () => {
    const storage = layered(await store(), concurrencyLimit(1));
    for (let i = 0; i < 3; i++) {
      expect(isStorageError(await storage.headObject('bucket', 'missing').catch((e: unknown) => e), 'NoSuchKey')).toBe(true);
    }
    expect((await storage.headObject('bucket', 'k01')).key).toBe('k01');
  });

  it('refuses a limit that is not a whole number ≥ 1', () => {
    for (const bad of [0, -2, 1.5, Number.NaN]) {
      expect(() => concurrencyLimit(bad)).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
    }
  });
});
