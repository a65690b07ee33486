// S3 upload of one file: stowage's putObject (with and without Content-MD5 on its parts) against
// the raw SDK's Upload, alternately, on a fresh s3rver or on Ceph RGW when it answers.
//   tsx src/probe-transfer-upload.ts [MiB] [times] [s3rver|ceph] [variants, comma-separated]
import { createReadStream } from 'node:fs';
import { Upload } from '@aws-sdk/lib-storage';
import { probeTarget, runAlternately } from './probe-s3-target.js';
import { MiB } from './util.js';

const target = await probeTarget('upload');
const { raw, bucket, source } = target;
const storage = target.stowage();
const noMd5 = target.stowage({ integrity: { contentMd5: false } });

const variants: Record<string, () => Promise<unknown>> = {
  stowage: () => storage.putObject(bucket, 'a.bin', createReadStream(source)),
  'stowage-no-md5': () => noMd5.putObject(bucket, 'b.bin', createReadStream(source)),
  raw: () =>
    new Upload({
      client: raw,
      params: { Bucket: bucket, Key: 'c.bin', Body: createReadStream(source) },
      partSize: 8 * MiB,
      queueSize: 4,
    }).done(),
};
await runAlternately(variants, target.times, target.only);
await target.close();
