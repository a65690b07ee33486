import { S3Storage as FromDriver } from '@stowage/s3';
import { S3Storage } from 'stowage/s3';
import { expect, it } from 'vitest';

it('stowage/s3 is the S3 driver itself', () => {
  expect(S3Storage).toBe(FromDriver);
});
