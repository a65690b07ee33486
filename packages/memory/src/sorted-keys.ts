import { compareKeys } from '@stowage/core';

/** Keys per chunk at most; a full chunk splits in two halves. */
const CHUNK_MAX = 512;

/** A surrogate code unit: the only UTF-16 units whose order differs from their code points' order. */
const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * A bucket's keys in S3's listing order (UTF-8 bytes, i.e. code point order), each with its value,
 * for listings that seek to where they start. A sorted list of sorted chunks: finding a key is a
 * binary search over the chunks' last keys and one within its chunk, and inserting or removing one
 * moves at most {@link CHUNK_MAX} references. The values sit beside the keys (as in a B+ tree's
 * leaves), so a listing reads them in order without a lookup per key.
 *
 * Keys are compared with `<` (native, no per-character loop) until a string with a surrogate
 * comes by: only then can UTF-16 order and code point order differ, and from then on the bucket
 * uses `compareKeys`. The two orders agree on every string without surrogates, so the keys already
 * in place stay in order when the comparison changes.
 */
export class SortedKeys<V> {
  private chunks: string[][] = [];
  /** The values of each chunk's keys, at the same places. */
  private values: V[][] = [];
  /** The last key of each chunk. */
  private lasts: string[] = [];
  private count = 0;
  private plain = true;

  get size(): number {
    return this.count;
  }

  /** Adds `key`, which must not be present, with `value`. */
  add(key: string, value: V): void {
    this.notice(key);
    this.count++;
    const { chunks, values, lasts } = this;
    if (chunks.length === 0) {
      chunks.push([key]);
      values.push([value]);
      lasts.push(key);
      return;
    }
    let c = this.chunkOf(key);
    if (c === chunks.length) c--; // after every key: the last chunk takes it
    const chunk = chunks[c] as string[];
    const chunkValues = values[c] as V[];
    const at = this.position(chunk, key);
    if (at === chunk.length) {
      chunk.push(key);
      chunkValues.push(value);
      lasts[c] = key;
    } else {
      chunk.splice(at, 0, key);
      chunkValues.splice(at, 0, value);
    }
    if (chunk.length > CHUNK_MAX) {
      chunks.splice(c + 1, 0, chunk.splice(CHUNK_MAX >>> 1));
      values.splice(c + 1, 0, chunkValues.splice(CHUNK_MAX >>> 1));
      lasts.splice(c, 0, chunk[chunk.length - 1] as string);
    }
  }

  /** Replaces the value of `key`, which must be present. */
  update(key: string, value: V): void {
    const c = this.chunkOf(key);
    const chunk = this.chunks[c];
    if (chunk === undefined) return;
    const at = this.position(chunk, key);
    if (chunk[at] === key) (this.values[c] as V[])[at] = value;
  }

  /** Removes `key`, which must be present. */
  remove(key: string): void {
    const { chunks, values, lasts } = this;
    const c = this.chunkOf(key);
    const chunk = chunks[c];
    if (chunk === undefined) return;
    const chunkValues = values[c] as V[];
    const at = this.position(chunk, key);
    if (chunk[at] !== key) return;
    this.count--;
    if (chunk.length === 1) {
      chunks.splice(c, 1);
      values.splice(c, 1);
      lasts.splice(c, 1);
    } else if (at === chunk.length - 1) {
      chunk.pop();
      chunkValues.pop();
      lasts[c] = chunk[at - 1] as string;
    } else {
      chunk.splice(at, 1);
      chunkValues.splice(at, 1);
    }
  }

  /** A cursor at the first key at or after `key` (at the first key of all without one). */
  from(key?: string): KeyCursor<V> {
    if (key === undefined || key === '') return new KeyCursor(this.chunks, this.values, 0, 0);
    this.notice(key);
    const c = this.chunkOf(key);
    const chunk = this.chunks[c];
    return new KeyCursor(this.chunks, this.values, c, chunk === undefined ? 0 : this.position(chunk, key));
  }

  /** Every key and its value, in order. */
  *entries(): Generator<[string, V]> {
    for (let c = 0; c < this.chunks.length; c++) {
      const chunk = this.chunks[c] as string[];
      const chunkValues = this.values[c] as V[];
      for (let i = 0; i < chunk.length; i++) yield [chunk[i] as string, chunkValues[i] as V];
    }
  }

  clear(): void {
    this.chunks = [];
    this.values = [];
    this.lasts = [];
    this.count = 0;
  }

  /** Switches to `compareKeys` for good once a string with a surrogate takes part. */
  private notice(key: string): void {
    if (this.plain && SURROGATE.test(key)) this.plain = false;
  }

  /** The first chunk whose last key is at or after `key` (`chunks.length` when there is none). */
  private chunkOf(key: string): number {
    const lasts = this.lasts;
    let lo = 0;
    let hi = lasts.length;
    if (this.plain) {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((lasts[mid] as string) < key) lo = mid + 1;
        else hi = mid;
      }
    } else {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compareKeys(lasts[mid] as string, key) < 0) lo = mid + 1;
        else hi = mid;
      }
    }
    return lo;
  }

  /** The index of the first key of `chunk` at or after `key`. */
  private position(chunk: string[], key: string): number {
    let lo = 0;
    let hi = chunk.length;
    if (this.plain) {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((chunk[mid] as string) < key) lo = mid + 1;
        else hi = mid;
      }
    } else {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compareKeys(chunk[mid] as string, key) < 0) lo = mid + 1;
        else hi = mid;
      }
    }
    return lo;
  }
}

/**
 * Walks keys in order from a position, with their values. Valid only while the keys do not change:
 * a listing page reads in one synchronous step and seeks afresh for the next.
 */
export class KeyCursor<V> {
  /** The value of the key `next()` returned last. */
  value: V | undefined;

  constructor(
    private readonly chunks: string[][],
    private readonly values: V[][],
    private chunk: number,
    private index: number,
  ) {}

  /** The next key, or `undefined` after the last. */
  next(): string | undefined {
    for (;;) {
      const chunk = this.chunks[this.chunk];
      if (chunk === undefined) return undefined;
      if (this.index < chunk.length) {
        this.value = (this.values[this.chunk] as V[])[this.index];
        return chunk[this.index++];
      }
      this.chunk++;
      this.index = 0;
    }
  }
}
