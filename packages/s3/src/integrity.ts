import { PutObjectCommand, UploadPartCommand, type S3Client } from '@aws-sdk/client-s3';
import { utf8Bytes } from '@stowage/core';
import { md5Bytes } from '@stowage/core/md5';
import { base64OfBytes, hexOfBytes } from './encodings.js';

/**
 * What the S3 driver verifies, beyond what the SDK does by itself. Every check is on by default;
 * see docs/integrity.md for what each costs and where it cannot apply.
 */
export interface S3IntegrityOptions {
  /**
   * Send `Content-MD5` with every PutObject and UploadPart whose body is in memory (the driver's
   * single puts and multipart parts always are), so the server rejects a body corrupted on
   * the way (`BadDigest`). Default: `true`.
   */
  contentMd5?: boolean;
  /**
   * Compare the ETag the server answers to a PutObject or UploadPart with that MD5, for servers
   * that ignore `Content-MD5` (s3rver) and store what they got. Skipped when the answer says the
   * object is encrypted with KMS or a customer key (its ETag is then no MD5), or the ETag is not
   * 32 hex digits. Turn it off for a server whose ETags are not MD5s. Default: `true`.
   */
  checkUploadEtag?: boolean;
  /**
   * Hash full (non-ranged) reads of single-part objects as they stream and fail the body with
   * `ChecksumMismatch` when the MD5 differs from the ETag. Default: `true`.
   */
  verifyDownloads?: boolean;
}

/** The integrity settings with their defaults filled in. */
export type ResolvedIntegrityOptions = Required<S3IntegrityOptions>;

export function resolveIntegrityOptions(options: S3IntegrityOptions | undefined): ResolvedIntegrityOptions {
  return {
    contentMd5: options?.contentMd5 ?? true,
    checkUploadEtag: options?.checkUploadEtag ?? true,
    verifyDownloads: options?.verifyDownloads ?? true,
  };
}

/** A plain MD5 ETag (`"<32 hex>"`): not multipart (`-N`), so it is the MD5 of the object's bytes. */
const MD5_ETAG = /^"?([0-9a-f]{32})"?$/i;

/** The hex MD5 an ETag stands for, or `undefined` when it is no plain MD5 (multipart, other servers). */
export function md5OfEtag(etag: string | undefined): string | undefined {
  const match = etag === undefined ? null : MD5_ETAG.exec(etag.trim());
  return match ? (match[1] as string).toLowerCase() : undefined;
}

/**
 * Whether an object's ETag can be the MD5 of its bytes, from the encryption the server reports:
 * S3 makes the ETag of an SSE-KMS, DSSE-KMS or SSE-C object something else.
 */
export function etagIsMd5(serverSideEncryption: string | undefined, customerAlgorithm: string | undefined): boolean {
  if (customerAlgorithm) return false;
  return serverSideEncryption === undefined || serverSideEncryption === '' || serverSideEncryption === 'AES256';
}

/** The body bytes of a request input, when they are in memory; `undefined` for streams. */
function bytesOf(body: unknown): Uint8Array | undefined {
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return utf8Bytes(body);
  return undefined;
}

/** An upload the server answered with an ETag that is not the MD5 of what was sent. */
export class UploadDigestError extends Error {
  override readonly name = 'BadDigest';
  /** Marks it for the SDK's retry middleware (the same bytes go again). */
  readonly $retryable = {};
  readonly $metadata: { httpStatusCode?: number } = {};
  constructor(operation: string, sent: string, etag: string) {
    super(`${operation}: the server answered ETag ${etag} to a body whose MD5 is ${sent}: the body was corrupted on the way`);
  }
}

// Server answers that say the body did not arrive as sent.
const DIGEST_ERRORS = new Set(['BadDigest', 'InvalidDigest', 'XAmzContentSHA256Mismatch', 'XAmzContentChecksumMismatch']);

interface Md5Args {
  input: Record<string, unknown>;
}
type Next = (args: Md5Args) => Promise<{ output: Record<string, unknown>; response: unknown }>;

