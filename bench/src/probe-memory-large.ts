// MemoryStorage's large write (a file stream into the store) and read (the object's stream into a
// file), a few times each, with the minor page faults each took (run with node --cpu-prof).
//   tsx src/probe-memory-large.ts [MiB] [times]
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { MemoryStorage } from '@stowage/memory';
import { makeFile, MiB, timed } from './util.js';

const bytes = Number(process.argv[2] ?? 256) * MiB;
const times = Number(process.argv[3] ?? 3);
const dir = await mkdtemp(join(tmpdir(), 'stowage-bench-probe-'));
const source = join(dir, 'source.bin');
await makeFile(source, bytes);
const storage = new MemoryStorage();
await storage.createBucket('bench');
const faults = () => process.resourceUsage().minorPageFault;
for (let i = 0; i < times; i++) {
  let f = faults();
  const write = await timed(() => storage.putObject('bench', 'large.bin', createReadStream(source)));
  const writeFaults = faults() - f;
  f = faults();
  const read = await timed(async () =>
    pipeline((await storage.getObject('bench', 'large.bin')).body, createWriteStream(join(dir, 'out.bin'))),
  );
  console.log(
    `${bytes / MiB} MiB: write ${write.ms.toFixed(0)} ms (cpu ${write.cpuMs.toFixed(0)}, ${writeFaults} faults), read ${read.ms.toFixed(0)} ms (cpu ${read.cpuMs.toFixed(0)}, ${faults() - f} faults)`,
  );
  await storage.deleteObject('bench', 'large.bin');
}
await rm(dir, { recursive: true, force: true });
