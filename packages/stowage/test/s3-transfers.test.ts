// The S3 driver's multipart upload (parts cut from the body as it is read) and downloadFile's two
// paths (one stream, ranged reads), against a real s3rver: what they send, what they store, and
// what they do when the body is wrong, fails, or the caller gives up.
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { downloadFile, isStorageError, type ProgressEvent } from 'stowage';
import { S3Storage } from '@stowage/s3';
import { countCommands, type S3rver, startS3rver } from '@stowage/testing';
import { rejection } from './helpers/errors.js';
import { MiB, checkProgress, scratchDir, writeRandomFile } from './helpers/files.js';

/** `size` bytes in chunks of uneven sizes (1 byte to 3 MiB), noting when the consumer stops early. */
function unevenBody(data: Buffer, state: { read: number; closed: boolean } = { read: 0, closed: false }) {
  return (async function* () {
    let seed = 7;
    try {
      while (state.read < data.byteLength) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        const n = Math.min(data.byteLength - state.read, 1 + (seed % (3 * MiB)));
        yield data.subarray(state.read, state.read + n);
        state.read += n;
      }
    } finally {
      state.closed = true;
    }
  })();
}

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

describe('S3 transfers on s3rver', () => {
  let server: S3rver;
  let storage: S3Storage;
  let dir: string;
  let closeDir: () => Promise<void>;
  const bucket = 'transfers';

  beforeAll(async () => {
    server = await startS3rver();
    storage = new S3Storage({
      endpoint: server.endpoint,
      credentials: server.credentials,
      capabilities: { conditionalGet: false, conditionalPut: false },
    });
    await storage.createBucket(bucket);
    ({ dir, close: closeDir } = await scratchDir());
  }, 60_000);
  afterAll(async () => {
    storage?.destroy();
    await server?.stop();
    await closeDir?.();
  });

  async function stored(key: string): Promise<Buffer> {
    const got = await storage.getObject(bucket, key);
    return Buffer.from(await got.bytes());
  }

  describe('multipart upload', () => {
    it('cuts chunks of any size into parts of exactly partSize and stores the bytes as given', async () => {
      const data = randomBytes(23 * MiB + 17);
      const events: ProgressEvent[] = [];
      const sent = countCommands(storage.client);
      try {
        const put = await storage.putObject(bucket, 'uneven.bin', unevenBody(data), {
          size: data.byteLength,
          partSize: 5 * MiB,
          concurrency: 3,
          onProgress: (e) => events.push(e),
        });
        expect(put.size).toBe(data.byteLength);
      } finally {
        sent.stop();
      }
      expect(Object.fromEntries(sent.counts)).toMatchObject({ CreateMultipartUpload: 1, UploadPart: 5, CompleteMultipartUpload: 1 });
      expect(md5(await stored('uneven.bin'))).toBe(md5(data));
      checkProgress(events, data.byteLength);
    }, 60_000);

    it('sends a large byte array part by part without copying it, and stores it exactly', async () => {
      const data = randomBytes(17 * MiB);
      const sent = countCommands(storage.client);
      try {
        await storage.putObject(bucket, 'array.bin', data, { partSize: 5 * MiB });
      } finally {
        sent.stop();
      }
      expect(sent.counts.get('UploadPart')).toBe(4);
      expect(md5(await stored('array.bin'))).toBe(md5(data));
    }, 60_000);

    it('a body one whole part shorter than its size is rejected before CompleteMultipartUpload', async () => {
      const data = randomBytes(10 * MiB);
      const sent = countCommands(storage.client);
      let error: unknown;
      try {
        error = await rejection(storage.putObject(bucket, 'short.bin', unevenBody(data), { size: 15 * MiB, partSize: 5 * MiB }));
      } finally {
        sent.stop();
      }
      expect(isStorageError(error, 'InvalidArgument')).toBe(true);
      expect((error as Error).message).toContain('not the given size of');
      expect(sent.counts.has('CompleteMultipartUpload')).toBe(false);
      await expect(storage.headObject(bucket, 'short.bin')).rejects.toMatchObject({ code: 'NoSuchKey' });
    }, 60_000);

    it('a body longer than its size is rejected before CompleteMultipartUpload, its stream closed', async () => {
      const data = randomBytes(16 * MiB);
      const state = { read: 0, closed: false };
      const sent = countCommands(storage.client);
      let error: unknown;
      try {
        error = await rejection(storage.putObject(bucket, 'long.bin', unevenBody(data, state), { size: 10 * MiB, partSize: 5 * MiB }));
      } finally {
        sent.stop();
      }
      expect(isStorageError(error, 'InvalidArgument')).toBe(true);
      expect(sent.counts.has('CompleteMultipartUpload')).toBe(false);
      expect(state.closed).toBe(true);
      await expect(storage.headObject(bucket, 'long.bin')).rejects.toMatchObject({ code: 'NoSuchKey' });
    }, 60_000);

    it('a failed part (missing bucket) stops reading the body and closes it, reporting the server error', async () => {
      const state = { read: 0, closed: false };
      const error = await rejection(
        storage.putObject('no-such-bucket-here', 'x.bin', unevenBody(randomBytes(64 * MiB), state), { partSize: 5 * MiB }),
      );
      expect(isStorageError(error, 'NoSuchBucket')).toBe(true);
      // Closed as the upload gives up; the close runs through the body's chain of streams, so it
      // may land a turn or two after the rejection.
      await vi.waitFor(() => expect(state.closed).toBe(true), { timeout: 2000 });
      expect(state.read).toBeLessThan(64 * MiB);
    }, 60_000);

    it('a failed upload does not wait for a body that stalls', async () => {
      const stalled = (async function* () {
        yield randomBytes(9 * MiB); // past the multipart threshold: the upload starts
        await new Promise(() => undefined); // never another chunk
      })();
      const started = Date.now();
      const error = await rejection(storage.putObject('no-such-bucket-either', 'x.bin', stalled, { partSize: 5 * MiB }));
      expect(isStorageError(error, 'NoSuchBucket')).toBe(true);
      expect(Date.now() - started).toBeLessThan(15_000);
    }, 30_000);

    it('an abort mid-way rejects Aborted at once, closes the body and stores nothing', async () => {
      const controller = new AbortController();
      const state = { read: 0, closed: false };
      const data = randomBytes(64 * MiB);
      const body = (async function* () {
        for await (const chunk of unevenBody(data, state)) {
          if (state.read > 12 * MiB) controller.abort();
          yield chunk;
        }
      })();
      const started = Date.now();
      const error = await rejection(storage.putObject(bucket, 'aborted.bin', body, { partSize: 5 * MiB, signal: controller.signal }));
      expect(isStorageError(error, 'Aborted')).toBe(true);
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(state.closed).toBe(true);
      await expect(storage.headObject(bucket, 'aborted.bin')).rejects.toMatchObject({ code: 'NoSuchKey' });
    }, 60_000);
  });

  describe('downloadFile', () => {
    it('one stream and ranged reads (partSize ranges, and larger ones) give the same file and progress', async () => {
      const source = join(dir, 'source.bin');
      const size = 40 * MiB + 5;
      await writeRandomFile(source, size);
      await storage.putObject(bucket, 'down.bin', await readFile(source));
      const expected = md5(await readFile(source));
      const variants = {
        single: { multipartThreshold: Number.MAX_SAFE_INTEGER },
        // 40 MiB in 8 MiB ranges: below 2 × concurrency × partSize, so partSize as given.
        ranged: { partSize: 8 * MiB, concurrency: 4 },
        // 1 MiB × 2 × 2 is far below 40 MiB: ranges of 10 MiB (a multiple of partSize).
        wide: { partSize: MiB, concurrency: 2 },
      };
      const gets: Record<string, string[]> = {};
      for (const [name, config] of Object.entries(variants)) {
        const target = join(dir, `${name}.bin`);
        const events: ProgressEvent[] = [];
        const ranges: string[] = [];
        const name2 = `ranges-${name}`;
        storage.client.middlewareStack.add(
          (next, context) => async (args) => {
            if (context.commandName === 'GetObjectCommand') ranges.push(String((args.input as { Range?: string }).Range ?? 'all'));
            return next(args);
          },
          { step: 'initialize', name: name2 },
        );
        try {
          const result = await downloadFile(storage, bucket, 'down.bin', target, { ...config, onProgress: (e) => events.push(e) });
          expect(result.size).toBe(size);
        } finally {
          storage.client.middlewareStack.remove(name2);
        }
        expect(md5(await readFile(target))).toBe(expected);
        checkProgress(events, size);
        gets[name] = ranges;
      }
      expect(gets.single).toEqual(['all']);
      expect(gets.ranged).toHaveLength(6);
      expect(gets.wide).toHaveLength(5);
      expect(gets.wide).toContain(`bytes=${10 * MiB}-${20 * MiB - 1}`);
    }, 120_000);
  });
});
