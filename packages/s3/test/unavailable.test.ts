// Throttling and 5xx → Unavailable, after the SDK's retries. No S3 server can be made to throttle
// on demand, so a plain HTTP server answers every request with S3's error XML; the client, its
// retry strategy and the driver are the real ones.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Storage } from '@stowage/s3';
import { StorageError } from '@stowage/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@stowage/testing';

const CREDENTIALS = { accessKeyId: 'TESTKEY', secretAccessKey: 'test-secret-never-shown' };

function s3Error(status: number, code: string): { server: Server; requests: () => number; endpoint: () => string } {
  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    req.resume();
    req.on('end', () => {
      const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code} from the test server</Message><RequestId>r${requests}</RequestId></Error>`;
      res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  });
  return {
    server,
    requests: () => requests,
    endpoint: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  };
}

async function failure(promise: Promise<unknown>): Promise<StorageError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StorageError);
  return error as StorageError;
}

describe.each([
  [503, 'SlowDown'],
  [503, 'ServiceUnavailable'],
  [500, 'InternalError'],
  [429, 'TooManyRequests'],
])('HTTP %i %s', (status, code) => {
  const target = s3Error(status, code);
  beforeAll(() => new Promise<void>((resolve) => target.server.listen(0, '127.0.0.1', resolve)));
  afterAll(() => new Promise<void>((resolve) => target.server.close(() => resolve())));

  it('is Unavailable after the SDK retried, with the SDK error as cause and no secret in the message', async () => {
    const storage = new S3Storage({ endpoint: target.endpoint(), credentials: CREDENTIALS, maxAttempts: 2 });
    try {
      const before = target.requests();
      const e = await failure(storage.getObject('bucket', 'key'));
      expect(e.code).toBe('Unavailable');
      expect(target.requests() - before).toBe(2);
      expect((e.cause as { name?: string }).name).toBe(code);
      expect(e.message).toContain(code);
      expect(e.message).not.toContain(CREDENTIALS.secretAccessKey);
      expect((await failure(storage.putObject('bucket', 'key', 'x'))).code).toBe('Unavailable');
      expect((await failure(storage.headObject('bucket', 'key'))).code).toBe('Unavailable');
    } finally {
      storage.destroy();
    }
  }, 30_000);
});

describe('an unreachable endpoint', () => {
  it('is Unavailable', async () => {
    const port = await freePort();
    const storage = new S3Storage({ endpoint: `http://127.0.0.1:${port}`, credentials: CREDENTIALS, maxAttempts: 2 });
    try {
      const e = await failure(storage.listBuckets());
      expect(e.code).toBe('Unavailable');
      expect(e.cause).toBeDefined();
    } finally {
      storage.destroy();
    }
  });
});
