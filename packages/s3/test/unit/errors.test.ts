// The mapping from SDK errors to StorageError codes, on errors as the SDK builds them.
import { S3ServiceException } from '@aws-sdk/client-s3';
import { StorageError } from '@stowage/core';
import { describe, expect, it } from 'vitest';
import { redact, toStorageError } from '../../src/errors.ts';

function sdkError(name: string, status: number, message = 'UnknownError', extra: Record<string, unknown> = {}): S3ServiceException {
  return Object.assign(
    new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message }),
    extra,
  );
}

const at = { operation: 'GetObject', bucket: 'photos', key: 'cat.jpg' };

describe('toStorageError', () => {
  it.each([
    ['NoSuchBucket', 404, 'NoSuchBucket'],
    ['NoSuchKey', 404, 'NoSuchKey'],
    ['PreconditionFailed', 412, 'PreconditionFailed'],
    ['Unknown', 412, 'PreconditionFailed'],
    ['Unknown', 304, 'NotModified'],
    ['NotModified', 304, 'NotModified'],
    ['InvalidRange', 416, 'InvalidRange'],
    ['AccessDenied', 403, 'AccessDenied'],
    ['Forbidden', 403, 'AccessDenied'],
    ['InvalidAccessKeyId', 403, 'AccessDenied'],
    ['SignatureDoesNotMatch', 403, 'AccessDenied'],
    ['SlowDown', 503, 'Unavailable'],
    ['ServiceUnavailable', 503, 'Unavailable'],
    ['InternalError', 500, 'Unavailable'],
    ['Unknown', 502, 'Unavailable'],
    ['Unknown', 429, 'Unavailable'],
    ['BucketAlreadyExists', 409, 'BucketAlreadyExists'],
    ['BucketAlreadyOwnedByYou', 409, 'BucketAlreadyExists'],
    ['BucketNotEmpty', 409, 'BucketNotEmpty'],
    ['InvalidBucketName', 400, 'InvalidBucketName'],
    ['KeyTooLongError', 400, 'InvalidKey'],
    ['BadDigest', 400, 'ChecksumMismatch'],
    ['NotImplemented', 501, 'NotSupported'],
    ['MethodNotAllowed', 405, 'NotSupported'],
    ['EntityTooLarge', 400, 'InvalidArgument'],
  ] as const)('%s (HTTP %i) → %s, keeping the cause', (name, status, code) => {
    const cause = sdkError(name, status);
    const e = toStorageError(cause, at);
    expect(e).toBeInstanceOf(StorageError);
    expect(e.code).toBe(code);
    // A copy of the SDK error: same class and code, without what the server echoed of the request.
    expect(e.cause).toBeInstanceOf(Object.getPrototypeOf(cause).constructor);
    expect(e.cause).toMatchObject({ name, $metadata: { httpStatusCode: status } });
    expect(e.message).toContain('GetObject');
  });

  it('a bare 404 (HEAD) is NoSuchKey with a key, NoSuchBucket without, or what the context says', () => {
    expect(toStorageError(sdkError('NotFound', 404), at).code).toBe('NoSuchKey');
    expect(toStorageError(sdkError('NotFound', 404), { operation: 'HeadBucket', bucket: 'b' }).code).toBe('NoSuchBucket');
    expect(toStorageError(sdkError('NotFound', 404), { ...at, notFound: 'NoSuchBucket' }).code).toBe('NoSuchBucket');
  });

  it('NoSuchBucket names the bucket S3 named (copy: the source or the target)', () => {
    const e = toStorageError(sdkError('NoSuchBucket', 404, 'The specified bucket does not exist', { BucketName: 'source-b' }), at);
    expect(e.bucket).toBe('source-b');
    expect(e.message).toContain('source-b');
  });

  it('network failures are Unavailable', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    expect(toStorageError(refused, at).code).toBe('Unavailable');
    expect(toStorageError(Object.assign(new Error('timed out'), { name: 'TimeoutError' }), at).code).toBe('Unavailable');
  });

  it('anything after the signal fired, or an AbortError, is Aborted', () => {
    const signal = AbortSignal.abort();
    expect(toStorageError(sdkError('InternalError', 500), { ...at, signal }).code).toBe('Aborted');
    expect(toStorageError(Object.assign(new Error('Request aborted'), { name: 'AbortError' }), at).code).toBe('Aborted');
  });

  it('StorageErrors pass through unchanged', () => {
    const original = new StorageError('InvalidArgument', 'x');
    expect(toStorageError(original, at)).toBe(original);
  });

  it('messages hold no secrets and no signatures', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const echoed = sdkError(
      'SignatureDoesNotMatch',
      403,
      `calculated for ${secret}: https://h/b/k?X-Amz-Credential=AKIA%2F2026&X-Amz-Signature=abcdef0123456789abcdef&X-Amz-Security-Token=tok`,
    );
    const e = toStorageError(echoed, at, [secret]);
    expect(e.message).not.toContain(secret);
    expect(e.message).not.toContain('abcdef0123456789abcdef');
    expect(e.message).not.toContain('AKIA');
    expect(e.message).not.toContain('tok');
    expect(JSON.stringify(e)).not.toContain(secret);
  });

  it('redact leaves ordinary text alone', () => {
    expect(redact('GetObject photos/cat.jpg: no object under this key')).toBe('GetObject photos/cat.jpg: no object under this key');
  });
});
