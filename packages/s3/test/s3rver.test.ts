// The S3-only tests against s3rver, which every test run starts on 127.0.0.1 (no set-up needed).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type S3rver, S3RVER_PROFILE, startS3rver } from '@stowage/testing';
import { describeS3Behaviour } from './specific/behaviour.ts';

let server: S3rver | undefined;
beforeAll(async () => {
  server = await startS3rver();
});
afterAll(async () => {
  await server?.stop();
});

describe('S3Storage on s3rver 3.7.1', () => {
  describeS3Behaviour(S3RVER_PROFILE, () => {
    if (!server) throw new Error('s3rver did not start');
    return { endpoint: server.endpoint, credentials: server.credentials };
  });
});

describe('a real 5xx from s3rver', () => {
  it('is Unavailable after the SDK retried it (s3rver answers 500 InternalError to a key holding U+0000)', async () => {
    if (!server) throw new Error('s3rver did not start');
    const { S3Storage } = await import('@stowage/s3');
    const storage = new S3Storage({ endpoint: server.endpoint, credentials: server.credentials, maxAttempts: 2 });
    try {
      await storage.createBucket('stowage-s3rver-5xx');
      const error = await storage.putObject('stowage-s3rver-5xx', 'nul\u0000key', 'x').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: 'Unavailable' });
      const cause = (error as { cause?: { $metadata?: { httpStatusCode?: number; attempts?: number } } }).cause;
      expect(cause?.$metadata?.httpStatusCode).toBe(500);
      expect(cause?.$metadata?.attempts).toBe(2);
      await storage.deleteBucket('stowage-s3rver-5xx');
    } finally {
      storage.destroy();
    }
  });
});
