// S3 upload of one file: stowage's putObject (with and without Content-MD5 on its parts) against
// the raw SDK's Upload, alternately, on a fresh s3rver or on Ceph RGW when it answers.
//   tsx src/probe-transfer-upload.ts [MiB] [times] [s3rver|ceph] [variants, comma-separated]
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
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
const noMd5 = new S3Storage({ endpoint, credentials, integrity: { contentMd5: false } });
const bucket = `probe-upload-${process.pid}`;
await raw.send(new CreateBucketCommand({ Bucket: bucket }));

const variants: Record<string, () => Promise<unknown>> = {
  stowage: () => storage.putObject(bucket, 'a.bin', createReadStream(source)),
  'stowage-no-md5': () => noMd5.putObject(bucket, 'b.bin', createReadStream(source)),
  raw: () => new Upload({ client: raw, params: { Bucket: bucket, Key: 'c.bin', Body: createReadStream(source) }, partSize: 8 * MiB, queueSize: 4 }).done(),
};
const names = Object.keys(variants).filter((n) => !only || only.includes(n));
const results: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
for (let i = 0; i < times; i++) {
  const order = [...names.slice(i % names.length), ...names.slice(0, i % names.length)];
  const line: string[] = [];
  for (const name of order) {
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
noMd5.destroy();
await server?.stop();
await rm(dir, { recursive: true, force: true });
process.exit(0);
