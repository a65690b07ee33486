import { type ErrorCode, isStorageError } from '@stowage/core';

/** Exit codes: 0 done, 1 an operation failed, 2 the command line was wrong, 130 interrupted (128 + SIGINT). */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** A command line that cannot run: exit code 2, with a pointer to the command's `--help`. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * An operation over many items (a recursive copy, a sync) where some failed: each failure was
 * reported as it happened, so only the count is left to say.
 */
export class FailuresReported extends Error {
  override readonly name = 'FailuresReported';
  constructor(
    readonly failed: number,
    readonly total: number,
  ) {
    super(`${failed} of ${total} operations failed`);
  }
}

// Codes whose name and location say everything; other codes get the driver's message after them.
const SELF_EXPLAINING = new Set<ErrorCode>(['NoSuchBucket', 'NoSuchKey', 'BucketAlreadyExists']);

// What to do next, where there is one obvious thing.
const HINTS: Partial<Record<ErrorCode, string>> = {
  BucketNotEmpty: 'the bucket holds objects; rb --force deletes them first',
};

/**
 * One line for stderr: `stowage: NoSuchKey: stow://photos/cat.jpg`. The location is the one the
 * error names (`bucket`/`key`), so in a recursive command it is the item that failed.
 */
export function errorLine(error: unknown, formatObject: (bucket: string, key?: string) => string): string {
  if (isStorageError(error)) {
    const location = error.bucket !== undefined ? formatObject(error.bucket, error.key) : undefined;
    const parts: string[] = [error.code];
    if (location !== undefined) parts.push(location);
    const hint = HINTS[error.code];
    if (hint !== undefined) parts.push(hint);
    else if (!SELF_EXPLAINING.has(error.code) || location === undefined) parts.push(oneLine(error.message));
    return `stowage: ${parts.join(': ')}`;
  }
  if (error instanceof UsageError) return `stowage: ${oneLine(error.message)}`;
  if (error instanceof Error) return `stowage: ${oneLine(error.message)}`;
  return `stowage: ${oneLine(String(error))}`;
}

/** The stack and the chain of causes, for `--debug`. */
export function debugDetails(error: unknown): string {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 8; depth++) {
    const text = current instanceof Error ? (current.stack ?? `${current.name}: ${current.message}`) : String(current);
    lines.push(depth === 0 ? text : `caused by: ${text}`);
    current = current instanceof Error ? current.cause : undefined;
  }
  return lines.join('\n');
}

/** The exit code an error ends the command with. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError) return EXIT.usage;
  if (isStorageError(error, 'Aborted')) return EXIT.interrupted;
  return EXIT.failed;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
