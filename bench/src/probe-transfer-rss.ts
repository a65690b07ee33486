// Peak RSS growth of one phase of the S3 RSS case on a fresh s3rver, in this process: stowage's
// upload of generated 64 KiB chunks, or its download to a sink (the object uploaded first, before
// the high-water mark is reset), or the raw SDK's. Run with --expose-gc.
//   tsx src/probe-transfer-rss.ts [up|down] [stowage|raw] [MiB]
import { readFileSync, writeFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { S3Storage } from '@stowage/s3';
import { rawS3Client } from './raw-s3.js';
import { startS3rver } from './servers.js';
import { generatedStream, MiB, quietSdkWarning, sink } from './util.js';

quietSdkWarning();
const phase = process.argv[2] ?? 'up';
const who = process.argv[3] ?? 'stowage';
const bytes = Number(process.argv[4] ?? 512) * MiB;
const status = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) * 1024;
const server = await startS3rver();
const { endpoint, credentials } = server.info;
const raw = await rawS3Client({ endpoint, credentials });
const storage = new S3Storage({ endpoint, credentials, ...(process.env.NO_MD5 ? { integrity: { contentMd5: false } } : {}) });
await raw.send(new CreateBucketCommand({ Bucket: 'rss' }));
const up = () =>
  who === 'raw'
    ? new Upload({ client: raw, params: { Bucket: 'rss', Key: 'x', Body: generatedStream(bytes) }, partSize: 8 * MiB, queueSize: 4 }).done()
    : storage.putObject('rss', 'x', generatedStream(bytes));
const down = async () => {
  const body =
    who === 'raw'
      ? ((await raw.send(new GetObjectCommand({ Bucket: 'rss', Key: 'x' }))).Body as Readable)
      : (await storage.getObject('rss', 'x')).body;
  await pipeline(body, sink());
};
if (phase === 'down') await up();
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
gc?.();
writeFileSync('/proc/self/clear_refs', '5');
const start = status('VmRSS');
await (phase === 'down' ? down() : up());
console.log(`${who} ${phase} ${bytes / MiB} MiB: peak RSS growth ${((status('VmHWM') - start) / MiB).toFixed(1)} MiB`);
storage.destroy();
await server.stop();
process.exit(0);
