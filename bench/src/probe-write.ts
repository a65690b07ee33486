// How the local driver's large write should reach the disk: the same 1 GiB body written (a) by a
// raw stream pipeline, (b) by LocalStorage.putObject, and (c–g) by loops that mimic putObject's
// writeTemp (XXH3 digest of every chunk, `writev` of a batch once it holds enough bytes) with the
// batch size and the way it is written (synchronously, or through the thread pool with one batch
// in flight) varied.
//   tsx src/probe-write.ts [MiB] [file|generated]
// `file` streams a file from the disk (its reads go through the thread pool, 64 KiB at a time);
// `generated` a stream made in memory.
import { closeSync, createReadStream, createWriteStream, openSync, writevSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LocalStorage } from '@stowage/local';
import { createXxh3, generatedStream, KiB, MiB, makeFile, timed } from './util.js';

const bytes = Number(process.argv[2] ?? 1024) * MiB;
const from = process.argv[3] ?? 'file';
const dir = await mkdtemp(join(tmpdir(), 'stowage-bench-probe-'));
const source = join(dir, 'source.bin');
if (from === 'file') await makeFile(source, bytes);
const body = (): Readable => (from === 'file' ? createReadStream(source) : generatedStream(bytes));
const storage = new LocalStorage({ root: join(dir, 'store') });
await storage.createBucket('bench');

/** writeTemp's loop: hash each chunk, write a batch once `batchBytes` wait. */
function batched(batchBytes: number, how: 'sync' | 'pool') {
  return async (out: string) => {
    const digest = await createXxh3();
    digest.init();
    const handle = how === 'pool' ? await open(out, 'wx') : undefined;
    const fd = how === 'sync' ? openSync(out, 'wx') : -1;
    let queued: Buffer[] = [];
    let queuedBytes = 0;
    let position = 0;
    let inFlight: Promise<unknown> = Promise.resolve();
    const flush = async () => {
      await inFlight;
      if (handle) inFlight = handle.writev(queued, position);
      else writevSync(fd, queued, position);
      position += queuedBytes;
      queued = [];
      queuedBytes = 0;
    };
    for await (const chunk of body()) {
      digest.update(chunk as Buffer);
      queued.push(chunk as Buffer);
      queuedBytes += (chunk as Buffer).byteLength;
      if (queuedBytes >= batchBytes) await flush();
    }
    if (queuedBytes) await flush();
    await inFlight;
    digest.digest('hex');
    if (handle) await handle.close();
    else closeSync(fd);
  };
}

const variants: [string, (out: string) => Promise<unknown>][] = [
  ['raw pipeline', (out) => pipeline(body(), createWriteStream(out))],
  ['stowage putObject', () => storage.putObject('bench', 'large.bin', body())],
  ['pool writev 64 KiB, one in flight', batched(64 * KiB, 'pool')],
  ['pool writev 128 KiB, one in flight', batched(128 * KiB, 'pool')],
  ['sync writev 64 KiB', batched(64 * KiB, 'sync')],
  ['sync writev 128 KiB', batched(128 * KiB, 'sync')],
  ['sync writev 256 KiB', batched(256 * KiB, 'sync')],
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
