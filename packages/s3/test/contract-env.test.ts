// The shared contract suite against any S3 endpoint named by the environment: AWS itself, R2, a
// MinIO or Ceph of your own. Off unless STOWAGE_S3_ENDPOINT or STOWAGE_S3_REGION is set; the
// variables are listed in envTarget (packages/testing/src/s3-targets.ts) and packages/s3/README.md. Credentials come from the
// SDK's default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ...), never a file here.
import { describeStorageContract } from '@stowage/contract';
import { S3Storage } from '@stowage/s3';
import { afterAll, describe, it } from 'vitest';
import { CONTRACT_TRANSFER, UNKNOWN_CREDENTIALS } from './servers/contract-options.ts';
import { envTarget } from '@stowage/testing';

const target = envTarget();

if (target.skip) {
  describe('stowage contract: s3 on an endpoint from the environment', () => {
    it.skip(`skipped: ${target.skip}`, () => undefined);
  });
} else {
  const storages: S3Storage[] = [];
  const make = (extra: Partial<ConstructorParameters<typeof S3Storage>[0]> = {}) => {
    const s = new S3Storage({ ...target.options, ...CONTRACT_TRANSFER, capabilities: target.profile.capabilities, ...extra });
    storages.push(s);
    return s;
  };
  afterAll(() => {
    for (const s of storages) s.destroy();
  });
  const where = target.options.endpoint ?? `AWS ${target.options.region ?? ''}`.trim();
  describeStorageContract(`s3 on ${where}`, () => make(), {
    bucketPrefix: target.bucketPrefix,
    deniedStorage: () => make({ credentials: UNKNOWN_CREDENTIALS }),
    reasons: target.profile.lacks,
    largeBodies: target.largeBodies,
  });
}
