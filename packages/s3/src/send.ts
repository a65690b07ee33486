import type { S3Client } from '@aws-sdk/client-s3';
import { throwIfAborted, type Capabilities } from '@stowage/core';
import { toStorageError, type ErrorContext } from './errors.js';
import type { ResolvedIntegrityOptions } from './integrity.js';

/** What every operation needs: the client, and the secrets to keep out of messages. */
export interface DriverContext {
  readonly client: S3Client;
  /** What the server can do; key shapes it cannot store are rejected before any I/O. */
  readonly capabilities: Capabilities;
  /** Secret strings (secret key, session token) to redact from error messages, when known. */
  readonly secrets: readonly string[];
  /** What the driver verifies (Content-MD5 on uploads, MD5 of full reads). */
  readonly integrity: ResolvedIntegrityOptions;
  /** Times a read's body is resumed (ranged GET of the rest) after its connection breaks; 0: never. */
  readonly bodyResumes?: number;
}

/**
 * Runs one SDK call (given the abort signal to pass on), rejecting only with `StorageError`:
 * `Aborted` at once when the signal already fired, the mapped S3 error otherwise.
 */
export async function call<T>(
  ctx: DriverContext,
  context: ErrorContext,
  run: (abortSignal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  const details = {
    ...(context.bucket !== undefined ? { bucket: context.bucket } : {}),
    ...(context.key !== undefined ? { key: context.key } : {}),
  };
  throwIfAborted(context.signal, details);
  try {
    return await run(context.signal);
  } catch (error) {
    throw toStorageError(error, context, ctx.secrets);
  }
}

/** The secrets in static credentials, to redact from messages (a provider's are not known up front). */
export function staticSecrets(credentials: unknown): string[] {
  if (typeof credentials !== 'object' || credentials === null) return [];
  const { secretAccessKey, sessionToken } = credentials as { secretAccessKey?: unknown; sessionToken?: unknown };
  return [secretAccessKey, sessionToken].filter((s): s is string => typeof s === 'string' && s.length > 0);
}
