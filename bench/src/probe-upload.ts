// Profiles S3 uploads on a fresh s3rver: stowage's putObject and the raw SDK's Upload of the same
// file, alternately (run with node --cpu-prof, then profile-summary.ts).
//   tsx src/probe-upload.ts [MiB] [times]
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { S3Storage } from '@stowage/s3';
import { rawS3Client } from './raw-s3.js';
import { startS3rver } from './servers.js';
import { makeFile, MiB, quietSdkWarning, timed } from './util.js';

quietSdkWarning();
const bytes = Number(process.argv[2] ?? 128) * MiB;
const times = Number(process.argv[3] ?? 3);
const dir = await mkdtemp(join(tmpdir(), 'stowage-bench-probe-'));
const source = join(dir, 'source.bin');
await makeFile(source, bytes);
const server = await startS3rver();
const { endpoint, credentials } = server.info;
const raw = await rawS3Client({ endpoint, credentials });
const storage = new S3Storage({ endpoint, credentials });
await raw.send(new CreateBucketCommand({ Bucket: 'probe' }));
for (let i = 0; i < times; i++) {
  const a = await timed(() => storage.putObject('probe', 'a.bin', createReadStream(source)));
  const b = await timed(() =>
    new Upload({
      client: raw,
      params: { Bucket: 'probe', Key: 'b.bin', Body: createReadStream(source) },
      partSize: 8 * MiB,
      queueSize: 4,
    }).done(),
  );
  console.log(`stowage ${a.ms.toFixed(0)} ms (cpu ${a.cpuMs.toFixed(0)})   raw Upload ${b.ms.toFixed(0)} ms (cpu ${b.cpuMs.toFixed(0)})`);
}
await server.stop();
await rm(dir, { recursive: true, force: true });
process.exit(0);
