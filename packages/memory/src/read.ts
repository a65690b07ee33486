import { Readable } from 'node:stream';
import { abortError, type GetResult, type ObjectInfo } from '@stowage/core';
import { BLOCK_BYTES } from './ingest.js';
import { verifyBlock, type StoredVersion } from './version.js';

/** What a read covers: one version, from `offset` for `length` bytes. */
export interface ReadSpan {
  version: StoredVersion;
  offset: number;
  length: number;
  bucket: string;
  key: string;
}

/**
 * The pieces of a span, block by block, each block checked against its at-rest digest before any
 * of its bytes go out (so a ranged read is checked too) and copied, so a reader that changes what
 * it got cannot change the stored object.
 */
export function* spanPieces(span: ReadSpan): Generator<Uint8Array> {
  const end = span.offset + span.length;
  for (let index = Math.floor(span.offset / BLOCK_BYTES), start = index * BLOCK_BYTES; start < end; index++, start += BLOCK_BYTES) {
    const block = verifyBlock(span.version, index, span.bucket, span.key);
    yield block.slice(Math.max(0, span.offset - start), Math.min(block.byteLength, end - start));
  }
}

/** The whole span as one array (of the reader's own). */
export function spanBytes(span: ReadSpan): Uint8Array {
  const pieces = [...spanPieces(span)];
  if (pieces.length === 1) return pieces[0] as Uint8Array;
  const out = new Uint8Array(span.length);
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.byteLength;
  }
  return out;
}

/** A Node stream of a span, a block per read; a changed block or the signal ends it with that error. */
function spanReadable(span: ReadSpan, signal: AbortSignal | undefined): Readable {
  const pieces = spanPieces(span);
  const stream = new Readable({
    read() {
      try {
        const next = pieces.next();
        this.push(next.done ? null : Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength));
      } catch (error) {
        this.destroy(error as Error);
      }
    },
  });
  if (signal) {
    const details = { bucket: span.bucket, key: span.key };
    const onAbort = () => stream.destroy(abortError(signal, details));
    signal.addEventListener('abort', onAbort, { once: true });
    stream.once('close', () => signal.removeEventListener('abort', onAbort));
  }
  return stream;
}

/**
 * A {@link GetResult} over a stored version. The Node stream is made only when `body` is asked
 * for: `bytes()` and `text()` read the blocks directly, and `webStream()` is a web stream of them.
 */
export class MemoryGetResult implements GetResult {
  readonly range?: { offset: number; length: number };
  private stream: Readable | undefined;

  constructor(
    readonly info: ObjectInfo,
    private readonly span: ReadSpan,
    ranged: boolean,
    private readonly signal: AbortSignal | undefined,
  ) {
    if (ranged) this.range = { offset: span.offset, length: span.length };
  }

  get body(): Readable {
    this.stream ??= spanReadable(this.span, this.signal);
    return this.stream;
  }

  async bytes(): Promise<Uint8Array> {
    if (this.stream) return collect(this.stream);
    if (this.signal?.aborted) throw abortError(this.signal, { bucket: this.span.bucket, key: this.span.key });
    const bytes = spanBytes(this.span);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes());
  }

  webStream(): ReadableStream<Uint8Array> {
    if (this.stream) return Readable.toWeb(this.stream) as unknown as ReadableStream<Uint8Array>;
    const pieces = spanPieces(this.span);
    return new ReadableStream<Uint8Array>({
      pull: (controller) => {
        if (this.signal?.aborted) throw abortError(this.signal, { bucket: this.span.bucket, key: this.span.key });
        const next = pieces.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
    });
  }
}

async function collect(stream: Readable): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
}
