import { HeadObjectCommand, PutObjectCommand, GetObjectCommand, ListObjectsV2Command, CreateBucketCommand } from '@aws-sdk/client-s3';
import { S3Storage } from '@stowage/s3';
import { rawS3Client } from './raw-s3.js';
import { findCeph, startS3rver } from './servers.js';
import { quietSdkWarning } from './util.js';
quietSdkWarning();
const which = process.argv[2] ?? 's3rver';
const srv = which === 'ceph' ? { info: (await findCeph())!, stop: async () => {} } : await startS3rver();
const { endpoint, credentials } = srv.info;
const raw = await rawS3Client({ endpoint, credentials });
const st = new S3Storage({ endpoint, credentials });
const bucket = `probe-${process.pid}`;
await raw.send(new CreateBucketCommand({ Bucket: bucket }));
const body = Buffer.alloc(4096, 7);
for (let i = 0; i < 50; i++) await raw.send(new PutObjectCommand({ Bucket: bucket, Key: `k${i}`, Body: body }));
const N = 200;
async function t(label: string, fn: (i: number) => Promise<unknown>) {
  for (let i = 0; i < 20; i++) await fn(i % 50);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await fn(i % 50);
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  console.log(label.padEnd(40), (ms / N).toFixed(2), 'ms/op wall', ((c.user + c.system) / 1000 / N).toFixed(2), 'ms/op cpu');
}
for (let round = 0; round < 2; round++) {
  await t('head: raw default client', (i) => raw.send(new HeadObjectCommand({ Bucket: bucket, Key: `k${i}` })));
  await t('head: stowage client, raw command', (i) => st.client.send(new HeadObjectCommand({ Bucket: bucket, Key: `k${i}` })));
  await t('head: stowage headObject', (i) => st.headObject(bucket, `k${i}`));
  await t('get: raw default client', async (i) =>
    (await raw.send(new GetObjectCommand({ Bucket: bucket, Key: `k${i}` }))).Body!.transformToByteArray(),
  );
  await t('get: stowage client, raw command', async (i) =>
    (await st.client.send(new GetObjectCommand({ Bucket: bucket, Key: `k${i}` }))).Body!.transformToByteArray(),
  );
  await t('get: stowage getObject+bytes', async (i) => (await st.getObject(bucket, `k${i}`)).bytes());
  await t('list: raw', () => raw.send(new ListObjectsV2Command({ Bucket: bucket })));
  await t('list: raw url-encoded', () => raw.send(new ListObjectsV2Command({ Bucket: bucket, EncodingType: 'url' })));
  await t('list: stowage', async () => {
    for await (const _ of st.listObjects(bucket)) {
    }
  });
}
await srv.stop();
process.exit(0);
