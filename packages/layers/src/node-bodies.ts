import type { GetResult } from '@stowage/core';
import { PassThrough, Readable } from 'node:stream';

/**
 * Everything the layers do with Node streams, in one module with a web variant
 * (`node-bodies.web.ts`), so that a browser or worker build never imports `node:stream`.
 */

/** The chunks of a get's body (its Node stream, read by async iteration). */
export function bodyChunks(result: GetResult): AsyncIterable<Uint8Array> {
  return result.body;
}

/**
 * `source` piped through a stream of its own whose errors are `mapError`'s; a consumer that stops
 * early (destroys it) releases `source`, and the object beneath.
 */
export function errorMappedBody(source: Readable, mapError: (error: unknown) => unknown): Readable {
  const out = new PassThrough();
  source.on('error', (error) => out.destroy(mapError(error) as Error));
  out.on('close', () => {
    if (!source.destroyed) source.destroy();
  });
  source.pipe(out);
  return out;
}

/**
 * The web stream of a result whose `body` is `inner`'s, errors mapped by `mapError`: here its Node
 * body as a web stream, which `body` already maps (`inner` and `mapError` are the web variant's).
 */
export function errorMappedWebStream(
  result: GetResult,
  _inner: GetResult,
  _mapError: (error: unknown) => unknown,
): ReadableStream<Uint8Array> {
  return Readable.toWeb(result.body) as unknown as ReadableStream<Uint8Array>;
}
