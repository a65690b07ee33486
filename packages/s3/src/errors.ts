import { abortError, describeLocation, StorageError, type ErrorCode } from '@stowage/core';

/** Where an SDK call failed, for the error it becomes. */
export interface ErrorContext {
  /** The S3 operation, for the message (`GetObject`). */
  operation: string;
  bucket?: string;
  key?: string;
  /** The call's signal: once it fired, any failure is reported as `Aborted`. */
  signal?: AbortSignal;
  /**
   * What a bare 404 means. HEAD responses carry no error body, so `HeadObject` cannot tell a
   * missing key from a missing bucket by itself.
   */
  notFound?: 'NoSuchKey' | 'NoSuchBucket';
}

/** The fields of an SDK (smithy) error the mapping reads; all optional since anything can be thrown. */
interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  message?: unknown;
  BucketName?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $response?: { statusCode?: unknown };
  $retryable?: unknown;
}

// S3 error codes (and the SDK's names for body-less responses) → stowage codes.
const BY_NAME: Readonly<Record<string, ErrorCode>> = {
  NoSuchBucket: 'NoSuchBucket',
  NoSuchKey: 'NoSuchKey',
  NoSuchVersion: 'NoSuchKey',
  BucketAlreadyExists: 'BucketAlreadyExists',
  BucketAlreadyOwnedByYou: 'BucketAlreadyExists',
  BucketNotEmpty: 'BucketNotEmpty',
  PreconditionFailed: 'PreconditionFailed',
  // AWS: a concurrent write raced a conditional one; the condition could not be honoured.
  ConditionalRequestConflict: 'PreconditionFailed',
  NotModified: 'NotModified',
  InvalidRange: 'InvalidRange',
  AccessDenied: 'AccessDenied',
  Forbidden: 'AccessDenied',
  AllAccessDisabled: 'AccessDenied',
  AccountProblem: 'AccessDenied',
  InvalidAccessKeyId: 'AccessDenied',
  SignatureDoesNotMatch: 'AccessDenied',
  InvalidSecurity: 'AccessDenied',
  InvalidToken: 'AccessDenied',
  ExpiredToken: 'AccessDenied',
  TokenRefreshRequired: 'AccessDenied',
  RequestTimeTooSkewed: 'AccessDenied',
  CredentialsProviderError: 'AccessDenied',
  InvalidBucketName: 'InvalidBucketName',
  KeyTooLongError: 'InvalidKey',
  BadDigest: 'ChecksumMismatch',
  InvalidDigest: 'ChecksumMismatch',
  XAmzContentSHA256Mismatch: 'ChecksumMismatch',
  XAmzContentChecksumMismatch: 'ChecksumMismatch',
  NotImplemented: 'NotSupported',
  MethodNotAllowed: 'NotSupported',
  SlowDown: 'Unavailable',
  Throttling: 'Unavailable',
  ThrottlingException: 'Unavailable',
  RequestLimitExceeded: 'Unavailable',
  TooManyRequests: 'Unavailable',
  TooManyRequestsException: 'Unavailable',
  ServiceUnavailable: 'Unavailable',
  InternalError: 'Unavailable',
  RequestTimeout: 'Unavailable',
  RequestTimeoutException: 'Unavailable',
  TimeoutError: 'Unavailable',
  InvalidArgument: 'InvalidArgument',
  InvalidRequest: 'InvalidArgument',
  EntityTooLarge: 'InvalidArgument',
  EntityTooSmall: 'InvalidArgument',
  MetadataTooLarge: 'InvalidArgument',
  MalformedXML: 'InvalidArgument',
  MissingContentLength: 'InvalidArgument',
  IncompleteBody: 'InvalidArgument',
  InvalidPart: 'InvalidArgument',
  InvalidPartOrder: 'InvalidArgument',
  NoSuchUpload: 'InvalidArgument',
};

// Errors from the socket, before any HTTP status: the server is not reachable (now).
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
]);

function shape(error: unknown): SdkErrorShape {
  return typeof error === 'object' && error !== null ? (error as SdkErrorShape) : {};
}

