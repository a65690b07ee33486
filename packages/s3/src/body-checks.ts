import { StorageError } from '@stowage/core';
import type { Md5 } from '@stowage/core/md5';

/**
 * What a response body must turn out to be, and how its failures are named: the rules both
 * `verifiedBody`s (Node streams in `verified-body.ts`, web streams in `verified-body.web.ts`) keep.
 */

/** What a response body must turn out to be. */
export interface BodyExpectation {
  /** Bytes the response announced (`Content-Length`); fewer at the end is a failure. */
  length?: number;
  /** Hex MD5 of the whole body (a full read of a single-part object), when it is to be checked. */
  md5?: string;
}

/** Turns a cause into the driver's error for this body. */
export type BodyFail = (code: 'Unavailable' | 'ChecksumMismatch', message: string, cause?: unknown) => Error;

/** How to go on with a body whose connection broke: a new body from a byte position on. */
export interface BodyResume<Body> {
  /** Times to resume one body, at most. */
  attempts: number;
  /** The rest of the body from `position` (counted from this response's first byte), same object version. */
  from(position: number): Promise<Body>;
  /** Called before each resumption, with the failure (for tests and logs). */
  onResume?(position: number, cause: unknown): void;
}

/** Why a body that ended after `seen` bytes is not the announced one, or `undefined` when it is. */
export function endFailure(seen: number, expect: BodyExpectation, hash: Md5 | undefined, fail: BodyFail): Error | undefined {
  if (expect.length !== undefined && seen !== expect.length) {
    return fail('Unavailable', `the response ended after ${seen} of ${expect.length} bytes`);
  }
  if (!hash) return undefined;
  const actual = hash.hex();
  if (actual === expect.md5) return undefined;
  return fail('ChecksumMismatch', `the body's MD5 is ${actual}, its ETag says ${expect.md5}: the bytes were corrupted`);
}

/** The failure of a response that ended cleanly short of its announced length. */
export function shortBody(received: number, expect: BodyExpectation): Error {
  return new Error(`the response ended after ${received} of ${expect.length ?? '?'} bytes`);
}

/** The error a body fails with when its connection broke after `seen` bytes and is not resumed. */
export function bodyFailure(error: unknown, seen: number, expect: BodyExpectation, fail: BodyFail): Error {
  if (error instanceof StorageError) return error;
  const message = error instanceof Error ? error.message : String(error);
  // The SDK's own response checksum validation (x-amz-checksum-*), when it is on.
  if (/checksum mismatch/i.test(message)) return fail('ChecksumMismatch', `the body did not match its checksum: ${message}`, error);
  const of = expect.length !== undefined ? ` of ${expect.length}` : '';
  return fail('Unavailable', `the connection failed after ${seen}${of} bytes of the body: ${message}`, error);
}

/** A failure of the connection (not of the bytes, not an abort): worth resuming. */
export function connectionFailure(error: unknown): boolean {
  if (error instanceof StorageError) return error.code === 'Unavailable';
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'AbortError') return false;
  const message = error instanceof Error ? error.message : String(error);
  return !/checksum mismatch/i.test(message);
}

/**
 * What a body that could not be resumed fails for: the connection's failure is what the reader
 * needs to hear about, unless the resumption said something definite (the object changed, access
 * denied).
 */
export function unresumedReason(resumeError: unknown, failure: unknown): unknown {
  return resumeError instanceof StorageError && resumeError.code !== 'Unavailable' ? resumeError : failure;
}

/** Milliseconds to wait before resumption `round` (0 first): exponential backoff with jitter, at most 2 s. */
export function resumePause(round: number): number {
  return Math.min(2_000, 100 * 2 ** round) * (0.5 + Math.random() / 2);
}
