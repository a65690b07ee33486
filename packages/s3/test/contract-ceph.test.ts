// The shared contract suite against Ceph RADOS Gateway (Debian's 16.2), the full suite, conditional
// writes and multipart abort included. Runs when STOWAGE_CEPH_ENDPOINT is set: CI starts RGW with
// scripts/ceph-rgw/start.sh and sets it; locally see packages/s3/README.md. Skipped (with the
// reason) otherwise. Every bucket is checked for open multipart uploads before it is deleted.
import { describeStorageContract } from '@stowage/contract';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTRACT_TRANSFER, UNKNOWN_CREDENTIALS } from './servers/contract-options.ts';
import { LeakCheckingS3Storage, leakedUploads } from './servers/leak-check.ts';
import { cephTarget } from '@stowage/testing';

const ceph = cephTarget();

if (ceph.skip) {
  describe('stowage contract: s3 on Ceph RGW', () => {
    it.skip(`skipped: ${ceph.skip}`, () => undefined);
  });
} else {
  const storages: LeakCheckingS3Storage[] = [];
  const make = (options: ConstructorParameters<typeof LeakCheckingS3Storage>[0]) => {
    const s = new LeakCheckingS3Storage(options);
    storages.push(s);
    return s;
  };
  afterAll(() => {
    for (const s of storages) s.destroy();
    expect(leakedUploads).toEqual([]);
  });

  describeStorageContract(
    's3 on Ceph RGW',
    // What Ceph lacks (CEPH_PROFILE: U+0000 in keys) is declared on the storage, so the driver
    // rejects such keys itself (InvalidKey), as the contract expects then.
    () => make({ ...ceph.options, ...CONTRACT_TRANSFER, capabilities: ceph.profile.capabilities }),
    {
      bucketPrefix: 'stowage-ceph',
      deniedStorage: () => make({ ...ceph.options, credentials: UNKNOWN_CREDENTIALS }),
      reasons: ceph.profile.lacks,
    },
  );
}
