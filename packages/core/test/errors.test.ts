import { describe, expect, it } from 'vitest';
import { ERROR_CODES, StorageError, describeLocation, isStorageError } from '@stowage/core';

describe('StorageError', () => {
  it('is an Error with a name, a code, a location and a cause', () => {
    const cause = new Error('ENOENT: no such file');
    const error = new StorageError('NoSuchKey', 'no object photos/cat.jpg', { bucket: 'photos', key: 'cat.jpg', cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(StorageError);
    expect(error.name).toBe('StorageError');
    expect(error.code).toBe('NoSuchKey');
    expect(error.message).toBe('no object photos/cat.jpg');
    expect(error.bucket).toBe('photos');
    expect(error.key).toBe('cat.jpg');
    expect(error.cause).toBe(cause);
    expect(error.stack).toContain('StorageError');
  });

  it('leaves location and cause unset when not given', () => {
    const error = new StorageError('Unavailable', 'the server is down');
    expect(error.bucket).toBeUndefined();
    expect(error.key).toBeUndefined();
    expect('cause' in error).toBe(false);
  });

  it('keeps an empty key (it is a location, not a missing one)', () => {
    expect(new StorageError('InvalidKey', 'empty', { bucket: 'b', key: '' }).key).toBe('');
  });

  it('toJSON has name, code, message and location, and never the cause', () => {
    const cause = Object.assign(new Error('secret token abc'), { credentials: 'AKIA...' });
    const error = new StorageError('AccessDenied', 'denied', { bucket: 'b', key: 'k', cause });
    expect(error.toJSON()).toEqual({ name: 'StorageError', code: 'AccessDenied', message: 'denied', bucket: 'b', key: 'k' });
    const text = JSON.stringify(error);
    expect(JSON.parse(text)).toEqual(error.toJSON());
    expect(text).not.toContain('secret');
    expect(text).not.toContain('AKIA');
    expect(text).not.toContain('cause');
  });

  it('toJSON omits bucket and key when unset', () => {
    expect(new StorageError('Aborted', 'stopped').toJSON()).toEqual({ name: 'StorageError', code: 'Aborted', message: 'stopped' });
  });
});

describe('isStorageError', () => {
  const error = new StorageError('NoSuchBucket', 'no bucket', { bucket: 'b' });

  it('narrows StorageErrors, with or without a code', () => {
    expect(isStorageError(error)).toBe(true);
    expect(isStorageError(error, 'NoSuchBucket')).toBe(true);
    expect(isStorageError(error, 'NoSuchKey')).toBe(false);
  });

  it('is false for lookalikes and non-errors', () => {
    const lookalike = Object.assign(new Error('x'), { name: 'StorageError', code: 'NoSuchBucket' });
    for (const value of [lookalike, { code: 'NoSuchBucket' }, undefined, null, 'NoSuchBucket', new Error('plain')]) {
      expect(isStorageError(value)).toBe(false);
      expect(isStorageError(value, 'NoSuchBucket')).toBe(false);
    }
  });
});

describe('ERROR_CODES', () => {
  it('holds the fixed names of the API, once each', () => {
    const fixed = [
      'NoSuchBucket',
      'NoSuchKey',
      'BucketAlreadyExists',
      'BucketNotEmpty',
      'PreconditionFailed',
      'NotModified',
      'InvalidRange',
      'InvalidKey',
      'InvalidBucketName',
      'InvalidArgument',
      'Aborted',
      'NotSupported',
      'AccessDenied',
      'ChecksumMismatch',
      'Unavailable',
    ];
    for (const code of fixed) expect(ERROR_CODES).toContain(code);
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });
});

describe('describeLocation', () => {
  it.each<[string | undefined, string | undefined, string]>([
    ['b', 'k/ey', 'b/k/ey'],
    ['b', undefined, 'b'],
    [undefined, 'k', 'k'],
    [undefined, undefined, ''],
  ])('(%j, %j) → %j', (bucket, key, text) => {
    expect(describeLocation(bucket, key)).toBe(text);
  });
});
