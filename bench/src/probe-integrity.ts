// What the S3 driver's integrity checks cost: a 256 MiB GET of a single-part object through
// stowage with the MD5 check (and the length check), without it (length check only), and through
// the raw SDK client; and a 256 MiB multipart upload (8 MiB parts) with and without Content-MD5.
//
//   TSX_TSCONFIG_PATH=tsconfig.run.json node --import tsx src/probe-integrity.ts [s3rver|ceph] [MiB] [rounds]
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { S3Storage } from '@stowage/s3';
import type { Readable } from 'node:stream';
import { rawS3Client } from './raw-s3.js';
import { findCeph, startS3rver } from './servers.js';
import { MiB, quietSdkWarning } from './util.js';

quietSdkWarning();
const which = process.argv[2] ?? 's3rver';
const size = Number(process.argv[3] ?? 256) * MiB;
const rounds = Number(process.argv[4] ?? 3);
const srv = which === 'ceph' ? { info: (await findCeph())!, stop: async () => {} } : await startS3rver();
const { endpoint, credentials } = srv.info;
const raw = await rawS3Client({ endpoint, credentials });
const verified = new S3Storage({ endpoint, credentials });
const unverified = new S3Storage({
  endpoint,
  credentials,
  integrity: { verifyDownloads: false, contentMd5: false, checkUploadEtag: false },
});
const bucket = `probe-integrity-${process.pid}`;
await raw.send(new CreateBucketCommand({ Bucket: bucket }));
const body = Buffer.alloc(size);
for (let i = 0; i < size; i += 4) body.writeUInt32LE((i * 2654435761) >>> 0, i);
await raw.send(new PutObjectCommand({ Bucket: bucket, Key: 'big', Body: body }));

async function drain(stream: Readable | AsyncIterable<Uint8Array>): Promise<number> {
  let n = 0;
  for await (const chunk of stream as AsyncIterable<Uint8Array>) n += chunk.byteLength;
  return n;
}

const results = new Map<string, { wall: number[]; cpu: number[] }>();
async function time(label: string, run: () => Promise<unknown>) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const entry = results.get(label) ?? { wall: [], cpu: [] };
  entry.wall.push(wall);
  entry.cpu.push((c.user + c.system) / 1000);
  results.set(label, entry);
}

const cases: [string, () => Promise<unknown>][] = [
  ['GET raw SDK client', async () => drain((await raw.send(new GetObjectCommand({ Bucket: bucket, Key: 'big' }))).Body as Readable)],
  ['GET stowage, length check only', async () => drain((await unverified.getObject(bucket, 'big')).body)],
  ['GET stowage, MD5 + length (default)', async () => drain((await verified.getObject(bucket, 'big')).body)],
  ['PUT stowage multipart, no Content-MD5', () => unverified.putObject(bucket, 'up', body)],
  ['PUT stowage multipart, Content-MD5 (default)', () => verified.putObject(bucket, 'up', body)],
];
for (const [, run] of cases) await run(); // warm up
for (let round = 0; round < rounds; round++) for (const [label, run] of cases) await time(label, run);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
console.log(`${which}, ${size / MiB} MiB, median of ${rounds}`);
for (const [label, { wall, cpu }] of results) {
  const seconds = median(wall) / 1000;
  console.log(
    `${label.padEnd(46)} ${median(wall).toFixed(0).padStart(6)} ms wall  ${(size / MiB / seconds).toFixed(0).padStart(5)} MiB/s  ${median(cpu).toFixed(0).padStart(6)} ms cpu (this process)`,
  );
}
// Leave nothing behind: Ceph RGW frees deleted data only after its garbage collection (hours
// later by default), and a test cluster's small OSD fills up.
await verified.deleteObjects(bucket, ['big', 'up']);
await verified.deleteBucket(bucket);
verified.destroy();
unverified.destroy();
await srv.stop();
process.exit(0);
