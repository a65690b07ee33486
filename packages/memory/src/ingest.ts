import { type CountedBody, allocOwnBytes, writeUtf8 } from '@stowage/core';
import { checkOf } from './digests.js';
import { createMd5, md5Hex } from '@stowage/core/md5';
import type { Slabs } from './slab.js';

/**
 * Bytes per stored block. Small enough that verifying the blocks a ranged read touches costs little,
 * large enough that a 1 GiB object is a few thousand of them.
 */
export const BLOCK_BYTES = 256 * 1024;

/** A body taken in: its own copy of the bytes, with their checks and the MD5 (`data`, `offset` and `check` as in `StoredVersion`). */
export interface Ingested {
  data: ArrayBufferLike | Uint8Array[];
  offset: number;
  check: number | number[];
  size: number;
  md5: string;
}

const EMPTY = new Uint8Array(0);

/** One block's worth of bytes as an `Ingested`. */
function single(block: Uint8Array, md5: string): Ingested {
  return { data: block.buffer, offset: block.byteOffset, check: checkOf(block), size: block.byteLength, md5 };
}

/**
 * Takes in a body given whole (a string or a byte array), synchronously: each byte is copied once,
 * into memory the store owns, so a caller that reuses or changes its buffer afterwards cannot
 * change the stored object.
 */
export function ingestWhole(body: CountedBody, whole: string | Uint8Array, slabs: Slabs): Ingested {
  const bytes = typeof whole === 'string' ? encode(whole, body.size ?? 0, slabs) : own(whole, slabs);
  const size = bytes.byteLength;
  const md5 = md5Hex(bytes);
  let ingested: Ingested;
  if (size <= BLOCK_BYTES) {
    ingested = single(bytes, md5);
  } else {
    // Blocks are views of the one copy: no second copy, and the object's memory is freed as one.
    const blocks: Uint8Array[] = [];
    const checks: number[] = [];
    for (let at = 0; at < size; at += BLOCK_BYTES) {
      const block = bytes.subarray(at, Math.min(at + BLOCK_BYTES, size));
      blocks.push(block);
      checks.push(checkOf(block));
    }
    ingested = { data: blocks, offset: 0, check: checks, size, md5 };
  }
  body.tookWhole();
  return ingested;
}

/** A copy of `bytes` in memory of the store's own (a small one cut from a slab, see slab.ts). */
function own(bytes: Uint8Array, slabs: Slabs): Uint8Array {
  if (bytes.byteLength === 0) return EMPTY;
  const copy = slabs.allocate(bytes.byteLength);
  copy.set(bytes);
  return copy;
}

/** `text` (`size` bytes as UTF-8) in memory of the store's own (not Node's pool, which any Buffer user can reach). */
function encode(text: string, size: number, slabs: Slabs): Uint8Array {
  if (size === 0) return EMPTY;
  const bytes = slabs.allocate(size);
  writeUtf8(text, bytes);
  return bytes;
}

/** Copies a streamed body into blocks as it arrives (each byte once, into memory the store owns). */
export async function ingestStream(body: CountedBody): Promise<Ingested> {
  const writer = new BlockWriter(body.size);
  for await (const chunk of body.chunks()) writer.add(chunk);
  return writer.finish();
}

/** Fills blocks of {@link BLOCK_BYTES} from chunks of any size, hashing as it goes. */
class BlockWriter {
  size = 0;
  private readonly blocks: Uint8Array[] = [];
  private readonly checks: number[] = [];
  private readonly md5 = createMd5();
  private current: Uint8Array | undefined;
  private used = 0;

  /** `expected`: the body's size when known, so a small body gets a block of its size. */
  constructor(private readonly expected: number | undefined) {}

  /** Adds `chunk`. */
  add(chunk: Uint8Array): void {
    this.md5.update(chunk);
    this.size += chunk.byteLength;
    for (let at = 0; at < chunk.byteLength; ) {
      this.current ??= this.allocate();
      const n = Math.min(this.current.byteLength - this.used, chunk.byteLength - at);
      this.current.set(n === chunk.byteLength ? chunk : chunk.subarray(at, at + n), this.used);
      this.used += n;
      at += n;
      if (this.used === this.current.byteLength) {
        this.seal(this.current);
      }
    }
  }

  finish(): Ingested {
    const md5 = this.md5.hex();
    // The last block is trimmed to its bytes (a copy of at most one block) unless it is full, so a
    // small object does not hold a whole block's memory.
    if (this.current && this.used > 0) this.seal(this.used === this.current.byteLength ? this.current : this.current.slice(0, this.used));
    const { blocks, checks, size } = this;
    if (blocks.length === 0) return single(EMPTY, md5);
    if (blocks.length === 1) {
      const block = blocks[0] as Uint8Array;
      return { data: block.buffer, offset: block.byteOffset, check: checks[0] as number, size, md5 };
    }
    return { data: blocks, offset: 0, check: checks, size, md5 };
  }

  /** The next block: a whole one, or what is left of a body of known size. Not zero-filled: every byte is written before it is read. */
  private allocate(): Uint8Array {
    const left = this.expected === undefined ? BLOCK_BYTES : this.expected - this.blocks.length * BLOCK_BYTES;
    return allocOwnBytes(left > 0 && left < BLOCK_BYTES ? left : BLOCK_BYTES);
  }

  private seal(block: Uint8Array): void {
    this.blocks.push(block);
    this.checks.push(checkOf(block));
    this.current = undefined;
    this.used = 0;
  }
}
