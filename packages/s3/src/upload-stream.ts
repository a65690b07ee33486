import { Readable } from 'node:stream';

/**
 * The stream lib-storage reads a multipart upload's body from. `upload-stream.web.ts` is the same
 * with web streams.
 */

/** The chunks as a stream holding at most one chunk ahead of lib-storage (so progress follows what it took). */
export function uploadStream(chunks: AsyncIterable<Uint8Array>): Readable {
  return Readable.from(chunks, { objectMode: true, highWaterMark: 1 });
}
