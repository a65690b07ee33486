// MemoryStorage's small-object path against unstorage's memory driver, per operation: rounds of N
// puts, gets, heads and deletes of 4 KiB, the two alternating (run with node --cpu-prof for a
// profile; profile-summary.ts --filter packages/ shows the driver's own frames). Each phase starts
// after a forced GC when run with --expose-gc, as in the bench; minor page faults per operation
// are shown beside the time (a first touch of fresh memory is expensive in some VMs).
//   tsx src/probe-memory-small.ts [count] [rounds] [stowage|unstorage|both]
import { MemoryStorage } from '@stowage/memory';
import { createStorage } from 'unstorage';
import { randomBytes } from 'node:crypto';
import { timed } from './util.js';

const count = Number(process.argv[2] ?? 5000);
const rounds = Number(process.argv[3] ?? 5);
const which = process.argv[4] ?? 'both';
const body = randomBytes(4096);
const keys = Array.from({ length: count }, (_, i) => `small/stowage-memory/k${String(i).padStart(6, '0')}.bin`);

interface Ops {
  put(key: string): Promise<unknown>;
  get(key: string): Promise<Uint8Array>;
  head(key: string): Promise<unknown>;
  del(key: string): Promise<unknown>;
}

async function stowage(): Promise<Ops> {
  const storage = new MemoryStorage();
  await storage.createBucket('bench');
  return {
    put: (key) => storage.putObject('bench', key, body),
    get: async (key) => (await storage.getObject('bench', key)).bytes(),
    head: (key) => storage.headObject('bench', key),
    del: (key) => storage.deleteObject('bench', key),
  };
}

async function unstorage(): Promise<Ops> {
  const storage = createStorage();
  return {
    put: (key) => storage.setItemRaw(key, body),
    get: async (key) => (await storage.getItemRaw(key)) as Uint8Array,
    head: async (key) => storage.getMeta(key),
    del: (key) => storage.removeItem(key),
  };
}

const subjects: [string, Ops][] = [];
if (which !== 'unstorage') subjects.push(['stowage', await stowage()]);
if (which !== 'stowage') subjects.push(['unstorage', await unstorage()]);
const results: Record<string, Record<string, number[]>> = {};
const faults: Record<string, Record<string, number[]>> = {};
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
/** Runs `fn` after a forced GC (as the bench does before each subject's turn), noting minor page faults per operation. */
async function phase(name: string, op: string, fn: () => Promise<void>): Promise<number> {
  gc();
  const before = process.resourceUsage().minorPageFault;
  const t = await timed(fn);
  ((faults[name] ??= {})[op] ??= []).push((process.resourceUsage().minorPageFault - before) / count);
  return (t.ms * 1000) / count;
}
for (let r = 0; r < rounds; r++) {
  for (const [name, ops] of r % 2 ? [...subjects].reverse() : subjects) {
    const row = (results[name] ??= {});
    (row.put ??= []).push(
      await phase(name, 'put', async () => {
        for (const k of keys) await ops.put(k);
      }),
    );
    (row.get ??= []).push(
      await phase(name, 'get', async () => {
        for (const k of keys) {
          const b = await ops.get(k);
          if (b.byteLength !== 4096) throw new Error('size');
        }
      }),
    );
    (row.head ??= []).push(
      await phase(name, 'head', async () => {
        for (const k of keys) await ops.head(k);
      }),
    );
    (row.delete ??= []).push(
      await phase(name, 'delete', async () => {
        for (const k of keys) await ops.del(k);
      }),
    );
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
for (const [name, row] of Object.entries(results)) {
  console.log(
    name.padEnd(10),
    Object.entries(row)
      .map(([op, xs]) => `${op} ${median(xs.slice(1)).toFixed(2)} µs (${median((faults[name]?.[op] ?? []).slice(1)).toFixed(2)} faults)`)
      .join('  '),
  );
}
