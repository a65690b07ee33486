import { StorageError, type StorageErrorDetails } from './errors.js';
import type { ByteRange } from './storage.js';

/** Throws `InvalidArgument` for a range no request could express (negative, fractional, empty). */
export function assertRange(range: ByteRange | undefined, details: StorageErrorDetails = {}): void {
  if (range === undefined) return;
  const bad = (why: string) => new StorageError('InvalidArgument', `invalid range: ${why}`, details);
  if ('suffix' in range) {
    if (!Number.isSafeInteger(range.suffix) || range.suffix < 1) throw bad('suffix must be a whole number ≥ 1');
    return;
  }
  if (!Number.isSafeInteger(range.offset) || range.offset < 0) throw bad('offset must be a whole number ≥ 0');
  if (range.length !== undefined && (!Number.isSafeInteger(range.length) || range.length < 1)) {
    throw bad('length must be a whole number ≥ 1');
  }
}

/**
 * The bytes a range selects in an object of `size` bytes, with S3's rules: a length past the end is
 * cut short, a suffix longer than the object is the whole object, and a range that starts at or
 * after the end is `InvalidRange`.
 */
export function resolveRange(range: ByteRange, size: number, details: StorageErrorDetails = {}): { offset: number; length: number } {
  assertRange(range, details);
  if ('suffix' in range) {
    if (size === 0) throw new StorageError('InvalidRange', 'the range is not satisfiable: the object is empty', details);
    const length = Math.min(range.suffix, size);
    return { offset: size - length, length };
  }
  if (range.offset >= size) {
    throw new StorageError(
      'InvalidRange',
      `the range is not satisfiable: offset ${range.offset} is at or past the end of a ${size}-byte object`,
      details,
    );
  }
  const end = range.length === undefined ? size : Math.min(size, range.offset + range.length);
  return { offset: range.offset, length: end - range.offset };
}

/** The HTTP `Range` header value for a range (`bytes=10-19`, `bytes=10-`, `bytes=-5`). */
export function rangeHeader(range: ByteRange): string {
  if ('suffix' in range) return `bytes=-${range.suffix}`;
  return range.length === undefined ? `bytes=${range.offset}-` : `bytes=${range.offset}-${range.offset + range.length - 1}`;
}
