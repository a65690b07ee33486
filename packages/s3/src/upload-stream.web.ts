import { chunksToWebStream } from '@stowage/core';

/** The web variant of `upload-stream.ts`: a web stream (lib-storage reads those too). */

export function uploadStream(chunks: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  return chunksToWebStream(chunks);
}
