import type { Readable } from 'node:stream';
import { raceAbort } from './abort.js';
import { utf8Bytes } from './bytes.js';
import { StorageError, type StorageErrorDetails } from './errors.js';
import { ownReadableChunks, readableFrom } from './node-streams.js';
import { webStreamChunks } from './web-stream.js';
import type { BodyInput } from './storage.js';

/** A body in the one shape drivers consume: chunks, and the length when it is known up front. */
export interface NormalizedBody {
  /** Bytes in total, for strings, byte arrays and Blobs; `undefined` for streams. */
  size?: number;
  chunks: AsyncIterable<Uint8Array>;
}

function isNodeReadable(body: unknown): body is Readable {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as Readable).pipe === 'function' &&
    typeof (body as Readable).on === 'function' &&
    typeof (body as Readable).read === 'function'
  );
}

function isWebStream(body: unknown): body is ReadableStream<Uint8Array> {
  return typeof body === 'object' && body !== null && typeof (body as ReadableStream).getReader === 'function';
}

function isAsyncIterable(body: unknown): body is AsyncIterable<unknown> {
  return typeof body === 'object' && body !== null && typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

async function* byteChunks(source: AsyncIterable<unknown>, details: StorageErrorDetails): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    if (chunk instanceof Uint8Array) yield chunk;
    else if (typeof chunk === 'string') yield utf8Bytes(chunk);
    else {
      throw new StorageError(
        'InvalidArgument',
        `a body stream must yield Uint8Array or string chunks, not ${chunk === null ? 'null' : typeof chunk}`,
        details,
      );
    }
  }
}

async function* single(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/**
 * Turns any {@link BodyInput} into chunks without buffering a stream: strings and byte arrays are
 * one chunk, Blobs and streams are pulled as they are consumed.
 */
export function normalizeBody(body: BodyInput, details: StorageErrorDetails = {}): NormalizedBody {
  if (typeof body === 'string') {
    const bytes = utf8Bytes(body);
    return { size: bytes.byteLength, chunks: single(bytes) };
  }
  if (body instanceof Uint8Array) return { size: body.byteLength, chunks: single(body) };
  if (typeof Blob !== 'undefined' && body instanceof Blob) {
    return { size: body.size, chunks: webStreamChunks(body.stream() as ReadableStream<Uint8Array>) };
  }
  // Node's own Readables by their `data` events (no copy, see readable-chunks.ts); look-alikes
  // (another realm, readable-stream) by async iteration.
  const own = ownReadableChunks(body, details);
  if (own) return { chunks: own };
  if (isNodeReadable(body)) return { chunks: byteChunks(body, details) };
  if (isWebStream(body)) return { chunks: byteChunks(webStreamChunks(body), details) };
  if (isAsyncIterable(body)) return { chunks: byteChunks(body, details) };
  throw new StorageError(
    'InvalidArgument',
    'a body must be a string, Uint8Array, Blob, Node Readable, web ReadableStream or AsyncIterable of Uint8Array',
    details,
  );
}

/**
 * Iterates `chunks`, rejecting with `Aborted` as soon as `signal` fires, even while the source is
 * stalled, and closing the source when the loop stops early.
 */
export async function* abortableChunks(
  chunks: AsyncIterable<Uint8Array>,
  signal: AbortSignal | undefined,
  details: StorageErrorDetails = {},
): AsyncGenerator<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      // A fresh race per chunk: racing every chunk against one long-lived promise would keep
      // every chunk reachable from that promise's reactions until the signal fires.
      const next = signal ? await raceAbort(signal, iterator.next(), details) : await iterator.next();
      if (next.done) {
        finished = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!finished && typeof iterator.return === 'function') {
      // Not awaited: a stalled source may never settle its pending read.
      void Promise.resolve(iterator.return()).catch(() => undefined);
    }
  }
}

/** A Node Readable over any body, for APIs that want one. */
export function bodyToReadable(body: BodyInput, signal?: AbortSignal): Readable {
  if (isNodeReadable(body) && !signal) return body;
  return readableFrom(abortableChunks(normalizeBody(body).chunks, signal));
}
