import { type ListEntry, type Storage, isStorageError } from '@stowage/core';
import { FAULT_KINDS, type FaultKind, faults, layered } from '@stowage/layers';
import { MemoryStorage } from '@stowage/memory';
import { describe, expect, it } from 'vitest';

const BODY = new Uint8Array(200_000).map((_, i) => (i * 31 + 7) & 0xff);

async function store(): Promise<MemoryStorage> {
  const memory = await MemoryStorage.from({
    bucket: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${String(i).padStart(2, '0')}`, `v${i}`])),
  });
  await memory.putObject('bucket', 'big', BODY);
  return memory;
}

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return isStorageError(error) ? `${error.code}: ${error.message}` : String(error);
  }
}

async function readAll(
  storage: Storage,
  key: string,
  range?: { offset: number; length: number },
): Promise<{ bytes?: Uint8Array; error?: string }> {
  const got = await storage.getObject('bucket', key, range ? { range } : {});
  const parts: Buffer[] = [];
  try {
    for await (const chunk of got.body) parts.push(chunk as Buffer);
    return { bytes: Buffer.concat(parts) };
  } catch (error) {
    return { bytes: Buffer.concat(parts), error: isStorageError(error) ? error.code : String(error) };
  }
}

async function keysOf(listing: AsyncIterable<ListEntry>): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of listing) if (entry.type === 'object') out.push(entry.key);
  return out;
}

describe('faults: the plan', () => {
  it.each([
    ['no plan', undefined],
    ['a seed that is no whole number', { seed: 1.5, rate: 0.1 }],
    ['a rate above 1', { seed: 1, rate: 2 }],
    ['a negative rate', { seed: 1, rate: -0.1 }],
    ['an unknown kind', { seed: 1, rate: 0.1, kinds: ['explode'] }],
    ['no kinds', { seed: 1, rate: 0.1, kinds: [] }],
    ['an unknown operation', { seed: 1, rate: 0.1, operations: ['frobnicate'] }],
    ['a negative maxLatencyMs', { seed: 1, rate: 0.1, maxLatencyMs: -5 }],
  ])('refuses %s with InvalidArgument', (_, plan) => {
    expect(() => faults(plan as never)).toThrowError(expect.objectContaining({ code: 'InvalidArgument' }));
  });

  it('is a layer with stats, and never widens capabilities', async () => {
    const chaos = faults({ seed: 1, rate: 0 });
    expect(typeof chaos).toBe('function');
    expect(chaos.stats).toEqual({ unavailable: 0, latency: 0, cutBody: 0, corruptBody: 0, afterEffect: 0 });
    const memory = new MemoryStorage();
    expect(chaos(memory).capabilities).toBe(memory.capabilities);
  });
});

describe('faults: each kind', () => {
  const only = (kind: FaultKind, operations?: Parameters<typeof faults>[0]['operations']) =>
    faults({ seed: 3, rate: 1, kinds: [kind], ...(operations ? { operations } : {}) });

  it('unavailable: rejects Unavailable before any effect', async () => {
    const memory = await store();
    const chaos = only('unavailable');
    const storage = chaos(memory);
    expect(await outcome(storage.putObject('bucket', 'new', 'x'))).toMatch(/^Unavailable: injected fault/);
    expect(await memory.bucketExists('bucket')).toBe(true);
    expect(await outcome(memory.headObject('bucket', 'new'))).toMatch(/^NoSuchKey/);
    expect(await outcome(storage.deleteObject('bucket', 'k00'))).toMatch(/^Unavailable/);
    expect((await memory.headObject('bucket', 'k00')).size).toBe(2);
    expect(await outcome(storage.createBucket('other'))).toMatch(/^Unavailable/);
    expect(await memory.bucketExists('other')).toBe(false);
    expect(chaos.stats.unavailable).toBe(3);
  });

  it('unavailable on a listing: fails after a few entries, as a connection lost between pages', async () => {
    const memory = await store();
    const chaos = only('unavailable');
    const storage = chaos(memory);
    const seen: string[] = [];
    let failure: unknown;
    try {
      for await (const entry of storage.listObjects('bucket')) if (entry.type === 'object') seen.push(entry.key);
    } catch (error) {
      failure = error;
    }
    expect(failure).toMatchObject({ code: 'Unavailable' });
    expect(seen.length).toBeLessThan(8);
    expect(seen).toEqual((await keysOf(memory.listObjects('bucket'))).slice(0, seen.length));
  });

  it('latency: delays the call up to maxLatencyMs, and an abort ends the wait', async () => {
    const memory = await store();
    const chaos = faults({ seed: 5, rate: 1, kinds: ['latency'], maxLatencyMs: 40 });
    const storage = chaos(memory);
    const started = performance.now();
    for (let i = 0; i < 5; i++) expect((await storage.headObject('bucket', 'k01')).size).toBe(2);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThan(10);
    expect(elapsed).toBeLessThan(1000);
    expect(chaos.stats.latency).toBe(5);
    const slow = faults({ seed: 5, rate: 1, kinds: ['latency'], maxLatencyMs: 60_000 })(memory);
    expect(await outcome(slow.headObject('bucket', 'k01', { signal: AbortSignal.timeout(20) }))).toMatch(/^Aborted/);
  });

  it('cutBody: a get returns, then its body fails part-way with Unavailable, the bytes before it intact', async () => {
    const memory = await store();
    const chaos = only('cutBody');
    const storage = chaos(memory);
    for (const range of [undefined, { offset: 1000, length: 150_000 }]) {
      const { bytes, error } = await readAll(storage, 'big', range);
      expect(error).toBe('Unavailable');
      const whole = range ? BODY.subarray(range.offset, range.offset + range.length) : BODY;
      expect(bytes?.byteLength).toBeLessThan(whole.byteLength);
      expect(Buffer.from(bytes as Uint8Array).equals(Buffer.from(whole.subarray(0, bytes?.byteLength)))).toBe(true);
    }
    expect(chaos.stats.cutBody).toBe(2);
    // Only gets: a put is untouched.
    await storage.putObject('bucket', 'k00', 'new');
    expect(chaos.stats).toMatchObject({ cutBody: 2, unavailable: 0, afterEffect: 0 });
  });

  it('corruptBody: a get returns a body of the right length with exactly one byte flipped', async () => {
    const memory = await store();
    const chaos = only('corruptBody');
    const storage = chaos(memory);
    const { bytes, error } = await readAll(storage, 'big');
    expect(error).toBeUndefined();
    expect(bytes?.byteLength).toBe(BODY.byteLength);
    const differ = [...BODY.keys()].filter((i) => bytes?.[i] !== BODY[i]);
    expect(differ).toHaveLength(1);
    const at = differ[0] as number;
    expect((bytes?.[at] as number) ^ (BODY[at] as number)).toBe(0xff);
    // bytes() and text() go through the altered body too
    const text = await (await storage.getObject('bucket', 'k05')).text();
    expect(text).not.toBe('v5');
    expect(text).toHaveLength(2);
    expect(chaos.stats.corruptBody).toBe(2);
  });

  it('afterEffect: the write happens, then the call rejects Unavailable', async () => {
    const memory = await store();
    const chaos = only('afterEffect');
    const storage = chaos(memory);
    expect(await outcome(storage.putObject('bucket', 'new', 'written'))).toMatch(/^Unavailable: injected fault: putObject took effect/);
    expect(await (await memory.getObject('bucket', 'new')).text()).toBe('written');
    expect(await outcome(storage.copyObject({ bucket: 'bucket', key: 'new' }, { bucket: 'bucket', key: 'copy' }))).toMatch(/^Unavailable/);
    expect(await (await memory.getObject('bucket', 'copy')).text()).toBe('written');
    expect(await outcome(storage.deleteObjects('bucket', ['k00', 'k01']))).toMatch(/^Unavailable/);
    expect(await outcome(memory.headObject('bucket', 'k00'))).toMatch(/^NoSuchKey/);
    // A write that fails by itself had no effect: it is not counted and its own error stands.
    expect(await outcome(storage.putObject('bucket', 'new', 'x', { ifNoneMatch: '*' }))).toMatch(/^PreconditionFailed/);
    // Reads get no lost answers.
    expect(await (await storage.getObject('bucket', 'new')).text()).toBe('written');
    expect(chaos.stats).toEqual({ unavailable: 0, latency: 0, cutBody: 0, corruptBody: 0, afterEffect: 3 });
  });

  it('operations: only the named operations get faults', async () => {
    const memory = await store();
    const chaos = faults({ seed: 1, rate: 1, operations: ['getObject'], kinds: ['unavailable'] });
    const storage = chaos(memory);
    await storage.putObject('bucket', 'k', 'v');
    await storage.headObject('bucket', 'k');
    expect(await keysOf(storage.listObjects('bucket'))).toHaveLength(22);
    expect(await outcome(storage.getObject('bucket', 'k'))).toMatch(/^Unavailable/);
    expect(chaos.stats.unavailable).toBe(1);
  });
});

describe('faults: rate, seed and stats', () => {
  /** A fixed sequence of calls; the outcome of each. */
  async function run(storage: Storage): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < 200; i++) {
      const key = `k${String(i % 20).padStart(2, '0')}`;
      switch (i % 4) {
        case 0:
          out.push(await outcome(storage.putObject('bucket', key, `w${i}`)));
          break;
        case 1: {
          const got = await storage.getObject('bucket', key).catch((e: unknown) => e);
          if (isStorageError(got)) out.push(got.code);
          else {
            const { bytes, error } = await readAll(storage, key).catch(() => ({ bytes: undefined, error: 'failed' }));
            out.push(`${error ?? 'ok'}:${Buffer.from(bytes ?? []).toString('hex')}`);
          }
          break;
        }
        case 2:
          out.push(await outcome(storage.headObject('bucket', key)));
          break;
        default:
          out.push(await outcome(keysOf(storage.listObjects('bucket'))));
      }
    }
    return out;
  }

  it('the same seed and the same calls give the same faults; another seed others', async () => {
    const a = faults({ seed: 42, rate: 0.3, maxLatencyMs: 1 });
    const b = faults({ seed: 42, rate: 0.3, maxLatencyMs: 1 });
    const c = faults({ seed: 43, rate: 0.3, maxLatencyMs: 1 });
    const [ra, rb, rc] = [await run(a(await store())), await run(b(await store())), await run(c(await store()))];
    expect(rb).toEqual(ra);
    expect(b.stats).toEqual(a.stats);
    expect(rc).not.toEqual(ra);
    for (const kind of FAULT_KINDS) expect(a.stats[kind], kind).toBeGreaterThan(0);
  });

  it('about `rate` of the calls get a fault', async () => {
    const chaos = faults({ seed: 9, rate: 0.1, kinds: ['unavailable'] });
    const storage = chaos(await store());
    let failed = 0;
    for (let i = 0; i < 2000; i++) if ((await outcome(storage.headObject('bucket', 'k00'))) !== 'ok') failed += 1;
    expect(failed).toBe(chaos.stats.unavailable);
    expect(failed).toBeGreaterThan(140);
    expect(failed).toBeLessThan(260);
  });

  it('counts over every store it wraps, and they share one sequence', async () => {
    const chaos = faults({ seed: 2, rate: 1, kinds: ['unavailable'] });
    const one = layered(await store(), chaos);
    const two = layered(new MemoryStorage(), chaos);
    await outcome(one.headObject('bucket', 'k00'));
    await outcome(two.listBuckets());
    await outcome(two.createBucket('b'));
    expect(chaos.stats.unavailable).toBe(3);
  });
});