interface CommandWithStack {
  input: Record<string, unknown>;
  middlewareStack: { add(middleware: unknown, options: Record<string, unknown>): void };
}

const MIDDLEWARE_TAG = Symbol('stowage integrity');

/**
 * Adds stowage's upload checks to one PutObject or UploadPart command (its own middleware stack,
 * never the client's):
 * - at `initialize`, outside the SDK's retries: `Content-MD5` of the body, computed once, so a
 *   retry sends the same bytes with the same digest;
 * - at `finalizeRequest`, inside the retries: a digest error from the server (`BadDigest`,
 *   `InvalidDigest`, a payload hash mismatch) is marked retryable, and an answered ETag that is
 *   not the MD5 sent is turned into a retryable `BadDigest`. Once the attempts are spent the last
 *   one surfaces, as `ChecksumMismatch`.
 */
function addUploadChecks(command: CommandWithStack, options: ResolvedIntegrityOptions, operation: string): void {
  const tagged = command as unknown as Record<symbol, boolean>;
  if (tagged[MIDDLEWARE_TAG]) return;
  tagged[MIDDLEWARE_TAG] = true;
  let md5Hex: string | undefined;
  command.middlewareStack.add(
    (next: Next) => async (args: Md5Args) => {
      const bytes = bytesOf(args.input.Body);
      if (!bytes || args.input.ContentMD5 !== undefined) return next(args);
      const digest = md5Bytes(bytes);
      md5Hex = hexOfBytes(digest);
      return next({ ...args, input: { ...args.input, ContentMD5: base64OfBytes(digest) } });
    },
    { step: 'initialize', name: 'stowageContentMd5', priority: 'low', override: true },
  );
  command.middlewareStack.add(
    (next: Next) => async (args: Md5Args) => {
      let result: Awaited<ReturnType<Next>>;
      try {
        result = await next(args);
      } catch (error) {
        const name = (error as { name?: unknown; Code?: unknown } | null)?.name;
        const code = (error as { Code?: unknown } | null)?.Code;
        if (
          md5Hex !== undefined &&
          typeof error === 'object' &&
          error !== null &&
          (DIGEST_ERRORS.has(String(name)) || DIGEST_ERRORS.has(String(code)))
        ) {
          (error as { $retryable?: object }).$retryable ??= {};
        }
        throw error;
      }
      if (md5Hex !== undefined && options.checkUploadEtag) {
        const output = result.output as { ETag?: string; ServerSideEncryption?: string; SSECustomerAlgorithm?: string };
        const answered = md5OfEtag(output.ETag);
        if (answered !== undefined && answered !== md5Hex && etagIsMd5(output.ServerSideEncryption, output.SSECustomerAlgorithm)) {
          const error = new UploadDigestError(operation, md5Hex, output.ETag ?? '');
          const status = (result.response as { statusCode?: number } | undefined)?.statusCode;
          if (status !== undefined) error.$metadata.httpStatusCode = status;
          throw error;
        }
      }
      return result;
    },
    { step: 'finalizeRequest', name: 'stowageUploadDigestCheck', priority: 'low', override: true },
  );
}

/**
 * The client the driver's operations send through: `client` itself for everything but `send`,
 * which adds the upload checks to PutObject and UploadPart commands. Only the commands are
 * changed, so a client the caller passed in is never altered, and `storage.client` (the raw
 * client) keeps the SDK's own behaviour.
 */
export function integrityClient(client: S3Client, options: ResolvedIntegrityOptions): S3Client {
  if (!options.contentMd5) return client;
  const send = client.send.bind(client) as (command: unknown, ...rest: unknown[]) => Promise<unknown>;
  const wrappedSend = (command: unknown, ...rest: unknown[]) => {
    if (command instanceof PutObjectCommand) addUploadChecks(command as unknown as CommandWithStack, options, 'PutObject');
    else if (command instanceof UploadPartCommand) addUploadChecks(command as unknown as CommandWithStack, options, 'UploadPart');
    return send(command, ...rest);
  };
  return new Proxy(client, {
    get(target, property) {
      if (property === 'send') return wrappedSend;
      const value = Reflect.get(target, property) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
