import { describe, expect, it } from 'vitest';
import { DEFAULT_TRANSFER_CONFIG, isStorageError, resolveTransferConfig, splitIntoParts } from '@stowage/core';

describe('TransferConfig', () => {
  it("has boto3's threshold and part size, and fills in what is not given", () => {
    expect(DEFAULT_TRANSFER_CONFIG).toEqual({ multipartThreshold: 8 << 20, partSize: 8 << 20, concurrency: 4, maxAttempts: 5 });
    expect(resolveTransferConfig({ partSize: 1 << 20 })).toEqual({ ...DEFAULT_TRANSFER_CONFIG, partSize: 1 << 20 });
    expect(resolveTransferConfig({ multipartThreshold: 0 }).multipartThreshold).toBe(0);
  });

  it.each([
    ['partSize', 0],
    ['concurrency', 0],
    ['maxAttempts', 1.5],
    ['multipartThreshold', -1],
    ['partSize', Number.NaN],
  ])('rejects %s = %s with InvalidArgument naming it', (name, value) => {
    let caught: unknown;
    try {
      resolveTransferConfig({ [name]: value });
    } catch (error) {
      caught = error;
    }
    expect(isStorageError(caught, 'InvalidArgument')).toBe(true);
    expect((caught as Error).message).toContain(name);
  });

  it('splits a size into parts that cover it exactly', () => {
    expect(splitIntoParts(0, 4)).toEqual([]);
    expect(splitIntoParts(10, 4)).toEqual([
      { offset: 0, length: 4 },
      { offset: 4, length: 4 },
      { offset: 8, length: 2 },
    ]);
    expect(splitIntoParts(8, 4)).toHaveLength(2);
  });
});
