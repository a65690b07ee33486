import type { Readable } from 'node:stream';
import { abortError, allocBytes, type ObjectInfo, type ObjectRead } from '@stowage/core';
import { BLOCK_BYTES } from './ingest.js';
import { piecesReadable } from './pieces-readable.js';
import { objectInfo, verifyBlock, type StoredVersion } from './version.js';

/** What a read covers: one version, from `offset` for `length` bytes. */
export interface ReadSpan {
  version: StoredVersion;
  offset: number;
  length: number;
  bucket: string;
  key: string;
}

/**
 * Calls `each` with the part of every block the span covers, in order, each block checked against
 * its at-rest digest before any of its bytes are handed on (so a ranged read is checked too). The
 * parts are views of the stored blocks: `each` must copy or decode them, never keep or change them.
 */
function eachPart(span: ReadSpan, each: (part: Uint8Array) => void): void {
  const end = span.offset + span.length;
  for (let index = Math.floor(span.offset / BLOCK_BYTES), start = index * BLOCK_BYTES; start < end; index++, start += BLOCK_BYTES) {
    const block = verifyBlock(span.version, index, span.bucket, span.key);
    const from = Math.max(0, span.offset - start);
    const to = Math.min(block.byteLength, end - start);
    each(from === 0 && to === block.byteLength ? block : block.subarray(from, to));
  }
}

/**
 * The whole span as one byte array of the reader's own, copied straight from the blocks (one copy,
 * nothing concatenated). `allocBytes`: not zero-filled (every byte is written here), and in Node a
 * Buffer, below 4 KiB from Node's pool, as `Buffer.from` gives. Not from the store's slabs: a reader may
 * keep what it read for as long as it likes, and larger shared slabs were measured to cost more
 * page faults (freed in bulk by the GC, then handed back to the system by the C allocator).
 */
export function spanBytes(span: ReadSpan): Uint8Array {
  const out = allocBytes(span.length);
  const end = span.offset + span.length;
  let at = 0;
  for (let index = Math.floor(span.offset / BLOCK_BYTES), start = index * BLOCK_BYTES; start < end; index++, start += BLOCK_BYTES) {
    const block = verifyBlock(span.version, index, span.bucket, span.key);
    const from = Math.max(0, span.offset - start);
    const to = Math.min(block.byteLength, end - start);
    out.set(from === 0 && to === block.byteLength ? block : block.subarray(from, to), at);
    at += to - from;
  }
  return out;
}

const decoder = new TextDecoder();

/** The span decoded as UTF-8 straight from the blocks, without a copy of the bytes. */
function spanText(span: ReadSpan): string {
  if (span.offset + span.length <= BLOCK_BYTES) {
    let text = '';
    eachPart(span, (part) => {
      text = decoder.decode(part);
    });
    return text;
  }
  // A character may straddle two blocks: a decoder of its own carries it over.
  const streaming = new TextDecoder();
  let text = '';
  eachPart(span, (part) => {
    text += streaming.decode(part, { stream: true });
  });
  return text + streaming.decode();
}

/** The pieces of a span, block by block, each checked (see {@link eachPart}) and copied. */
function* spanPieces(span: ReadSpan): Generator<Uint8Array> {
  const end = span.offset + span.length;
  for (let index = Math.floor(span.offset / BLOCK_BYTES), start = index * BLOCK_BYTES; start < end; index++, start += BLOCK_BYTES) {
    const block = verifyBlock(span.version, index, span.bucket, span.key);
    const from = Math.max(0, span.offset - start);
    const to = Math.min(block.byteLength, end - start);
    const piece = allocBytes(to - from);
    piece.set(block.subarray(from, to));
    yield piece;
  }
}

/**
 * A read of a stored version, and the span it reads. `bytes()` and `text()` read the blocks
 * directly and `webStream()` is a web stream of them, without a Node stream. `info` is made when
 * first asked for (the version never changes, so it is the same whenever it is made): most reads
 * only want the bytes.
 */
export class MemoryRead implements ObjectRead, ReadSpan {
  readonly range?: { offset: number; length: number };
  private made: ObjectInfo | undefined;

  constructor(
    readonly version: StoredVersion,
    readonly bucket: string,
    readonly key: string,
    readonly offset: number,
    readonly length: number,
    ranged: boolean,
    private readonly signal: AbortSignal | undefined,
    info?: ObjectInfo,
  ) {
    if (ranged) this.range = { offset, length };
    this.made = info;
  }

  get info(): ObjectInfo {
    this.made ??= objectInfo(this.key, this.version);
    return this.made;
  }

  /** A Node stream of the span, a block per read; a changed block ends it with `ChecksumMismatch`. */
  stream(): Readable {
    return piecesReadable(spanPieces(this), BLOCK_BYTES);
  }

  bytes(): Uint8Array {
    return spanBytes(this);
  }

  text(): string {
    return spanText(this);
  }

  webStream(): ReadableStream<Uint8Array> {
    const pieces = spanPieces(this);
    const { signal } = this;
    return new ReadableStream<Uint8Array>({
      pull: (controller) => {
        if (signal?.aborted) throw abortError(signal, { bucket: this.bucket, key: this.key });
        const next = pieces.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
    });
  }
}
