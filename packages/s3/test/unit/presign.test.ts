import { describe, expect, it } from 'vitest';
import { isStorageError } from '@stowage/core';
import { S3Storage } from '../../src/index.js';

// Presigning sends no request: a storage pointed at a closed port is enough.
const storage = new S3Storage({
  endpoint: 'http://127.0.0.1:9',
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-real-secret' },
});

describe('presign', () => {
  it.each(['.', '..', 'a/./b', 'a/../b', 'a/..', './a'])(
    'refuses %j with InvalidKey: URL clients resolve dot segments away',
    async (key) => {
      const error = await storage.presign('photos', key, { method: 'GET', expiresIn: 60 }).catch((e: unknown) => e);
      expect(isStorageError(error, 'InvalidKey')).toBe(true);
      expect((error as Error).message).toContain('"." or ".."');
    },
  );

  it.each(['a.b', '.hidden', 'a/.../b', 'a//b', 'dir/'])('presigns %j to a URL naming exactly that key', async (key) => {
    const url = new URL(await storage.presign('photos', key, { method: 'GET', expiresIn: 60 }));
    expect(decodeURIComponent(url.pathname)).toBe(`/photos/${key}`);
  });
});
