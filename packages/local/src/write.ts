import { createDigest } from './digest.js';
import type { FsFileHandle, FsPromises, FsStats } from './fs-api.js';
import { fsError } from './fs-errors.js';

/** A complete temporary file, ready to be renamed into place. */
export interface TempFile {
  path: string;
  stat: FsStats;
  /** Hex digest of the bytes written (see digest.ts). */
  digest: string;
  size: number;
  /**
   * The file's handle closing, left to finish beside the commit's first calls (one round trip
   * fewer per write); the commit awaits it before the rename.
   */
  closed: Promise<void>;
}

export interface WriteTempOptions {
  bucket: string;
  key: string;
  fsync: boolean;
}

/**
 * Chunks are queued until this many bytes wait, then written with one `writev`: small chunks (a
 * network body's) cost one system call per batch, and a file stream's 64 KiB chunks are written
 * one by one as they arrive. A larger batch would wait for several chunks while the source,
 * which reads only one chunk ahead, stalls; written one by one, each chunk's write overlaps the
 * source's read of the next (docs/local-layout.md, "Large bodies").
 */
export const WRITE_BATCH_BYTES = 64 * 1024;

/**
 * A chunk larger than this (a whole byte array given as the body) is hashed and written in pieces
 * of this size: on the default disk API each write is a synchronous call, and between pieces the
 * event loop gets its turns (sync-fs.ts) instead of waiting for one long copy.
 */
export const WRITE_PIECE_BYTES = 256 * 1024;

/** Writes `buffers` at `position`, whole: a short `writev` goes on with plain writes of the rest. */
async function writeBatch(handle: FsFileHandle, buffers: Uint8Array[], bytes: number, position: number): Promise<void> {
  let written = (await handle.writev(buffers, position)).bytesWritten;
  if (written === bytes) return;
  let skip = written;
  for (const buffer of buffers) {
    if (skip >= buffer.byteLength) {
      skip -= buffer.byteLength;
      continue;
    }
    for (let offset = skip; offset < buffer.byteLength; ) {
      const { bytesWritten } = await handle.write(buffer, offset, buffer.byteLength - offset, position + written);
      offset += bytesWritten;
      written += bytesWritten;
    }
    skip = 0;
  }
}

/**
 * Streams `chunks` (a counted body's: its size, signal and progress are handled there) into a new
 * file at `tempPath`, computing its digest as it goes. On any failure (the body fails, the disk
 * fails) the file is removed before the error is thrown, so nothing partial stays behind.
 *
 * Chunks are hashed as they arrive and written in batches of about {@link WRITE_BATCH_BYTES}, with
 * one batch in flight while the next is pulled and hashed. A chunk is therefore written after the
 * body has yielded later ones: a body must not reuse a chunk's memory once yielded (Node and web
 * streams never do).
 */
export async function writeTemp(
  fs: FsPromises,
  tempPath: string,
  chunks: AsyncIterable<Uint8Array>,
  options: WriteTempOptions,
): Promise<TempFile> {
  const { bucket, key } = options;
  const handle = await fs.open(tempPath, 'wx').catch((error: unknown) => {
    throw fsError(error, bucket, key);
  });
  const digest = await createDigest();
  let size = 0; // bytes received (and hashed)
  let position = 0; // bytes handed to the file
  let queued: Uint8Array[] = [];
  let queuedBytes = 0;
  let inFlight: Promise<void> = Promise.resolve();

  /** Starts writing the queue once the previous batch is done; the caller awaits the result. */
  const flush = async (): Promise<void> => {
    await inFlight;
    if (queuedBytes === 0) return;
    const batch = queued;
    const at = position;
    queued = [];
    position += queuedBytes;
    queuedBytes = 0;
    inFlight = writeBatch(handle, batch, position - at, at);
    // Observed here so a failure while the next chunk is pulled is not unhandled; awaited later.
    inFlight.catch(() => undefined);
  };

  try {
    for await (const chunk of chunks) {
      for (let offset = 0; offset < chunk.byteLength; offset += WRITE_PIECE_BYTES) {
        const piece = chunk.byteLength <= WRITE_PIECE_BYTES ? chunk : chunk.subarray(offset, offset + WRITE_PIECE_BYTES);
        digest.update(piece);
        size += piece.byteLength;
        queued.push(piece);
        queuedBytes += piece.byteLength;
        if (queuedBytes >= WRITE_BATCH_BYTES) await flush();
      }
    }
    await flush();
    await inFlight;
    if (options.fsync) await handle.sync();
    const stat = await handle.stat();
    const closed = handle.close().catch((error: unknown) => {
      throw fsError(error, bucket, key);
    });
    closed.catch(() => undefined); // observed here; awaited by the commit
    return { path: tempPath, stat, digest: digest.finish(), size, closed };
  } catch (error) {
    // Never close (or unlink) under a write still in flight.
    await inFlight.catch(() => undefined);
    await handle.close().catch(() => undefined);
    await fs.unlink(tempPath).catch(() => undefined);
    throw fsError(error, bucket, key);
  }
}
