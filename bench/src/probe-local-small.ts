// Small-object operations on the local driver (4 KiB put, get, head, delete, then a listing),
// reported per operation, on the disk (`local`) or on a memfs volume (`memory`:
// `new LocalStorage({ root: '/store', fs: memoryVolume() })`, the fs engine's calls without the
// disk's); run under node --cpu-prof to see where the time goes.
//   tsx src/probe-local-small.ts [local|memory] [count]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Storage } from '@stowage/core';
import { LocalStorage, memoryVolume } from '@stowage/local';
import { timed } from './util.js';

const which = process.argv[2] === 'memory' ? 'memory' : 'local';
const count = Number(process.argv[3] ?? 2000);
const dir = await mkdtemp(join(tmpdir(), 'stowage-bench-probe-'));
const storage: Storage =
  which === 'memory' ? new LocalStorage({ root: '/store', fs: memoryVolume() }) : new LocalStorage({ root: join(dir, 'store') });
await storage.createBucket('bench');
const body = Buffer.alloc(4096, 7);
const key = (i: number) => `small/k${i}.bin`;
const report = (label: string, n: number, t: { ms: number; cpuMs: number }) =>
  console.log(
    `${which} ${label.padEnd(8)} ${((t.ms * 1000) / n).toFixed(1).padStart(7)} µs/op wall ${((t.cpuMs * 1000) / n).toFixed(1).padStart(7)} µs/op cpu`,
  );
for (let round = 0; round < 2; round++) {
  report(
    'put',
    count,
    await timed(async () => {
      for (let i = 0; i < count; i++) await storage.putObject('bench', key(i), body);
    }),
  );
  report(
    'get',
    count,
    await timed(async () => {
      for (let i = 0; i < count; i++) await (await storage.getObject('bench', key(i))).bytes();
    }),
  );
  report(
    'head',
    count,
    await timed(async () => {
      for (let i = 0; i < count; i++) await storage.headObject('bench', key(i));
    }),
  );
  report(
    'list',
    count,
    await timed(async () => {
      for await (const entry of storage.listObjects('bench')) void entry;
    }),
  );
  report(
    'delete',
    count,
    await timed(async () => {
      for (let i = 0; i < count; i++) await storage.deleteObject('bench', key(i));
    }),
  );
}
await rm(dir, { recursive: true, force: true });
