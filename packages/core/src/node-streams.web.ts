import type { Readable } from 'node:stream';
import { type StorageErrorDetails, nodeOnly } from './errors.js';

/** The web variant of `node-streams.ts`: no Node streams exist here, so none is recognised or made. */

export function ownReadableChunks(_body: unknown, _details: StorageErrorDetails): AsyncIterable<Uint8Array> | undefined {
  return undefined;
}

export function readableFrom(_chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Readable {
  throw nodeOnly('a Node stream (use webStream(), bytes() or text())');
}

export function readableToWeb(_body: Readable): ReadableStream<Uint8Array> {
  throw nodeOnly('a Node stream (use webStream(), bytes() or text())');
}
