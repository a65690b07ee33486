// Profiles the local driver's small-object path: N puts, gets, heads and deletes of 4 KiB (run with
// node --cpu-prof; then profile-summary.ts with --filter packages/ for the driver's own frames).
//   tsx src/probe-small.ts [count]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStorage } from '@stowage/local';
import { timed } from './util.js';

const count = Number(process.argv[2] ?? 2000);
const dir = await mkdtemp(join(tmpdir(), 'stowage-bench-probe-'));
const storage = new LocalStorage({ root: join(dir, 'store') });
await storage.createBucket('bench');
const body = Buffer.alloc(4096, 7);
const key = (i: number) => `small/k${i}.bin`;
const report = (label: string, t: { ms: number; cpuMs: number }) =>
  console.log(
    `${label.padEnd(8)} ${((t.ms * 1000) / count).toFixed(0).padStart(6)} µs/op wall ${((t.cpuMs * 1000) / count).toFixed(0).padStart(6)} µs/op cpu`,
  );
report(
  'put',
  await timed(async () => {
    for (let i = 0; i < count; i++) await storage.putObject('bench', key(i), body);
  }),
);
report(
  'get',
  await timed(async () => {
    for (let i = 0; i < count; i++) await (await storage.getObject('bench', key(i))).bytes();
  }),
);
report(
  'head',
  await timed(async () => {
    for (let i = 0; i < count; i++) await storage.headObject('bench', key(i));
  }),
);
report(
  'delete',
  await timed(async () => {
    for (let i = 0; i < count; i++) await storage.deleteObject('bench', key(i));
  }),
);
await rm(dir, { recursive: true, force: true });
