// The S3 driver's integrity checks against a tiny scripted HTTP server (no S3 server needed):
// Content-MD5 on uploads and what happens when the server rejects it or answers another ETag, the
// MD5 and length checks of response bodies, the cases that are not verifiable, and the retry and
// timeout defaults of the client the driver builds.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { isStorageError } from '@stowage/core';
import { S3Storage, clientConfigFor } from '@stowage/s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

type Handler = (req: Seen, res: ServerResponse, index: number) => void;

let server: Server;
let endpoint: string;
let handler: Handler = (_req, res) => res.end();
let seen: Seen[] = [];
const storages: S3Storage[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      seen.push(entry);
      handler(entry, res, seen.length - 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterEach(() => {
  seen = [];
  for (const s of storages.splice(0)) s.destroy();
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
function storage(options: ConstructorParameters<typeof S3Storage>[0] = {}): S3Storage {
  const s = new S3Storage({ endpoint, credentials, maxAttempts: 3, ...options });
  storages.push(s);
  return s;
}

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest();
const quoted = (hex: string) => `"${hex}"`;
const s3Error = (res: ServerResponse, status: number, code: string) => {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`);
};
/** Answers a PUT with the MD5 of what arrived, as S3 does. */
const honestPut: Handler = (req, res) => {
  res.writeHead(200, { etag: quoted(md5(req.body).toString('hex')) });
  res.end();
};

describe('uploads', () => {
  it('send Content-MD5 of the body with PutObject', async () => {
    handler = honestPut;
    const body = Buffer.from('hello, integrity');
    await storage().putObject('bucket', 'key', body);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.headers['content-md5']).toBe(md5(body).toString('base64'));
  });

  it('send Content-MD5 with every UploadPart of a multipart upload', async () => {
    handler = (req, res) => {
      if (req.method === 'POST' && req.url.includes('uploads')) {
        res.writeHead(200, { 'content-type': 'application/xml' });
        return res.end(
          '<InitiateMultipartUploadResult><Bucket>bucket</Bucket><Key>key</Key><UploadId>u1</UploadId></InitiateMultipartUploadResult>',
        );
      }
      if (req.method === 'POST') {
        res.writeHead(200, { 'content-type': 'application/xml' });
        return res.end('<CompleteMultipartUploadResult><ETag>"abc-2"</ETag></CompleteMultipartUploadResult>');
      }
      honestPut(req, res, 0);
    };
    const body = Buffer.alloc(6 * 1024 * 1024, 7);
    await storage({ multipartThreshold: 5 * 1024 * 1024, partSize: 5 * 1024 * 1024 }).putObject('bucket', 'key', body);
    const parts = seen.filter((r) => r.method === 'PUT');
    expect(parts).toHaveLength(2);
    for (const part of parts) expect(part.headers['content-md5']).toBe(md5(part.body).toString('base64'));
  });

  it('retry a BadDigest with the same bytes and the same Content-MD5', async () => {
    handler = (req, res, index) => (index === 0 ? s3Error(res, 400, 'BadDigest') : honestPut(req, res, index));
    const body = Buffer.from('resend me exactly');
    const result = await storage().putObject('bucket', 'key', body);
    expect(result.etag).toBe(quoted(md5(body).toString('hex')));
    expect(seen).toHaveLength(2);
    expect(seen[1]?.headers['content-md5']).toBe(seen[0]?.headers['content-md5']);
    expect(seen[1]?.body.equals(body)).toBe(true);
  });

  it('retry when the server answers an ETag that is not the MD5 sent, and reject ChecksumMismatch once attempts run out', async () => {
    handler = (req, res, index) => {
      if (index === 0) {
        res.writeHead(200, { etag: quoted('0'.repeat(32)) });
        return res.end();
      }
      honestPut(req, res, index);
    };
    await storage().putObject('bucket', 'key', Buffer.from('x'));
    expect(seen).toHaveLength(2);

    seen = [];
    handler = (_req, res) => {
      res.writeHead(200, { etag: quoted('0'.repeat(32)) });
      res.end();
    };
    const error = await storage()
      .putObject('bucket', 'key', Buffer.from('x'))
      .catch((e: unknown) => e);
    expect(isStorageError(error, 'ChecksumMismatch'), String(error)).toBe(true);
    expect(seen).toHaveLength(3);
  });

  it('do not compare ETags of KMS-encrypted objects, or when told not to', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { etag: quoted('1'.repeat(32)), 'x-amz-server-side-encryption': 'aws:kms' });
      res.end();
    };
    await storage().putObject('bucket', 'key', Buffer.from('x'));
    handler = (_req, res) => {
      res.writeHead(200, { etag: quoted('1'.repeat(32)) });
      res.end();
    };
    await storage({ integrity: { checkUploadEtag: false } }).putObject('bucket', 'key', Buffer.from('x'));
    expect(seen).toHaveLength(2);
  });

  it('leave out Content-MD5 when told to', async () => {
    handler = honestPut;
    await storage({ integrity: { contentMd5: false } }).putObject('bucket', 'key', Buffer.from('x'));
    expect(seen[0]?.headers['content-md5']).toBeUndefined();
  });

  it('never change a client the caller passed in', async () => {
    handler = honestPut;
    const client = new S3Client({ endpoint, credentials, region: 'us-east-1', forcePathStyle: true });
    const before = client.middlewareStack.identify();
    const s = new S3Storage({ client });
    await s.putObject('bucket', 'key', Buffer.from('via storage'));
    expect(seen[0]?.headers['content-md5']).toBeDefined();
    expect(client.middlewareStack.identify()).toEqual(before);
    // The raw client keeps the SDK's own behaviour.
    await client.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'key', Body: Buffer.from('raw') }));
    expect(seen[1]?.headers['content-md5']).toBeUndefined();
    client.destroy();
  });
});

describe('downloads', () => {
  const object = Buffer.from('0123456789'.repeat(1000));
  const serve =
    (body: Buffer, headers: Record<string, string> = {}, declared = body.length): Handler =>
    (_req, res) => {
      res.writeHead(200, { 'content-length': String(declared), etag: quoted(md5(object).toString('hex')), ...headers });
      if (declared > body.length) {
        res.write(body);
        setTimeout(() => res.socket?.destroy(), 20);
      } else res.end(body);
    };
  const flipped = Buffer.from(object);
  flipped[4321] = (flipped[4321] as number) ^ 1;

  it('return the bytes of a full read that matches its ETag', async () => {
    handler = serve(object);
    const result = await storage().getObject('bucket', 'key');
    expect(Buffer.from(await result.bytes()).equals(object)).toBe(true);
  });

  it('fail a full read whose MD5 differs from the ETag with ChecksumMismatch, before the stream ends', async () => {
    handler = serve(flipped);
    const result = await storage().getObject('bucket', 'key');
    let ended = false;
    result.body.on('end', () => (ended = true));
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    const error = await pipeline(result.body, sink).catch((e: unknown) => e);
    expect(isStorageError(error, 'ChecksumMismatch'), String(error)).toBe(true);
    expect(ended).toBe(false);
    expect((error as Error).message).toContain('bucket/key');
  });

  it('fail a body cut short of its Content-Length with Unavailable', async () => {
    handler = serve(object.subarray(0, 5000), {}, object.length);
    const result = await storage().getObject('bucket', 'key');
    const error = await result.bytes().catch((e: unknown) => e);
    expect(isStorageError(error, 'Unavailable'), String(error)).toBe(true);
  });

  it('cannot check a multipart object, a KMS-encrypted one, a range, or with verifyDownloads off (documented)', async () => {
    handler = serve(flipped, { etag: '"0123456789abcdef0123456789abcdef-2"' });
    expect(Buffer.from(await (await storage().getObject('bucket', 'key')).bytes()).equals(flipped)).toBe(true);
    handler = serve(flipped, { 'x-amz-server-side-encryption': 'aws:kms' });
    expect(Buffer.from(await (await storage().getObject('bucket', 'key')).bytes()).equals(flipped)).toBe(true);
    handler = serve(flipped);
    expect(
      Buffer.from(await (await storage({ integrity: { verifyDownloads: false } }).getObject('bucket', 'key')).bytes()).equals(flipped),
    ).toBe(true);
    handler = (_req, res) => {
      const part = flipped.subarray(4000, 5000);
      res.writeHead(206, {
        'content-length': String(part.length),
        'content-range': `bytes 4000-4999/${object.length}`,
        etag: quoted(md5(object).toString('hex')),
      });
      res.end(part);
    };
    const ranged = await storage().getObject('bucket', 'key', { range: { offset: 4000, length: 1000 } });
    expect(Buffer.from(await ranged.bytes()).equals(flipped.subarray(4000, 5000))).toBe(true);
  });

  /** Serves `bytes` as `object` would be served: ranges honoured (206), the first full answer broken after `cut` bytes. */
  const breakingServer =
    (bytes: Buffer, cut: number, how: 'reset' | 'close' = 'reset'): Handler =>
    (req, res, index) => {
      const etag = quoted(md5(object).toString('hex'));
      const range = /^bytes=(\d+)-(\d+)$/.exec(String(req.headers.range ?? ''));
      if (range) {
        const [from, to] = [Number(range[1]), Number(range[2])];
        const part = bytes.subarray(from, to + 1);
        res.writeHead(206, { 'content-length': String(part.length), 'content-range': `bytes ${from}-${to}/${bytes.length}`, etag });
        return res.end(part);
      }
      res.writeHead(200, { 'content-length': String(bytes.length), etag });
      if (index > 0) return res.end(bytes);
      res.write(bytes.subarray(0, cut), () => (how === 'reset' ? res.socket?.resetAndDestroy() : res.socket?.end()));
    };

  it('resume a body whose connection breaks mid-way with a ranged read of the rest, still checked whole', async () => {
    handler = breakingServer(object, 3000);
    const result = await storage().getObject('bucket', 'key');
    expect(Buffer.from(await result.bytes()).equals(object)).toBe(true);
    expect(seen).toHaveLength(2);
    expect(seen[1]?.headers.range).toMatch(/^bytes=\d+-9999$/);
    expect(seen[1]?.headers['if-match']).toBe(quoted(md5(object).toString('hex')));
  });

  it('resume a body closed short of its Content-Length', async () => {
    handler = breakingServer(object, 3000, 'close');
    const result = await storage().getObject('bucket', 'key');
    expect(Buffer.from(await result.bytes()).equals(object)).toBe(true);
  });

  it('fail with ChecksumMismatch when resumed bytes are corrupted', async () => {
    handler = breakingServer(flipped, 3000);
    const error = await (await storage().getObject('bucket', 'key')).bytes().catch((e: unknown) => e);
    expect(isStorageError(error, 'ChecksumMismatch'), String(error)).toBe(true);
  });

  it('do not resume with bodyResumes: 0', async () => {
    handler = breakingServer(object, 3000);
    const error = await (await storage({ bodyResumes: 0 }).getObject('bucket', 'key')).bytes().catch((e: unknown) => e);
    expect(isStorageError(error, 'Unavailable'), String(error)).toBe(true);
    expect(seen).toHaveLength(1);
  });

  it('resume a ranged read from its first missing byte', async () => {
    const etag = quoted(md5(object).toString('hex'));
    handler = (req, res, index) => {
      const [, a, b] = /^bytes=(\d+)-(\d+)$/.exec(String(req.headers.range)) as RegExpExecArray;
      const part = object.subarray(Number(a), Number(b) + 1);
      res.writeHead(206, { 'content-length': String(part.length), 'content-range': `bytes ${a}-${b}/${object.length}`, etag });
      if (index > 0) return res.end(part);
      res.write(part.subarray(0, 100), () => res.socket?.resetAndDestroy());
    };
    const result = await storage().getObject('bucket', 'key', { range: { offset: 2000, length: 5000 } });
    expect(Buffer.from(await result.bytes()).equals(object.subarray(2000, 7000))).toBe(true);
    expect(seen[1]?.headers.range).toBe('bytes=2100-6999');
  });

  it('stop at once, without resuming, when the reader destroys the body mid-stream', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-length': String(object.length), etag: quoted(md5(object).toString('hex')) });
      res.write(object.subarray(0, 100)); // then nothing
    };
    // A socket timeout far beyond the test, so only the reader's destroy can end the body.
    const result = await storage({ socketTimeout: 5_000 }).getObject('bucket', 'key');
    const closed = new Promise((r) => result.body.once('close', r));
    result.body.once('data', () => result.body.destroy());
    await closed;
    await new Promise((r) => setTimeout(r, 800));
    expect(seen).toHaveLength(1);
    server.closeAllConnections();
  });

  it('fail a body that stalls longer than the socket timeout with Unavailable', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-length': String(object.length), etag: quoted(md5(object).toString('hex')) });
      res.write(object.subarray(0, 100)); // then nothing
    };
    const started = Date.now();
    const result = await storage({ socketTimeout: 500 }).getObject('bucket', 'key');
    const error = await result.bytes().catch((e: unknown) => e);
    expect(isStorageError(error, 'Unavailable'), String(error)).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
    server.closeAllConnections();
  });
});

describe('retries and timeouts', () => {
  it('retry 503 SlowDown with backoff, at most maxAttempts times', async () => {
    handler = (_req, res) => s3Error(res, 503, 'SlowDown');
    const error = await storage({ maxAttempts: 2 })
      .headObject('bucket', 'key')
      .catch((e: unknown) => e);
    expect(isStorageError(error, 'Unavailable'), String(error)).toBe(true);
    expect(seen).toHaveLength(2);
  });

  it('retry a request that stalls before its response', async () => {
    handler = (req, res, index) => {
      if (index === 0) return; // never answer
      honestPut(req, res, index);
    };
    await storage({ socketTimeout: 300 }).putObject('bucket', 'key', Buffer.from('late'));
    expect(seen).toHaveLength(2);
    server.closeAllConnections();
  });

  it('builds clients with bounded attempts and connection and socket timeouts', () => {
    const config = clientConfigFor({ endpoint: 'http://127.0.0.1:1' });
    expect(config.maxAttempts).toBe(5);
    expect(config.requestHandler).toMatchObject({ connectionTimeout: 10_000, socketTimeout: 60_000 });
    const tuned = clientConfigFor({
      endpoint: 'http://127.0.0.1:1',
      maxAttempts: 2,
      retryMode: 'adaptive',
      connectionTimeout: 1,
      socketTimeout: 2,
    });
    expect(tuned).toMatchObject({ maxAttempts: 2, retryMode: 'adaptive', requestHandler: { connectionTimeout: 1, socketTimeout: 2 } });
  });
});
