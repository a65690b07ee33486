import { randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isStorageError } from '@stowage/core';
import { readableChunks } from '../src/readable-chunks.js';

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

describe('readableChunks takes a Node stream by its data events', () => {
  it('passes every chunk on as the stream emitted it, without copying, through pauses', async () => {
    const parts = Array.from({ length: 64 }, () => randomBytes(64 * 1024));
    const stream = new PassThrough();
    const seen: Uint8Array[] = [];
    const reading = (async () => {
      for await (const chunk of readableChunks(stream, {})) {
        seen.push(chunk);
        await new Promise((resolve) => setTimeout(resolve, 0)); // a slow consumer: the stream must pause and resume
      }
    })();
    for (const part of parts) if (!stream.write(part)) await new Promise((resolve) => stream.once('drain', resolve));
    stream.end();
    await reading;
    expect(Buffer.compare(Buffer.concat(seen), Buffer.concat(parts))).toBe(0);
    expect(seen.every((chunk) => parts.some((part) => part.buffer === chunk.buffer))).toBe(true);
  });

  it('turns strings into UTF-8 and starts a stream that was paused', async () => {
    const stream = Readable.from(['ab', 'ç'], { objectMode: false });
    stream.pause();
    expect((await collect(readableChunks(stream, {}))).toString('utf8')).toBe('abç');
  });

  it('refuses a chunk that is not bytes with InvalidArgument, and destroys the stream', async () => {
    const stream = Readable.from([Buffer.from('a'), { not: 'bytes' }]);
    const error = await collect(readableChunks(stream, { bucket: 'b' })).catch((e: unknown) => e);
    expect(isStorageError(error, 'InvalidArgument')).toBe(true);
    expect(stream.destroyed).toBe(true);
  });

  it("throws the stream's error", async () => {
    const stream = new PassThrough();
    const reading = collect(readableChunks(stream, {})).catch((e: unknown) => e);
    stream.write('x');
    stream.destroy(new Error('source broke'));
    expect(((await reading) as Error).message).toBe('source broke');
  });

  it('destroys the stream when the consumer stops early', async () => {
    const stream = new PassThrough();
    stream.write('x');
    for await (const chunk of readableChunks(stream, {})) {
      expect(chunk.byteLength).toBe(1);
      break;
    }
    expect(stream.destroyed).toBe(true);
  });
});
