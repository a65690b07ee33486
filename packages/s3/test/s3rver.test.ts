// The S3-only tests against s3rver, which every test run starts on 127.0.0.1 (no set-up needed).
import { afterAll, beforeAll, describe } from 'vitest';
import { startS3rver, type S3rver } from './servers/s3rver.ts';
import { describeS3Behaviour } from './specific/behaviour.ts';

let server: S3rver | undefined;
beforeAll(async () => {
  server = await startS3rver();
});
afterAll(async () => {
  await server?.stop();
});

describe('S3Storage on s3rver 3.7.1', () => {
  describeS3Behaviour(
    {
      name: 's3rver 3.7.1',
      listMultipartUploads: false,
      abortMultipartUpload: false,
      conditionalPut: false,
      uploadPartCopy: false,
      verifiesSignatures: false,
      multipartEtag: false,
      durableAck: false,
    },
    () => {
      if (!server) throw new Error('s3rver did not start');
      return { endpoint: server.endpoint, credentials: server.credentials };
    },
  );
});
