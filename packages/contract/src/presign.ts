import { expect } from 'vitest';
import type { PresignOptions, Storage } from '@stowage/core';
import type { ContractSuite } from './context.js';
import { delay, expectBytes, expectError, pattern, readAll } from './helpers.js';

function presigner(storage: Storage): (bucket: string, key: string, options: PresignOptions) => Promise<string> {
  const presign = storage.presign?.bind(storage);
  if (!presign) throw new Error('the driver declares presign but has no presign method');
  return presign;
}

/** Presigned URLs, used with plain `fetch` (no SDK, no credentials). */
export function registerPresign(suite: ContractSuite): void {
  const needs = { needs: ['presign' as const] };

  suite.case(
    'a presigned PUT uploads with plain fetch, and a presigned GET downloads it',
    async ({ storage, bucket }) => {
      const presign = presigner(storage);
      const bytes = pattern(10_000, 600);
      const putUrl = await presign(bucket, 'signed/ü file.bin', { method: 'PUT', expiresIn: 300 });
      expect(() => new URL(putUrl)).not.toThrow();
      const put = await fetch(putUrl, { method: 'PUT', body: bytes });
      expect(put.status, await put.text()).toBeLessThan(300);
      expectBytes(await readAll(storage, bucket, 'signed/ü file.bin'), bytes);
      const getUrl = await presign(bucket, 'signed/ü file.bin', { method: 'GET', expiresIn: 300 });
      const got = await fetch(getUrl);
      expect(got.status).toBe(200);
      expectBytes(new Uint8Array(await got.arrayBuffer()), bytes);
    },
    needs,
  );

  suite.case(
    'a presigned GET reads an object written through the driver',
    async ({ storage, bucket }) => {
      await storage.putObject(bucket, 'plain', 'via the driver');
      const url = await presigner(storage)(bucket, 'plain', { method: 'GET', expiresIn: 60 });
      const got = await fetch(url);
      expect(got.status).toBe(200);
      expect(await got.text()).toBe('via the driver');
    },
    needs,
  );

  suite.case(
    'a presigned PUT with a content type stores that content type',
    async ({ storage, bucket }) => {
      const url = await presigner(storage)(bucket, 'typed', { method: 'PUT', expiresIn: 60, contentType: 'text/csv' });
      const put = await fetch(url, { method: 'PUT', body: 'a,b\n1,2\n', headers: { 'content-type': 'text/csv' } });
      expect(put.status, await put.text()).toBeLessThan(300);
      expect((await storage.headObject(bucket, 'typed')).contentType).toBe('text/csv');
    },
    needs,
  );

  suite.case(
    'a presigned GET of a missing key answers 404',
    async ({ storage, bucket }) => {
      const url = await presigner(storage)(bucket, 'missing', { method: 'GET', expiresIn: 60 });
      const got = await fetch(url);
      expect(got.status).toBe(404);
      await got.arrayBuffer();
    },
    needs,
  );

  suite.case(
    'an expired presigned GET is refused',
    async ({ storage, bucket }) => {
      await storage.putObject(bucket, 'short', 'x');
      const url = await presigner(storage)(bucket, 'short', { method: 'GET', expiresIn: 1 });
      await delay(2100);
      const got = await fetch(url);
      expect(got.status).toBeGreaterThanOrEqual(400);
      await got.arrayBuffer();
    },
    needs,
  );

  suite.case(
    'presign checks the key before signing (InvalidKey)',
    async ({ storage, bucket }) => {
      await expectError(presigner(storage)(bucket, '', { method: 'GET', expiresIn: 60 }), 'InvalidKey', { bucket, key: '' });
    },
    needs,
  );
}
