import type { Readable } from 'node:stream';
import { abortError } from './abort.js';
import { bytesView, concatBytes, utf8Bytes } from './bytes.js';
import type { ObjectRead } from './driver.js';
import { readableFrom, readableToWeb } from './node-streams.js';
import { chunksToWebStream } from './web-stream.js';
import type { GetResult, ObjectInfo } from './storage.js';

/** Reads a stream to its end into one byte array. */
export async function collectBytes(stream: AsyncIterable<Uint8Array | string>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of stream) parts.push(typeof chunk === 'string' ? utf8Bytes(chunk) : chunk);
  const only = parts.length === 1 ? (parts[0] as Uint8Array) : undefined;
  // One chunk is handed back as it is (a Buffer view in Node, as a joined result would be).
  return only ? bytesView(only.buffer, only.byteOffset, only.byteLength) : concatBytes(parts);
}

/** An {@link ObjectRead} over a body stream that is already open (a file, an HTTP response). */
export function streamRead(info: ObjectInfo, body: Readable, range?: { offset: number; length: number }): ObjectRead {
  return { info, ...(range ? { range } : {}), stream: () => body };
}

const decoder = new TextDecoder();

/**
 * The caller's {@link GetResult} over a driver's {@link ObjectRead}: the body stream is made when
 * first asked for, and ends with `Aborted` when the signal fires (also when it fired before); the
 * helpers use the driver's fast paths while no stream was made.
 */
export class FrontGetResult implements GetResult {
  declare readonly range?: { offset: number; length: number };
  private made: Readable | undefined;

  constructor(
    private readonly read: ObjectRead,
    private readonly signal: AbortSignal | undefined,
    private readonly bucket: string,
    private readonly key: string,
  ) {
    if (read.range) this.range = read.range;
  }

  /** Read from the driver when asked for: a driver may make it on demand, and most reads want only the bytes. */
  get info(): ObjectInfo {
    return this.read.info;
  }

  get body(): Readable {
    if (this.made) return this.made;
    const body = this.read.stream();
    this.made = body;
    const { signal } = this;
    if (signal) {
      const onAbort = () => body.destroy(abortError(signal, { bucket: this.bucket, key: this.key }));
      if (signal.aborted) onAbort();
      else {
        signal.addEventListener('abort', onAbort, { once: true });
        body.once('close', () => signal.removeEventListener('abort', onAbort));
      }
    }
    return body;
  }

  async bytes(): Promise<Uint8Array> {
    if (this.made || !this.read.bytes) return collectBytes(this.body);
    this.throwIfAborted();
    return this.read.bytes();
  }

  async text(): Promise<string> {
    if (this.made || !(this.read.text || this.read.bytes)) return decoder.decode(await collectBytes(this.body));
    this.throwIfAborted();
    return this.read.text ? this.read.text() : decoder.decode(await (this.read.bytes as () => Uint8Array | Promise<Uint8Array>)());
  }

  webStream(): ReadableStream<Uint8Array> {
    if (this.made || !this.read.webStream) return readableToWeb(this.body);
    this.throwIfAborted();
    return this.read.webStream();
  }

  private throwIfAborted(): void {
    if (this.signal?.aborted) throw abortError(this.signal, { bucket: this.bucket, key: this.key });
  }
}

/** A {@link GetResult} around an open body stream, for code that wraps a store and changes its bodies. */
export function createGetResult(info: ObjectInfo, body: Readable, range?: { offset: number; length: number }): GetResult {
  return new FrontGetResult(streamRead(info, body, range), undefined, '', '');
}

/**
 * A {@link GetResult} over a body's chunks, read once, for code that wraps a store and changes its
 * bodies: `webStream()`, `bytes()` and `text()` read the chunks directly, and `body` is a Node
 * stream of them (Node only).
 */
export function createGetResultOfChunks(
  info: ObjectInfo,
  chunks: AsyncIterable<Uint8Array>,
  range?: { offset: number; length: number },
): GetResult {
  const read: ObjectRead = {
    info,
    ...(range ? { range } : {}),
    stream: () => readableFrom(chunks),
    webStream: () => chunksToWebStream(chunks),
    bytes: () => collectBytes(chunks),
  };
  return new FrontGetResult(read, undefined, '', '');
}

/** Bytes per chunk of a {@link bytesRead} stream. */
const READ_CHUNK_BYTES = 64 * 1024;

/**
 * An {@link ObjectRead} over bytes held in memory: the whole of `bytes`, or the `range` of them
 * (resolved by the driver with `resolveRange`), streamed in 64 KiB chunks, with `bytes()` and
 * `text()` served without a stream.
 */
export function bytesRead(info: ObjectInfo, bytes: Uint8Array, range?: { offset: number; length: number }): ObjectRead {
  const view = range ? bytes.subarray(range.offset, range.offset + range.length) : bytes;
  function* chunks(): Generator<Uint8Array> {
    for (let at = 0; at < view.byteLength; at += READ_CHUNK_BYTES) yield view.slice(at, at + READ_CHUNK_BYTES);
  }
  return {
    info,
    ...(range ? { range } : {}),
    stream: () => readableFrom(chunks()),
    bytes: () => view.slice(),
    text: () => decoder.decode(view),
  };
}
