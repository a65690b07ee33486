import { setMaxListeners } from 'node:events';
import { Readable } from 'node:stream';

/**
 * What a multipart upload needs of Node: the stream lib-storage reads the body from, and room on
 * the signal every part listens to. `upload-stream.web.ts` is the same with web streams.
 */

/** The chunks as a stream holding at most one chunk ahead of lib-storage (so progress follows what it took). */
export function uploadStream(chunks: AsyncIterable<Uint8Array>): Readable {
  return Readable.from(chunks, { objectMode: true, highWaterMark: 1 });
}

/** Lets `count` listeners wait on `signal` without Node's leak warning (each part in flight adds some). */
export function allowAbortListeners(signal: AbortSignal, count: number): void {
  setMaxListeners(count, signal);
}
