import { StorageError, abortableChunks, isStorageError, type ProgressEvent } from '@stowage/core';
import { createDigest } from './digest.js';
import type { FsPromises, FsStats } from './fs-api.js';
import { fsError } from './fs-errors.js';

/** A complete temporary file, ready to be renamed into place. */
export interface TempFile {
  path: string;
  stat: FsStats;
  /** Hex digest of the bytes written (see digest.ts). */
  digest: string;
  size: number;
}

export interface WriteTempOptions {
  bucket: string;
  key: string;
  /** Bytes the body must have, when known; anything else is `InvalidArgument`. */
  expectedSize?: number;
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  fsync: boolean;
}

async function writeAll(handle: { write: (b: Uint8Array, o: number, l: number) => Promise<{ bytesWritten: number }> }, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.byteLength) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
    offset += bytesWritten;
  }
}

/**
 * Streams `chunks` into a new file at `tempPath`, computing its digest as it goes. On any failure (the body
 * throws, the signal fires, the size is wrong, the disk fails) the file is removed before the error
 * is thrown, so nothing partial stays behind.
 */
export async function writeTemp(
  fs: FsPromises,
  tempPath: string,
  chunks: AsyncIterable<Uint8Array>,
  options: WriteTempOptions,
): Promise<TempFile> {
  const { bucket, key, expectedSize, signal, onProgress } = options;
  const details = { bucket, key };
  const handle = await fs.open(tempPath, 'wx').catch((error: unknown) => {
    throw fsError(error, bucket, key);
  });
  const digest = await createDigest();
  let size = 0;
  try {
    const iterator = abortableChunks(chunks, signal, details)[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await iterator.next();
      } catch (error) {
        if (isStorageError(error)) throw error;
        throw new StorageError(
          'InvalidArgument',
          `reading the body failed: ${error instanceof Error ? error.message : String(error)}`,
          { ...details, cause: error },
        );
      }
      if (next.done) break;
      const chunk = next.value;
      if (expectedSize !== undefined && size + chunk.byteLength > expectedSize) {
        await iterator.return?.(undefined);
        throw new StorageError('InvalidArgument', `the body is longer than the given size of ${expectedSize} bytes`, details);
      }
      await writeAll(handle, chunk).catch((error: unknown) => {
        throw fsError(error, bucket, key);
      });
      digest.update(chunk);
      size += chunk.byteLength;
      onProgress?.({ bucket, key, loaded: size, delta: chunk.byteLength, ...(expectedSize !== undefined ? { total: expectedSize } : {}) });
    }
    if (expectedSize !== undefined && size !== expectedSize) {
      throw new StorageError('InvalidArgument', `the body has ${size} bytes, not the given size of ${expectedSize}`, details);
    }
    if (options.fsync) await handle.sync();
    const stat = await handle.stat();
    await handle.close();
    return { path: tempPath, stat, digest: digest.finish(), size };
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fs.unlink(tempPath).catch(() => undefined);
    throw fsError(error, bucket, key);
  }
}
