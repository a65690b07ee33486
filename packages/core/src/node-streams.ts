import { Readable } from 'node:stream';
import type { StorageErrorDetails } from './errors.js';
import { readableChunks } from './readable-chunks.js';

/**
 * Everything core does with Node streams, in one module with a web variant
 * (`node-streams.web.ts`), so that a browser or worker build never imports `node:stream`.
 */

/** The chunks of `body` when it is one of Node's own Readables (by its `data` events, no copy); else `undefined`. */
export function ownReadableChunks(body: unknown, details: StorageErrorDetails): AsyncIterable<Uint8Array> | undefined {
  return body instanceof Readable ? readableChunks(body, details) : undefined;
}

/** A Node Readable of byte chunks. */
export function readableFrom(chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Readable {
  return Readable.from(chunks, { objectMode: false });
}

/** A web ReadableStream over a Node Readable. */
export function readableToWeb(body: Readable): ReadableStream<Uint8Array> {
  return Readable.toWeb(body) as unknown as ReadableStream<Uint8Array>;
}
