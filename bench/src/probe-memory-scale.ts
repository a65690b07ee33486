// memory.scale for MemoryStorage alone, with the garbage collector's share: fills a store to 1,000
// keys, then to `large`, and at each size times puts of new keys, gets of stored ones and listing
// pages of 1,000 (as the bench's case does, after a forced GC when run with --expose-gc), printing
// µs per operation, the GC time inside them and the minor page faults of the timed parts.
//   tsx src/probe-memory-scale.ts [large] [ops]
import { PerformanceObserver } from 'node:perf_hooks';
import { MemoryStorage } from '@stowage/memory';

const large = Number(process.argv[2] ?? 1_000_000);
const ops = Number(process.argv[3] ?? 10_000);
const key = (i: number) => `d${String(Math.floor(i / 1000)).padStart(4, '0')}/k${String(i).padStart(8, '0')}.bin`;
const newKey = (i: number) => `d${String(Math.floor(i / 1000)).padStart(4, '0')}/k${String(i).padStart(8, '0')}.new`;
const body = Buffer.alloc(16, 7);
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
}).observe({ entryTypes: ['gc'] });
let seed = 12345;
const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;

const storage = new MemoryStorage();
await storage.createBucket('bench');
async function fill(from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) await storage.putObject('bench', key(i), body);
}
let faults = 0;
async function timedUs(n: number, fn: () => Promise<void>): Promise<[number, number]> {
  const g = gcMs;
  const f = process.resourceUsage().minorPageFault;
  const start = performance.now();
  await fn();
  // Let the GC observer's entries arrive before reading them.
  await new Promise((resolve) => setImmediate(resolve));
  faults += process.resourceUsage().minorPageFault - f;
  return [((performance.now() - start) * 1000) / n, ((gcMs - g) * 1000) / n];
}
async function sample(count: number): Promise<void> {
  // As the bench does before its samples (when run with --expose-gc).
  (globalThis as { gc?: () => void }).gc?.();
  faults = 0;
  const put: number[] = [0, 0];
  const get: number[] = [0, 0];
  for (let done = 0; done < ops; done += 100) {
    const fresh = Array.from({ length: 100 }, () => newKey(Math.floor(random() * count)));
    const stored = Array.from({ length: 100 }, () => key(Math.floor(random() * count)));
    const p = await timedUs(ops, async () => {
      for (const k of fresh) await storage.putObject('bench', k, body);
    });
    const g = await timedUs(ops, async () => {
      for (const k of stored) await (await storage.getObject('bench', k)).bytes();
    });
    put[0]! += p[0];
    put[1]! += p[1];
    get[0]! += g[0];
    get[1]! += g[1];
    for (const k of fresh) await storage.deleteObject('bench', k);
  }
  const page = await timedUs(50, async () => {
    for (let p = 0; p < 50; p++) {
      const last = count - 1001;
      const startAfter = last < 0 ? undefined : key(Math.floor(random() * (last + 1)));
      let n = 0;
      for await (const _ of storage.listObjects('bench', startAfter === undefined ? { pageSize: 1000 } : { startAfter, pageSize: 1000 }))
        if (++n === 1000) break;
    }
  });
  console.log(
    `${String(count).padStart(8)} keys: put ${put[0]!.toFixed(2)} µs (gc ${put[1]!.toFixed(2)})  get ${get[0]!.toFixed(2)} µs (gc ${get[1]!.toFixed(2)})  page ${page[0].toFixed(0)} µs (gc ${page[1].toFixed(0)}), ${faults} page faults`,
  );
}
await fill(0, 1000);
for (let r = 0; r < 3; r++) await sample(1000);
const start = performance.now();
await fill(1000, large);
console.log(
  `fill to ${large}: ${((performance.now() - start) / 1000).toFixed(1)} s, heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`,
);
for (let r = 0; r < 3; r++) await sample(large);
