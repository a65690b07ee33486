// Profiles LocalStorage.putObject of one file, several times (run with node --cpu-prof).
//   tsx src/probe-put.ts [MiB] [times]
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStorage } from '@stowage/local';
import { makeFile, MiB, timed } from './util.js';

const bytes = Number(process.argv[2] ?? 64) * MiB;
const times = Number(process.argv[3] ?? 5);
const dir = await mkdtemp(join(tmpdir(), 'stowage-bench-probe-'));
const source = join(dir, 'source.bin');
await makeFile(source, bytes);
const storage = new LocalStorage({ root: join(dir, 'store') });
await storage.createBucket('bench');
for (let i = 0; i < times; i++) {
  const t = await timed(() => storage.putObject('bench', 'large.bin', createReadStream(source)));
  console.log(`putObject ${bytes / MiB} MiB: wall ${t.ms.toFixed(0)} ms, cpu ${t.cpuMs.toFixed(0)} ms`);
}
await rm(dir, { recursive: true, force: true });
