import type { ErrorCode, StorageError } from '@stowage/core';

/**
 * A stowage `StorageError` (with `code`, when given), told by its name and code rather than by
 * `instanceof`: this module is on the path of every command line, `--help` included, and must not
 * load @stowage/core for it; and an error from a second copy of core (ESM beside CommonJS) is still
 * recognised.
 */
function isStorageError(error: unknown, code?: ErrorCode): error is StorageError {
  if (!(error instanceof Error) || error.name !== 'StorageError') return false;
  const found = (error as { code?: unknown }).code;
  return typeof found === 'string' && (code === undefined || found === code);
}

/** Exit codes: 0 done, 1 an operation failed, 2 the command line was wrong, 130 interrupted (128 + SIGINT). */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/**
 * A command line that cannot run: exit code 2, with a pointer to the command's `--help`. With a
 * `code` (a bad config file, an unknown named store), its line names it as a StorageError's does.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly code?: ErrorCode,
  ) {
    super(message);
  }
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

// Environment variables holding secrets the AWS SDK's default chain reads.
const SECRET_ENV = ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN'] as const;

// Signed-request material a server may echo back into an error (headers and query parameters).
const SIGNED_PATTERNS: readonly RegExp[] = [
  /(x-amz-security-token\s*[:=]\s*)[^\s&"'<>]+/gi,
  /(X-Amz-(?:Signature|Credential)=)[^&\s"'<>]+/gi,
  /(Signature=)[0-9a-f]{16,}/gi,
];

/**
 * The secrets this run must never print (the secret key and session token of the environment, and
 * those the store's SDK resolved), with the encodings they could be echoed in. Error lines and
 * `--debug` details go through {@link Secrets.redact}: the S3 driver redacts the secrets it was
 * given, but the CLI's come from the SDK's default chain, which the driver does not see.
 */
export class Secrets {
  private readonly forms = new Set<string>();

  constructor(env: NodeJS.ProcessEnv = {}) {
    for (const name of SECRET_ENV) this.add(env[name]);
  }

  /** Adds a secret (ignored unless a string of 4 characters or more). */
  add(secret: unknown): void {
    if (typeof secret !== 'string' || secret.length < 4) return;
    const bytes = Buffer.from(secret);
    for (const form of [secret, encodeURIComponent(secret), encodeURI(secret), bytes.toString('base64'), bytes.toString('base64url')]) {
      this.forms.add(form);
      this.forms.add(form.toLowerCase());
    }
  }

  /** `text` with every known secret, and signed-request material, replaced by `[redacted]`. */
  redact(text: string): string {
    let out = text;
    // Longest first, so an encoded form is not half-replaced by a shorter one inside it.
    for (const form of [...this.forms].sort((a, b) => b.length - a.length)) out = out.split(form).join('[redacted]');
    for (const pattern of SIGNED_PATTERNS) out = out.replace(pattern, '$1[redacted]');
    return out;
  }
}

/**
 * One line for stderr: `stowage: NoSuchKey: stow://photos/cat.jpg`. The location is the one the
 * error names (`bucket`/`key`), so in a recursive command it is the item that failed.
 */
export function errorLine(error: unknown, formatObject: (bucket: string, key?: string) => string, secrets?: Secrets): string {
  const line = rawErrorLine(error, formatObject);
  return secrets ? secrets.redact(line) : line;
}

function rawErrorLine(error: unknown, formatObject: (bucket: string, key?: string) => string): string {
  if (isStorageError(error)) {
    const location = error.bucket !== undefined ? formatObject(error.bucket, error.key) : undefined;
    const parts: string[] = [error.code];
    if (location !== undefined) parts.push(location);
    const hint = HINTS[error.code];
    if (hint !== undefined) parts.push(hint);
    else if (!SELF_EXPLAINING.has(error.code) || location === undefined) parts.push(oneLine(error.message));
    return `stowage: ${parts.join(': ')}`;
  }
  if (error instanceof UsageError) return `stowage: ${error.code !== undefined ? `${error.code}: ` : ''}${oneLine(error.message)}`;
  if (error instanceof Error) return `stowage: ${oneLine(error.message)}`;
  return `stowage: ${oneLine(String(error))}`;
}

/** The stack and the chain of causes, for `--debug` (secrets redacted). */
export function debugDetails(error: unknown, secrets?: Secrets): string {
  const text = rawDebugDetails(error);
  return secrets ? secrets.redact(text) : text;
}

function rawDebugDetails(error: unknown): string {
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
