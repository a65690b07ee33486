import { allocOwnBytes, bytesView } from '@stowage/core';

/**
 * Memory for small byte arrays, cut from shared slabs. Every ArrayBuffer costs an allocation
 * outside V8's heap and bookkeeping for the garbage collector, several times what copying a few
 * KiB costs; so small arrays share one, as Node's `Buffer.allocUnsafe` does below 4 KiB (and
 * memcached does with its slabs). The price: a slab's memory is freed only once none of the arrays
 * cut from it is reachable, so a store whose small objects are mostly deleted or overwritten may
 * keep up to a slab (64 KiB for the store's) per object it still holds.
 */
export class Slabs {
  private slab: ArrayBuffer | undefined;
  private used = 0;

  /**
   * @param slabBytes the size of each slab
   * @param maxBytes the largest array cut from a slab (larger ones get their own memory)
   */
  constructor(
    private readonly slabBytes: number,
    readonly maxBytes: number,
  ) {}

  /**
   * `n` (at most `maxBytes`) bytes, not zero-filled (a Buffer in Node); they start on a multiple of 8,
   * so any typed array can view them.
   */
  take(n: number): Uint8Array {
    let slab = this.slab;
    if (slab === undefined || this.used + n > this.slabBytes) {
      slab = this.slab = allocOwnBytes(this.slabBytes).buffer as ArrayBuffer;
      this.used = 0;
    }
    const out = bytesView(slab, this.used, n);
    this.used = (this.used + n + 7) & ~7;
    return out;
  }

  /** `n` bytes of memory of their own (from a slab when `n` is small enough), not zero-filled. */
  allocate(n: number): Uint8Array {
    return n <= this.maxBytes ? this.take(n) : allocOwnBytes(n);
  }
}
