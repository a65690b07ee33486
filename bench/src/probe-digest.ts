// What integrity costs, in CPU: the digests the drivers compute on every byte they write and on
// every full read. XXH3-128 (hash-wasm) is the local and memory drivers' ETag and check; MD5
// (node:crypto) is what S3's Content-MD5 and single-part ETags need. Each hashes the same bytes in
// 64 KiB chunks, as the drivers see them; the figure is CPU time per GiB, to set beside a case's
// time per GiB in docs/benchmarks.md.
//   tsx src/probe-digest.ts [MiB]
import { createHash } from 'node:crypto';
import { cpuUsage } from 'node:process';
import { createXxh3, KiB, MiB, randomBlock } from './util.js';

const bytes = Number(process.argv[2] ?? 1024) * MiB;
const block = randomBlock();
const chunks: Buffer[] = [];
for (let offset = 0; offset + 64 * KiB <= block.byteLength; offset += 64 * KiB) chunks.push(block.subarray(offset, offset + 64 * KiB));

async function measure(name: string, run: (feed: (update: (c: Uint8Array) => void) => void) => void): Promise<void> {
  const samples: number[] = [];
  for (let rep = 0; rep < 4; rep++) {
    const start = cpuUsage();
    run((update) => {
      for (let done = 0, i = 0; done < bytes; done += 64 * KiB, i = (i + 1) % chunks.length) update(chunks[i] as Buffer);
    });
    const used = cpuUsage(start);
    if (rep > 0) samples.push((used.user + used.system) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const seconds = samples[1] as number;
  const perGiB = (seconds * 1024 * MiB) / bytes;
  console.log(`${name.padEnd(22)} ${(bytes / MiB / seconds).toFixed(0).padStart(6)} MiB/s  ${perGiB.toFixed(2)} s CPU per GiB`);
}

const xxh = await createXxh3();
await measure('XXH3-128 (hash-wasm)', (feed) => {
  xxh.init();
  feed((c) => xxh.update(c));
  xxh.digest('hex');
});
await measure('MD5 (node:crypto)', (feed) => {
  const md5 = createHash('md5');
  feed((c) => md5.update(c));
  md5.digest('hex');
});
