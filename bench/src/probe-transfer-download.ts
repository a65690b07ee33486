// downloadFile (ranged ×4, or one stream) against one raw GetObject stream to a file (+ fsync), on
// a fresh s3rver or on Ceph RGW when it answers, alternately; wall and CPU per variant.
//   tsx src/probe-transfer-download.ts [MiB] [times] [s3rver|ceph] [variants, comma-separated]
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { downloadFile } from '@stowage/core';
import { probeTarget, runAlternately } from './probe-s3-target.js';
import { MiB } from './util.js';

const target = await probeTarget('download');
const { raw, bucket, source, dir } = target;
const storage = target.stowage();
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
await runAlternately(variants, target.times, target.only, () => rm(out, { force: true }));
await target.close();
