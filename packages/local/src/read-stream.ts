import { Readable } from 'node:stream';
import { StorageError } from '@stowage/core';
import type { FsFileHandle } from './fs-api.js';

const CHUNK_BYTES = 256 * 1024;

/**
 * Streams `length` bytes from `offset` of an already open file and closes it at the end. Reading
 * through the handle (not the path) keeps the version that was opened, even if the key is
 * overwritten meanwhile.
 */
export class FileRangeReadable extends Readable {
  private position: number;
  private remaining: number;

  constructor(
    private readonly handle: FsFileHandle,
    offset: number,
    length: number,
  ) {
    super({ highWaterMark: CHUNK_BYTES });
    this.position = offset;
    this.remaining = length;
  }

  override _read(): void {
    if (this.remaining === 0) {
      this.push(null);
      return;
    }
    const size = Math.min(CHUNK_BYTES, this.remaining);
    const buffer = Buffer.allocUnsafe(size);
    this.handle.read(buffer, 0, size, this.position).then(
      ({ bytesRead }) => {
        if (bytesRead === 0) {
          this.destroy(new StorageError('Unavailable', 'the file became shorter while it was being read'));
          return;
        }
        this.position += bytesRead;
        this.remaining -= bytesRead;
        this.push(bytesRead === size ? buffer : buffer.subarray(0, bytesRead));
      },
      (error: unknown) => this.destroy(error instanceof Error ? error : new Error(String(error))),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.handle.close().then(
      () => callback(error),
      (closeError: unknown) => callback(error ?? (closeError as Error)),
    );
  }
}
