import type { Readable } from 'node:stream';
import { type GetResult, chunksToWebStream, nodeOnly, normalizeBody } from '@stowage/core';

/** The web variant of `node-bodies.ts`: bodies are web streams here, and no Node stream is made. */

export function bodyChunks(result: GetResult): AsyncIterable<Uint8Array> {
  return normalizeBody(result.webStream()).chunks;
}

export function errorMappedBody(_source: Readable, _mapError: (error: unknown) => unknown): Readable {
  throw nodeOnly('a Node stream (use webStream(), bytes() or text())');
}

export function errorMappedWebStream(
  _result: GetResult,
  inner: GetResult,
  mapError: (error: unknown) => unknown,
): ReadableStream<Uint8Array> {
  return chunksToWebStream(errorMapped(normalizeBody(inner.webStream()).chunks, mapError));
}

async function* errorMapped(chunks: AsyncIterable<Uint8Array>, mapError: (error: unknown) => unknown): AsyncGenerator<Uint8Array> {
  try {
    yield* chunks;
  } catch (error) {
    throw mapError(error);
  }
}
