import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CountedBody, isStorageError, type ProgressEvent } from '@stowage/core';
import type { FsFileHandle, FsPromises } from '@stowage/local';
import { createDigest } from '../src/digest.js';
import { diskFileSystem } from '../src/disk-fs.js';
import { WRITE_BATCH_BYTES, WRITE_PIECE_BYTES, writeTemp } from '../src/write.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'stowage-write-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `node:fs` promises whose file handles report every `writev` and can fail the n-th one. */
function spiedFs(options: { failWritevAt?: number } = {}): { fs: FsPromises; writevBytes: number[] } {
  const writevBytes: number[] = [];
  const real = fs.promises as unknown as FsPromises;
  const spied: FsPromises = {
    ...real,
    open: async (file, flags, mode) => {
      const handle = await real.open(file, flags, mode);
      const wrapped: FsFileHandle = {
        read: (...args) => handle.read(...args),
        write: (...args) => handle.write(...args),
        writev: async (buffers, position) => {
          writevBytes.push(buffers.reduce((n, b) => n + b.byteLength, 0));
          if (writevBytes.length === options.failWritevAt) throw Object.assign(new Error('disk full'), { code: 'ENOSPC' });
          return handle.writev(buffers, position);
        },
        stat: () => handle.stat(),
        sync: () => handle.sync(),
        close: () => handle.close(),
      };
      return wrapped;
    },
    unlink: (file) => real.unlink(file),
  };
  return { fs: spied, writevBytes };
}

async function* chunksOf(data: Buffer, sizes: number[]): AsyncGenerator<Uint8Array> {
  let offset = 0;
  for (let i = 0; offset < data.byteLength; i++) {
    const size = sizes[i % sizes.length] as number;
    yield data.subarray(offset, offset + size);
    offset += size;
  }
}

async function digestOf(data: Uint8Array): Promise<string> {
  const digest = await createDigest();
  digest.update(data);
  return digest.finish();
}

describe('writeTemp batches chunks into large writes', () => {
  it('writes identical bytes in writev calls of at least WRITE_BATCH_BYTES, and reports every chunk of a counted body in order', async () => {
    const data = randomBytes(5 * WRITE_BATCH_BYTES + 12_345);
    const sizes = [65_536, 1, 0, 100_000, 7];
    const { fs: spied, writevBytes } = spiedFs();
    const events: ProgressEvent[] = [];
    const file = path.join(dir, 'temp');
    const body = new CountedBody(chunksOf(data, sizes), {
      bucket: 'b',
      key: 'k',
      size: data.byteLength,
      onProgress: (event) => events.push(event),
    });
    const temp = await writeTemp(spied, file, body.chunks(), { bucket: 'b', key: 'k', fsync: false });
    expect(Buffer.compare(await readFile(file), data)).toBe(0);
    expect(temp.size).toBe(data.byteLength);
    expect(temp.stat.size).toBe(data.byteLength);
    expect(temp.digest).toBe(await digestOf(data));
    // Every batch but the last is at least the batch size; together they are the whole body.
    expect(writevBytes.slice(0, -1).every((n) => n >= WRITE_BATCH_BYTES)).toBe(true);
    expect(writevBytes.reduce((a, b) => a + b, 0)).toBe(data.byteLength);
    expect(writevBytes.length).toBeLessThanOrEqual(6);
    // One event per non-empty chunk, loaded rising to the total.
    let loaded = 0;
    for (const event of events) {
      loaded += event.delta;
      expect(event.loaded).toBe(loaded);
      expect(event.total).toBe(data.byteLength);
    }
    expect(loaded).toBe(data.byteLength);
    const chunkCount = [...chunksOfSync(data.byteLength, sizes)].filter((n) => n > 0).length;
    expect(events).toHaveLength(chunkCount);
  });

  it('writes a chunk larger than WRITE_PIECE_BYTES in pieces of at most that size, with the digest of the whole', async () => {
    const data = randomBytes(12 * WRITE_PIECE_BYTES + 12_345);
    const { fs: spied, writevBytes } = spiedFs();
    const file = path.join(dir, 'temp');
    const temp = await writeTemp(spied, file, chunksOf(data, [data.byteLength]), { bucket: 'b', key: 'k', fsync: false });
    expect(Buffer.compare(await readFile(file), data)).toBe(0);
    expect(temp.digest).toBe(await digestOf(data));
    expect(writevBytes).toHaveLength(13);
    expect(Math.max(...writevBytes)).toBe(WRITE_PIECE_BYTES);
  });

  it('removes the temporary file and reports the failure when a batch fails to write', async () => {
    const data = randomBytes(4 * WRITE_BATCH_BYTES);
    const { fs: spied } = spiedFs({ failWritevAt: 2 });
    const file = path.join(dir, 'temp');
    const error = await writeTemp(spied, file, chunksOf(data, [65_536]), { bucket: 'b', key: 'k', fsync: false }).catch((e: unknown) => e);
    expect(isStorageError(error, 'Unavailable')).toBe(true);
    expect(await readdir(dir)).toEqual([]);
  });

  it('removes the temporary file when the signal fires while a batch is in flight', async () => {
    const controller = new AbortController();
    const data = randomBytes(3 * WRITE_BATCH_BYTES);
    async function* body(): AsyncGenerator<Uint8Array> {
      let sent = 0;
      for await (const chunk of chunksOf(data, [65_536])) {
        yield chunk;
        sent += chunk.byteLength;
        if (sent === WRITE_BATCH_BYTES + 65_536) controller.abort();
      }
    }
    const counted = new CountedBody(body(), { bucket: 'b', key: 'k', signal: controller.signal });
    const error = await writeTemp(fs.promises as unknown as FsPromises, path.join(dir, 'temp'), counted.chunks(), {
      bucket: 'b',
      key: 'k',
      fsync: false,
    }).catch((e: unknown) => e);
    expect(isStorageError(error, 'Aborted')).toBe(true);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('writeTemp on the default disk API', () => {
  it('lets timers run while it writes a large body whose chunks arrive without the event loop turning', async () => {
    // The default disk API writes synchronously; a body from memory yields its chunks in
    // microtasks, so only the disk API's turn budget lets the event loop run meanwhile.
    const data = randomBytes(64 * 1024 * 1024);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      const temp = await writeTemp(diskFileSystem('sync').promises, path.join(dir, 'temp'), chunksOf(data, [65_536]), {
        bucket: 'b',
        key: 'k',
        fsync: false,
      });
      expect(temp.size).toBe(data.byteLength);
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(0);
  });
});

function* chunksOfSync(total: number, sizes: number[]): Generator<number> {
  for (let offset = 0, i = 0; offset < total; i++) {
    const size = sizes[i % sizes.length] as number;
    yield Math.min(size, total - offset);
    offset += size;
  }
}
