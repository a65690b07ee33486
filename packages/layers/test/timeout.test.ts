import { isStorageError, type Storage } from '@stowage/core';
import { ForwardingStorage, layered, timeout } from '@stowage/layers';
import { MemoryStorage } from '@stowage/memory';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);

/** A store whose calls wait `ms` (or forever) before going on, and that notes the signals it was given. */
class SlowStorage extends ForwardingStorage {
  readonly signals: (AbortSignal | undefined)[] = [];
  constructor(
    inner: Storage,
    private readonly ms: number,
    private readonly hearsAbort = true,
  ) {
    super(inner);
  }
  override async headObject(bucket: string, key: string, options: { signal?: AbortSignal } = {}) {
    this.signals.push(options.signal);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, this.ms);
      if (this.hearsAbort)
        options.signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(options.signal?.reason);
        });
    });
    return super.headObject(bucket, key, options);
  }
}

async function store(): Promise<MemoryStorage> {
  return MemoryStorage.from({ bucket: { 'a/1': 'one', 'a/2': 'two', big: 'x'.repeat(3 * 1024 * 1024) } });
}

async function rejection(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('timeout', () => {
  it('rejects Timeout when an operation passes its deadline, and aborts the work beneath', async () => {
    const slow = new SlowStorage(await store(), 10_000);
    const started = Date.now();
    const error = await rejection(layered(slow, timeout(50)).headObject('bucket', 'a/1'));
    expect(isStorageError(error, 'Timeout')).toBe(true);
    expect((error as Error).message).toMatch(/headObject did not finish within 50 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(slow.signals[0]?.aborted).toBe(true);
  });

  it('gives up on time even when the store does not notice its signal', async () => {
    const deaf = new SlowStorage(await store(), 1000, false);
    const started = Date.now();
    expect(isStorageError(await rejection(layered(deaf, timeout(30)).headObject('bucket', 'a/1')), 'Timeout')).toBe(true);
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('lets an operation within its deadline through, with its answer', async () => {
    const storage = layered(new SlowStorage(await store(), 5), timeout(5_000));
    expect((await storage.headObject('bucket', 'a/1')).size).toBe(3);
  });

  it("keeps the caller's abort an Aborted, not a Timeout", async () => {
    const storage = layered(new SlowStorage(await store(), 10_000), timeout(5_000));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    expect(isStorageError(await rejection(storage.headObject('bucket', 'a/1', { signal: controller.signal })), 'Aborted')).toBe(true);
  });

  it("covers a get's call, not the reading of its body", async () => {
    const storage = layered(await store(), timeout(40));
    const result = await storage.getObject('bucket', 'big');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await result.bytes()).byteLength).toBe(3 * 1024 * 1024);
  });

  it('takes a deadline per operation', async () => {
    const storage = layered(new SlowStorage(await store(), 100), timeout({ ms: 20, perOperation: { headObject: 5_000 } }));
    expect((await storage.headObject('bucket', 'a/2')).size).toBe(3);
  });

  it('stops a put whose body stalls, and leaves nothing behind', async () => {
    const memory = await store();
    const storage = layered(memory, timeout(50));
    async function* stalls(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(10);
      await new Promise(() => undefined);
    }
    expect(isStorageError(await rejection(storage.putObject('bucket', 'partial', stalls())), 'Timeout')).toBe(true);
    expect(isStorageError(await rejection(memory.headObject('bucket', 'partial')), 'NoSuchKey')).toBe(true);
  });

  it('applies to each page a listing fetches', async () => {
    const memory = await store();
    const stalled = new (class extends ForwardingStorage {
      override async *listObjects() {
        yield { type: 'prefix' as const, prefix: 'a/' };
        await new Promise(() => undefined);
      }
    })(memory);
    const entries: string[] = [];
    const error = await rejection(
      (async () => {
        for await (const entry of layered(stalled, timeout(50)).listObjects('bucket')) entries.push(entry.type);
      })(),
    );
    expect(isStorageError(error, 'Timeout')).toBe(true);
    expect(entries).toEqual(['prefix']);
  });

  it('never cuts a call before its own deadline, however close together calls start', async () => {
    const slow = new SlowStorage(await store(), 10_000);
    const storage = layered(slow, timeout(200));
    const started: number[] = [];
    const ended: number[] = [];
    const calls = [0, 5, 10, 40, 90].map(async (wait, i) => {
      await new Promise((resolve) => setTimeout(resolve, wait));
      started[i] = performance.now();
      const error = await rejection(storage.headObject('bucket', 'a/1'));
      ended[i] = performance.now();
      expect(isStorageError(error, 'Timeout')).toBe(true);
    });
    await Promise.all(calls);
    for (let i = 0; i < calls.length; i++) expect(ended[i]! - started[i]!).toBeGreaterThanOrEqual(199);
    // A call after those deadlines passed gets a signal of its own, not one already aborted.
    const fresh = new SlowStorage(await store(), 1);
    expect((await layered(fresh, timeout(200)).headObject('bucket', 'a/1')).size).toBe(3);
    expect((await storage.getObject('bucket', 'a/2')).info.size).toBe(3);
    expect(slow.signals.every((signal) => signal?.aborted)).toBe(true);
  });

  it('does not keep the process alive once its calls have settled', () => {
    const script = `
      const { MemoryStorage } = await import(${JSON.stringify(require.resolve('@stowage/memory'))});
      const { layered, timeout } = await import(${JSON.stringify(require.resolve('@stowage/layers'))});
      const storage = layered(await MemoryStorage.from({ bucket: { k: 'v' } }), timeout(600_000));
      await storage.headObject('bucket', 'k');
      console.log('done');
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('done');
    expect(child.signal).toBeNull();
    expect(child.status).toBe(0);
  });

  it('keeps the process alive for a call whose store never answers and holds nothing open, until its Timeout', () => {
    const script = `
      const { MemoryStorage } = await import(${JSON.stringify(require.resolve('@stowage/memory'))});
      const { ForwardingStorage, layered, timeout } = await import(${JSON.stringify(require.resolve('@stowage/layers'))});
      class Silent extends ForwardingStorage {
        headObject() { return new Promise(() => {}); }
      }
      const storage = layered(new Silent(await MemoryStorage.from({ bucket: { k: 'v' } })), timeout(300));
      await storage.getObject('bucket', 'k');
      const started = performance.now();
      const error = await storage.headObject('bucket', 'k').catch((e) => e);
      console.log(error.code, performance.now() - started >= 299);
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('Timeout true');
    expect(child.status).toBe(0);
  });

  it('refuses a deadline that is not a positive number', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => timeout(bad)).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
    }
    expect(() => timeout({ ms: 10, perOperation: { putObject: 0 } })).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
  });
});
