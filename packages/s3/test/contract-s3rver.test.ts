// The shared contract suite against s3rver 3.7.1, started here on a free port of 127.0.0.1 in every
// run (no set-up). s3rver is a fast smoke server, not an oracle: what it cannot do is declared on
// the storage (S3RVER_PROFILE in @stowage/testing, each capability with the reason, which the skip
// titles quote); Ceph RGW runs the whole suite (contract-ceph).
import { describeStorageContract } from '@stowage/contract';
import { S3Storage } from '@stowage/s3';
import { afterAll } from 'vitest';
import { CONTRACT_TRANSFER, UNKNOWN_CREDENTIALS } from './servers/contract-options.ts';
import { type S3rver, S3RVER_PROFILE, startS3rver } from '@stowage/testing';

let server: S3rver | undefined;
const storages: S3Storage[] = [];
afterAll(async () => {
  for (const s of storages) s.destroy();
  await server?.stop();
});

function storage(credentials: { accessKeyId: string; secretAccessKey: string }, endpoint: string): S3Storage {
  const s = new S3Storage({
    endpoint,
    credentials,
    ...CONTRACT_TRANSFER,
    capabilities: S3RVER_PROFILE.capabilities,
  });
  storages.push(s);
  return s;
}

describeStorageContract(
  's3 on s3rver 3.7.1',
  async () => {
    server = await startS3rver();
    return storage(server.credentials, server.endpoint);
  },
  {
    bucketPrefix: 'stowage-s3rver',
    deniedStorage: () => storage(UNKNOWN_CREDENTIALS, (server as S3rver).endpoint),
    reasons: S3RVER_PROFILE.lacks,
  },
);