/** The HTTP status of an SDK error, when it got a response. */
export function httpStatus(error: unknown): number | undefined {
  const e = shape(error);
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The S3 error code (`NoSuchKey`) or the SDK's error name of `error`. */
export function errorName(error: unknown): string | undefined {
  const e = shape(error);
  for (const v of [e.Code, e.name, e.code]) if (typeof v === 'string' && v !== 'Error' && v !== 'UnknownError') return v;
  return undefined;
}

/** The stowage code for an S3 error code, as found in a DeleteObjects result or an SDK error. */
export function codeForS3Error(name: string | undefined, status: number | undefined, fallback404: ErrorCode = 'NoSuchKey'): ErrorCode {
  const byName = name === undefined ? undefined : BY_NAME[name];
  if (byName) return byName;
  if (name !== undefined && NETWORK_CODES.has(name)) return 'Unavailable';
  if (name === 'NotFound' || status === 404) return fallback404;
  if (status === 304) return 'NotModified';
  if (status === 412) return 'PreconditionFailed';
  if (status === 416) return 'InvalidRange';
  if (status === 401 || status === 403) return 'AccessDenied';
  if (status === 405 || status === 501) return 'NotSupported';
  if (status === 409) return 'InvalidArgument';
  if (status === 429 || (status !== undefined && status >= 500)) return 'Unavailable';
  if (status !== undefined && status >= 400) return 'InvalidArgument';
  // Anything else without a response: a network or client failure.
  return 'Unavailable';
}

// Query parameters and header values of a SigV4 request that must never reach a message.
const SIGNATURE_PATTERNS: readonly RegExp[] = [
  /(X-Amz-(?:Signature|Credential|Security-Token)=)[^&\s"']+/gi,
  /(Signature=)[0-9a-f]{16,}/gi,
  /(Credential=)[^,\s"']+/gi,
  // The session token as a header line, as a server echoes a canonical request back.
  /(x-amz-security-token\s*[:=]\s*)[^\s&"'<>]+/gi,
];

// What of an SDK error the cause keeps: what helps debugging. The rest goes: the server's echo of
// the request (CanonicalRequest, StringToSign, SignatureProvided, ...) and `$response`, which holds
// the socket and with it the request's headers (the session token among them).
const CAUSE_FIELDS = [
  'Code',
  'code',
  'errno',
  'syscall',
  '$fault',
  '$retryable',
  'BucketName',
  'Key',
  'RequestId',
  'HostId',
  'Region',
] as const;

/**
 * `error` as the cause of a StorageError: a copy with the same prototype (so `instanceof
 * S3ServiceException` and `name` hold), its message and stack redacted, only {@link CAUSE_FIELDS}
 * and `$metadata` copied; its own cause likewise.
 */
export function safeCause(error: unknown, secrets: readonly string[] = [], depth = 0): unknown {
  if (error === undefined || error === null || depth > 4) return undefined;
  if (!(error instanceof Error)) return typeof error === 'object' ? '[a non-Error cause]' : redact(String(error), secrets);
  const clean = Object.create(Object.getPrototypeOf(error) as object) as Error & Record<string, unknown>;
  Object.defineProperty(clean, 'message', { value: redact(error.message, secrets), writable: true, configurable: true });
  Object.defineProperty(clean, 'stack', {
    value: redact(error.stack ?? `${error.name}: ${error.message}`, secrets),
    writable: true,
    configurable: true,
  });
  if (Object.hasOwn(error, 'name')) clean.name = error.name;
  const source = error as unknown as Record<string, unknown>;
  for (const field of CAUSE_FIELDS) {
    const value = source[field];
    if (value !== undefined) clean[field] = typeof value === 'string' ? redact(value, secrets) : value;
  }
  const metadata = shape(error).$metadata;
  if (metadata !== undefined) clean.$metadata = { ...metadata };
  if (error.cause !== undefined)
    Object.defineProperty(clean, 'cause', { value: safeCause(error.cause, secrets, depth + 1), writable: true, configurable: true });
  return clean;
}

/**
 * `text` with signatures, credentials scopes and the given secrets replaced by `[redacted]`. SDK
 * messages do not normally hold secrets; this guards against servers that echo requests back.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  for (const pattern of SIGNATURE_PATTERNS) out = out.replace(pattern, '$1[redacted]');
  return out;
}

const DESCRIPTIONS: Readonly<Partial<Record<ErrorCode, string>>> = {
  NoSuchBucket: 'the bucket does not exist',
  NoSuchKey: 'no object under this key',
  BucketAlreadyExists: 'the bucket already exists',
  BucketNotEmpty: 'the bucket is not empty',
  PreconditionFailed: 'a precondition failed',
  NotModified: 'not modified',
  InvalidRange: 'the range is not satisfiable',
  AccessDenied: 'access denied',
  Unavailable: 'the server is unavailable',
  NotSupported: 'the server does not support this request',
  ChecksumMismatch: 'the data did not match its checksum',
};

/**
 * Maps anything an SDK call threw to a {@link StorageError}: the right code, a message without
 * secrets, the bucket and key, and the original error as `cause`. `StorageError`s pass through.
 */
export function toStorageError(error: unknown, context: ErrorContext, secrets: readonly string[] = []): StorageError {
  if (error instanceof StorageError) return error;
  const { operation, bucket, key, signal } = context;
  const details = { ...(bucket !== undefined ? { bucket } : {}), ...(key !== undefined ? { key } : {}), cause: safeCause(error, secrets) };
  const name = errorName(error);
  if (signal?.aborted || name === 'AbortError') return abortError(signal, details);
  const status = httpStatus(error);
  if (error instanceof TypeError && name === 'ERR_INVALID_CHAR') {
    return new StorageError(
      'InvalidArgument',
      `${operation} ${describeLocation(bucket, key)}: a header value holds a character HTTP cannot carry`,
      details,
    );
  }
  const code = codeForS3Error(name, status, context.notFound ?? (key === undefined ? 'NoSuchBucket' : 'NoSuchKey'));
  // A NoSuchBucket from CopyObject may be about the source or the target: S3 names it.
  const namedBucket = shape(error).BucketName;
  const where = describeLocation(
    code === 'NoSuchBucket' && typeof namedBucket === 'string' ? namedBucket : bucket,
    code === 'NoSuchBucket' ? undefined : key,
  );
  const sdkMessage = shape(error).message;
  const said =
    typeof sdkMessage === 'string' && sdkMessage !== '' && sdkMessage !== 'UnknownError' && sdkMessage !== name ? `: ${sdkMessage}` : '';
  const why = [name, status !== undefined ? `HTTP ${status}` : undefined].filter(Boolean).join(', ');
  const message = redact(`${operation} ${where}: ${DESCRIPTIONS[code] ?? 'request failed'}${why ? ` (${why})` : ''}${said}`, secrets);
  return new StorageError(code, message, {
    ...details,
    ...(code === 'NoSuchBucket' && typeof namedBucket === 'string' ? { bucket: namedBucket } : {}),
  });
}
