// The servers' limitations are data with reasons (packages/testing): each names a real boolean
// capability, explains it, and is what the S3 storage under test then declares.
import { S3_CAPABILITIES } from '@stowage/core';
import { S3Storage } from '@stowage/s3';
import { CEPH_PROFILE, envTarget, S3RVER_PROFILE, serverProfile } from '@stowage/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';

describe('server profiles', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it.each([S3RVER_PROFILE, CEPH_PROFILE])('$name: every limitation is a boolean capability with a reason, declared false', (profile) => {
    for (const [capability, reason] of Object.entries(profile.lacks)) {
      expect(typeof S3_CAPABILITIES[capability as keyof typeof S3_CAPABILITIES], capability).toBe('boolean');
      expect(reason.length, capability).toBeGreaterThan(10);
    }
    expect(Object.keys(profile.capabilities).sort()).toEqual(Object.keys(profile.lacks).sort());
    expect(Object.values(profile.capabilities).every((v) => v === false)).toBe(true);
  });

  it('the S3 storage declares a profile as its capabilities', () => {
    const storage = new S3Storage({
      endpoint: 'http://127.0.0.1:1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      capabilities: S3RVER_PROFILE.capabilities,
    });
    expect(storage.capabilities).toEqual({ ...S3_CAPABILITIES, ...S3RVER_PROFILE.capabilities });
    // The driver re-checks read conditions itself, so s3rver ignoring If-Match on GET costs nothing.
    expect(storage.capabilities.conditionalGet).toBe(true);
    storage.destroy();
  });

  it('refuses a name that is no boolean capability', () => {
    expect(() => serverProfile('x', { maxKeyBytes: 'a number' } as never, { verifiesSignatures: true })).toThrow(
      /not a boolean capability/,
    );
    expect(() => serverProfile('x', { largeBodies: 'an option' } as never, { verifiesSignatures: true })).toThrow(
      /not a boolean capability/,
    );
  });

  it('envTarget reads STOWAGE_S3_LIMITATIONS in capability names and refuses others', () => {
    vi.stubEnv('STOWAGE_S3_ENDPOINT', 'http://127.0.0.1:9');
    vi.stubEnv('STOWAGE_S3_LIMITATIONS', JSON.stringify({ exclusiveCreateBucket: 'AWS us-east-1 answers 200 to re-creating a bucket' }));
    vi.stubEnv('STOWAGE_S3_LARGE_BODIES', 'false');
    const target = envTarget();
    expect(target.skip).toBeUndefined();
    expect(target.profile.capabilities).toEqual({ exclusiveCreateBucket: false });
    expect(target.profile.lacks.exclusiveCreateBucket).toMatch(/us-east-1/);
    expect(target.largeBodies).toBe(false);
    vi.stubEnv('STOWAGE_S3_LIMITATIONS', JSON.stringify({ paginationOrder: 'an old contract feature name' }));
    expect(() => envTarget()).toThrow(/"paginationOrder" is not a boolean capability/);
  });
});
