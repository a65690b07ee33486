// Small-request latency of S3Storage with its default HTTP agent (keep-alive, TCP_NODELAY) against
// the SDK's own default agent. Usage (from the repo root, a server running):
//   npx tsx packages/s3/test/bench/latency.ts http://127.0.0.1:7480 [accessKey] [secretKey]
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { S3Storage } from '@stowage/s3';

const [endpoint = 'http://127.0.0.1:7480', accessKeyId = 'S3RVER', secretAccessKey = 'S3RVER'] = process.argv.slice(2);
const credentials = { accessKeyId, secretAccessKey };
const bucket = `stowage-bench-${Date.now().toString(36)}`;
const ROUNDS = 50;

async function time(label: string, client: S3Client, key: string): Promise<void> {
  const samples: number[] = [];
  for (let i = 0; i < ROUNDS + 5; i++) {
    const started = process.hrtime.bigint();
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    await out.Body?.transformToByteArray();
    if (i >= 5) samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)] ?? 0;
  console.log(`${label.padEnd(38)} median ${median.toFixed(1)} ms, p90 ${(samples[Math.floor(samples.length * 0.9)] ?? 0).toFixed(1)} ms`);
}

const ours = new S3Storage({ endpoint, credentials });
const sdkDefault = new S3Client({
  endpoint,
  credentials,
  region: 'us-east-1',
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});
await ours.createBucket(bucket);
try {
  for (const size of [4 * 1024, 100_000]) {
    await ours.putObject(bucket, `k${size}`, new Uint8Array(size));
    await time(`GET ${size} B, SDK default agent`, sdkDefault, `k${size}`);
    await time(`GET ${size} B, keepAlive + noDelay agent`, ours.client, `k${size}`);
  }
} finally {
  await ours.deleteObjects(bucket, ['k4096', 'k100000']);
  await ours.deleteBucket(bucket);
  ours.destroy();
  sdkDefault.destroy();
}
