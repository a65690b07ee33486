import sortedBtree from 'sorted-btree';
import { compareKeys } from '@stowage/core';

// sorted-btree is CommonJS with `exports.default`: Node's ESM loader hands over the whole
// `module.exports`, while bundlers and CommonJS builds hand over the class itself.
const BTree: typeof sortedBtree.default =
  (sortedBtree as unknown as { default?: typeof sortedBtree.default }).default ?? (sortedBtree as unknown as typeof sortedBtree.default);

/** A surrogate code unit: the only UTF-16 units whose order differs from their code points' order. */
const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * A bucket's keys in S3's listing order (UTF-8 bytes, i.e. code point order), each with its value,
 * in a B+ tree (sorted-btree), so a listing seeks to where it starts and reads the values in order
 * from the leaves, without a lookup per key or a sort per listing.
 *
 * Keys are compared with `<` (native, no per-character loop) until a string with a surrogate
 * comes by: only then can UTF-16 order and code point order differ, and from then on the bucket
 * uses `compareKeys`. The two orders agree on every string without surrogates, so the keys already
 * in place stay in order when the comparison changes.
 */
export class SortedKeys<V> {
  private plain = true;
  private readonly tree = new BTree<string, V>(undefined, (a, b) => (this.plain ? (a < b ? -1 : a > b ? 1 : 0) : compareKeys(a, b)));

  get size(): number {
    return this.tree.size;
  }

  /** Adds `key` with `value`, or replaces its value. */
  set(key: string, value: V): void {
    this.notice(key);
    this.tree.set(key, value, true);
  }

  /** Removes `key` when it is there. */
  remove(key: string): void {
    this.tree.delete(key);
  }

  /** A cursor at the first key at or after `key` (at the first key of all without one). */
  from(key?: string): KeyCursor<V> {
    if (key === undefined || key === '') return new KeyCursor(this.tree.entries());
    this.notice(key);
    return new KeyCursor(this.tree.entries(key));
  }

  /** Every key and its value, in order. */
  entries(): IterableIterator<[string, V]> {
    return this.tree.entries();
  }

  clear(): void {
    this.tree.clear();
  }

  /** Switches to `compareKeys` for good once a string with a surrogate takes part. */
  private notice(key: string): void {
    if (this.plain && SURROGATE.test(key)) this.plain = false;
  }
}

/**
 * Walks keys in order from a position, with their values. Valid only while the keys do not change:
 * a listing page reads in one synchronous step and seeks afresh for the next.
 */
export class KeyCursor<V> {
  /** The value of the key `next()` returned last. */
  value: V | undefined;

  constructor(private readonly pairs: Iterator<[string, V]>) {}

  /** The next key, or `undefined` after the last. */
  next(): string | undefined {
    const next = this.pairs.next();
    if (next.done) return undefined;
    this.value = next.value[1];
    return next.value[0];
  }
}
