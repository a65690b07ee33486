// Where the local driver's large write loses time against a raw pipeline: the same 1 GiB file
// written (a) by a raw stream pipeline, (b) by LocalStorage.putObject, and (c–e) by loops that
// mimic putObject's writeTemp step by step: one awaited FileHandle.write per chunk, the same plus
// the XXH3 digest, and the same with writes batched (writev of what has arrived, one in flight).
//   tsx src/probe-write.ts [MiB]
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { LocalStorage } from '@stowage/local';
import { createXxh3, makeFile, MiB, timed } from './util.js';

const bytes = Number(process.argv[2] ?? 1024) * MiB;
const dir = await mkdtemp(join(tmpdir(), 'stowage-bench-probe-'));
const source = join(dir, 'source.bin');
await makeFile(source, bytes);
const storage = new LocalStorage({ root: join(dir, 'store') });
await storage.createBucket('bench');

const variants: [string, (out: string) => Promise<unknown>][] = [
  ['raw pipeline', (out) => pipeline(createReadStream(source), createWriteStream(out))],
  ['stowage putObject', () => storage.putObject('bench', 'large.bin', createReadStream(source))],
  [
    'loop: await write per chunk',
    async (out) => {
      const h = await open(out, 'wx');
      for await (const chunk of createReadStream(source)) await h.write(chunk as Buffer);
      await h.close();
    },
  ],
  [
    'loop + XXH3 digest',
    async (out) => {
      const h = await open(out, 'wx');
      const digest = await createXxh3();
      digest.init();
      for await (const chunk of createReadStream(source)) {
        await h.write(chunk as Buffer);
        digest.update(chunk as Buffer);
      }
      digest.digest('hex');
      await h.close();
    },
  ],
  [
    'batched writev + XXH3, one write in flight',
    async (out) => {
      const h = await open(out, 'wx');
      const digest = await createXxh3();
      digest.init();
      let pending: Buffer[] = [];
      let inFlight: Promise<unknown> = Promise.resolve();
      for await (const chunk of createReadStream(source, { highWaterMark: 256 * 1024 })) {
        digest.update(chunk as Buffer);
        pending.push(chunk as Buffer);
        if (pending.reduce((n, c) => n + c.byteLength, 0) >= MiB) {
          await inFlight;
          const batch = pending;
          pending = [];
          inFlight = h.writev(batch);
        }
      }
      await inFlight;
      if (pending.length) await h.writev(pending);
      digest.digest('hex');
      await h.close();
    },
  ],
];

for (let rep = 0; rep < 4; rep++) {
  for (const [label, run] of variants) {
    const out = join(dir, 'out.bin');
    const t = await timed(() => run(out));
    await rm(out, { force: true });
    await storage.deleteObject('bench', 'large.bin');
    if (rep > 0)
      console.log(
        `${label.padEnd(44)} ${(bytes / MiB / (t.ms / 1000)).toFixed(0).padStart(6)} MiB/s  wall ${t.ms.toFixed(0).padStart(6)} ms  cpu ${t.cpuMs.toFixed(0).padStart(6)} ms`,
      );
  }
}
await rm(dir, { recursive: true, force: true });
