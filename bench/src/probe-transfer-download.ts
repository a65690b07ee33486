// downloadFile (ranged ×4, or one stream) against one raw GetObject stream to a file (+ fsync), on
// a fresh s3rver or on Ceph RGW when it answers, alternately; wall and CPU per variant.
//   tsx src/probe-transfer-download.ts [MiB] [times] [s3rver|ceph] [variants, comma-separated]
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { downloadFile } from '@stowage/core';
import { S3Storage } from '@stowage/s3';
import { findCeph, startS3rver } from './servers.js';
import { makeFile, MiB, quietSdkWarning, timed } from './util.js';

quietSdkWarning();
const bytes = Number(process.argv[2] ?? 256) * MiB;
const times = Number(process.argv[3] ?? 3);
const where = process.argv[4] ?? 's3rver';
const only = process.argv[5]?.split(',');
const dir = await mkdtemp(join(tmpdir(), 'stowage-bench-probe-'));
const source = join(dir, 'source.bin');
await makeFile(source, bytes);
const server = where === 'ceph' ? undefined : await startS3rver();
const info = server ? server.info : await findCeph();
if (!info) throw new Error('Ceph RGW does not answer');
const { endpoint, credentials } = info;
const raw = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
const storage = new S3Storage({ endpoint, credentials });
const bucket = `probe-download-${process.pid}`;
await raw.send(new CreateBucketCommand({ Bucket: bucket }));
await storage.putObject(bucket, 'big.bin', createReadStream(source));
const out = join(dir, 'out.bin');

async function single(sync: boolean) {
  const got = await raw.send(new GetObjectCommand({ Bucket: bucket, Key: 'big.bin' }));
  await pipeline(got.Body as Readable, createWriteStream(out));
  if (sync) {
    const handle = await open(out, 'r+');
    await handle.sync();
    await handle.close();
  }
}
const variants: Record<string, () => Promise<unknown>> = {
  ranged: () => downloadFile(storage, bucket, 'big.bin', out, { concurrency: 4, partSize: 8 * MiB }),
  ranged16: () => downloadFile(storage, bucket, 'big.bin', out, { concurrency: 4, partSize: 16 * MiB }),
  ranged32: () => downloadFile(storage, bucket, 'big.bin', out, { concurrency: 4, partSize: 32 * MiB }),
  ranged2: () => downloadFile(storage, bucket, 'big.bin', out, { concurrency: 2, partSize: 8 * MiB }),
  ranged64: () => downloadFile(storage, bucket, 'big.bin', out, { concurrency: 4, partSize: 64 * MiB }),
  whole: () => downloadFile(storage, bucket, 'big.bin', out, { multipartThreshold: Number.MAX_SAFE_INTEGER }),
  raw: () => single(false),
  'raw+fsync': () => single(true),
};
const names = Object.keys(variants).filter((n) => !only || only.includes(n));
const results: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
for (let i = 0; i < times; i++) {
  const order = [...names.slice(i % names.length), ...names.slice(0, i % names.length)];
  const line: string[] = [];
  for (const name of order) {
    await rm(out, { force: true });
    const t = await timed(variants[name]!);
    results[name]!.push(t.ms);
    line.push(`${name} ${t.ms.toFixed(0)} ms (cpu ${t.cpuMs.toFixed(0)})`);
  }
  console.log(line.join('   '));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base = median(results['raw'] ?? results[names[0]!]!);
for (const name of names) console.log(`${name}: median ${median(results[name]!).toFixed(0)} ms, ×${(base / median(results[name]!)).toFixed(2)} of raw`);
storage.destroy();
await server?.stop();
await rm(dir, { recursive: true, force: true });
process.exit(0);
