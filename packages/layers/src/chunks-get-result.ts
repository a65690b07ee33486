import type { Readable } from 'node:stream';
import { type GetResult, type ObjectInfo, collectBytes, nodeOnly } from '@stowage/core';
import { chunksStream } from './chunks-stream.js';

const decoder = new TextDecoder();

/**
 * A {@link GetResult} over a body's chunks with no Node stream: `webStream()`, `bytes()` and
 * `text()` read them (once, as a body is read once), and `body` is `NotSupported`. What a layer
 * that changes a body returns in the web build.
 */
export class ChunksGetResult implements GetResult {
  declare readonly range?: { offset: number; length: number };

  constructor(
    readonly info: ObjectInfo,
    private readonly chunks: AsyncIterable<Uint8Array>,
    range?: { offset: number; length: number },
  ) {
    if (range) this.range = range;
  }

  get body(): Readable {
    throw nodeOnly('a Node stream (use webStream(), bytes() or text())');
  }
  webStream(): ReadableStream<Uint8Array> {
    return chunksStream(this.chunks);
  }
  bytes(): Promise<Uint8Array> {
    return collectBytes(this.chunks);
  }
  async text(): Promise<string> {
    return decoder.decode(await this.bytes());
  }
}
