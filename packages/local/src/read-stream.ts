import { Readable } from 'node:stream';
import { StorageError } from '@stowage/core';
import type { Digest } from './digest.js';
import type { FsFileHandle } from './fs-api.js';

/** Checks a full read against the digest recorded when the object was written. */
export interface ReadVerification {
  digest: Digest;
  expected: string;
  bucket: string;
  key: string;
}

const CHUNK_BYTES = 256 * 1024;

/**
 * Streams `length` bytes from `offset` of an already open file and closes it at the end. Reading
 * through the handle (not the path) keeps the version that was opened, even if the key is
 * overwritten meanwhile. With `verify`, the stream fails with `ChecksumMismatch` instead of ending
 * when the bytes do not hash to the recorded digest (a file corrupted or edited at rest).
 */
export class FileRangeReadable extends Readable {
  private position: number;
  private remaining: number;

  constructor(
    private readonly handle: FsFileHandle,
    offset: number,
    length: number,
    private readonly verify?: ReadVerification,
  ) {
    super({ highWaterMark: CHUNK_BYTES });
    this.position = offset;
    this.remaining = length;
  }

  override _read(): void {
    if (this.remaining === 0) {
      const actual = this.verify?.digest.finish();
      if (this.verify && actual !== this.verify.expected) {
        const { bucket, key } = this.verify;
        this.destroy(
          new StorageError(
            'ChecksumMismatch',
            `the object's bytes do not match the digest recorded when it was written: it was changed or corrupted at rest`,
            { bucket, key },
          ),
        );
        return;
      }
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
        const chunk = bytesRead === size ? buffer : buffer.subarray(0, bytesRead);
        this.verify?.digest.update(chunk);
        this.push(chunk);
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
