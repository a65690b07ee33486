import {
  StorageError,
  abortableChunks,
  isStorageError,
  normalizeBody,
  type BodyInput,
  type ProgressEvent,
  type StorageErrorDetails,
} from '@stowage/core';
import { blockCheck, blockChecks, createMd5, md5Hex } from './digests.js';

/**
 * Bytes per stored block. Small enough that verifying the blocks a ranged read touches costs little,
 * large enough that a 1 GiB object is a few thousand of them.
 */
export const BLOCK_BYTES = 256 * 1024;

/** A body taken in: its own copy of the bytes, in blocks, with their checks and the MD5. */
export interface Ingested {
  blocks: Uint8Array[];
  checks: string[];
  size: number;
  md5: string;
}

export interface IngestOptions {
  details: { bucket: string; key: string };
  /** Bytes the body must have; anything else is `InvalidArgument`. */
  size?: number;
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
}

/**
 * Copies a body into blocks as it arrives: each byte is copied once, into memory the store owns, so
 * a caller that reuses or changes its buffer afterwards cannot change the stored object. Strings
 * and byte arrays are taken without an await; streams chunk by chunk, with the signal watched.
 */
export async function ingest(body: BodyInput, options: IngestOptions): Promise<Ingested> {
  await blockChecks();
  const { details } = options;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const bytes = typeof body === 'string' ? encoder.encode(body) : body;
    checkSize(options, bytes.byteLength, true);
    // A string's encoding is already a fresh array of ours; a caller's array is copied.
    const blocks = typeof body === 'string' && bytes.byteLength <= BLOCK_BYTES ? (bytes.byteLength ? [bytes] : []) : split(bytes);
    const ingested = { blocks, checks: blocks.map(blockCheck), size: bytes.byteLength, md5: md5Hex(bytes) };
    report(options, bytes.byteLength, bytes.byteLength);
    return ingested;
  }
  const normalized = normalizeBody(body, details);
  const expected = options.size ?? normalized.size;
  const writer = new BlockWriter();
  const iterator = abortableChunks(normalized.chunks, options.signal, details)[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Uint8Array>;
    try {
      next = await iterator.next();
    } catch (error) {
      throw bodyFailed(error, details);
    }
    if (next.done) break;
    const chunk = next.value;
    if (expected !== undefined && writer.size + chunk.byteLength > expected) {
      await iterator.return?.(undefined);
      throw new StorageError('InvalidArgument', `the body is longer than the given size of ${expected} bytes`, details);
    }
    const sealed = writer.add(chunk);
    // A source that never waits on I/O would otherwise hold the event loop, so timers (and with
    // them timeouts and aborts) never run; a turn of the loop per filled block costs little.
    if (sealed) await nextTurn();
    try {
      report(options, writer.size, chunk.byteLength, expected);
    } catch (error) {
      await iterator.return?.(undefined);
      throw error;
    }
  }
  checkSize({ ...options, ...(expected !== undefined ? { size: expected } : {}) }, writer.size, false);
  return writer.finish();
}

const encoder = new TextEncoder();

/** Resolves on a later turn of the event loop, after pending timers and I/O callbacks. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}

/** Copies `bytes` into blocks of {@link BLOCK_BYTES}. */
function split(bytes: Uint8Array): Uint8Array[] {
  const blocks: Uint8Array[] = [];
  for (let at = 0; at < bytes.byteLength; at += BLOCK_BYTES) blocks.push(bytes.slice(at, at + BLOCK_BYTES));
  return blocks;
}

function checkSize(options: IngestOptions, size: number, whole: boolean): void {
  if (options.size === undefined || options.size === size) return;
  const why = whole || size < options.size ? `the body has ${size} bytes, not the given size of ${options.size}` : `the body is longer than the given size of ${options.size} bytes`;
  throw new StorageError('InvalidArgument', why, options.details);
}

/** Calls `onProgress`; a callback that throws fails the write with `InvalidArgument`. */
function report(options: IngestOptions, loaded: number, delta: number, total = options.size): void {
  if (!options.onProgress) return;
  try {
    options.onProgress({ ...options.details, loaded, delta, ...(total !== undefined ? { total } : {}) });
  } catch (error) {
    throw new StorageError('InvalidArgument', `the onProgress callback threw: ${error instanceof Error ? error.message : String(error)}`, {
      ...options.details,
      cause: error,
    });
  }
}

function bodyFailed(error: unknown, details: StorageErrorDetails): StorageError {
  if (isStorageError(error)) return error;
  return new StorageError('InvalidArgument', `reading the body failed: ${error instanceof Error ? error.message : String(error)}`, {
    ...details,
    cause: error,
  });
}

/** Fills blocks of {@link BLOCK_BYTES} from chunks of any size, hashing as it goes. */
class BlockWriter {
  size = 0;
  private readonly blocks: Uint8Array[] = [];
  private readonly checks: string[] = [];
  private readonly md5 = createMd5();
  private current: Uint8Array | undefined;
  private used = 0;

  /** Adds `chunk`; true when it filled at least one block. */
  add(chunk: Uint8Array): boolean {
    let sealed = false;
    this.md5.update(chunk);
    this.size += chunk.byteLength;
    for (let at = 0; at < chunk.byteLength; ) {
      this.current ??= new Uint8Array(BLOCK_BYTES);
      const n = Math.min(BLOCK_BYTES - this.used, chunk.byteLength - at);
      this.current.set(chunk.subarray(at, at + n), this.used);
      this.used += n;
      at += n;
      if (this.used === BLOCK_BYTES) {
        this.seal(this.current);
        sealed = true;
      }
    }
    return sealed;
  }

  finish(): Ingested {
    // The last block is trimmed to its bytes (a copy of at most one block), so a small object
    // does not hold a whole block's memory.
    if (this.current && this.used > 0) this.seal(this.current.slice(0, this.used));
    return { blocks: this.blocks, checks: this.checks, size: this.size, md5: this.md5.hex() };
  }

  private seal(block: Uint8Array): void {
    this.blocks.push(block);
    this.checks.push(blockCheck(block));
    this.current = undefined;
    this.used = 0;
  }
}
