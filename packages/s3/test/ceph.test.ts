// The S3-only tests against Ceph RADOS Gateway: runs when STOWAGE_CEPH_ENDPOINT is set (CI sets it
// after scripts/ceph-rgw/start.sh), skipped with the reason otherwise.
import { describe, it } from 'vitest';
import { cephTarget } from '@stowage/testing';
import { describeS3Behaviour } from './specific/behaviour.ts';

const ceph = cephTarget();

if (ceph.skip) {
  describe('S3Storage on Ceph RGW', () => {
    it.skip(`skipped: ${ceph.skip}`, () => undefined);
  });
} else {
  describe('S3Storage on Ceph RGW', () => {
    describeS3Behaviour(ceph.profile, () => ceph.options);
  });
}
