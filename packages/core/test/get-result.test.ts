import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { collectBytes, createGetResult, type ObjectInfo } from '@stowage/core';

const info: ObjectInfo = { key: 'k', size: 9, etag: '"e"', lastModified: new Date(0), metadata: {} };

describe('collectBytes', () => {
  it('joins buffers and strings, views included', async () => {
    const backing = Buffer.from('xxabcxx');
    const parts = [backing.subarray(2, 5), 'dé', new Uint8Array([0x21])];
    expect(Buffer.from(await collectBytes(Readable.from(parts, { objectMode: true }))).toString()).toBe('abcdé!');
  });

  it('returns an empty array for an empty stream', async () => {
    expect((await collectBytes(Readable.from([]))).byteLength).toBe(0);
  });
});

describe('createGetResult', () => {
  const body = () => Readable.from([Buffer.from('grüß'), Buffer.from(' 😀')]);

  it('bytes(), text() and webStream() read the whole body', async () => {
    expect(Buffer.from(await createGetResult(info, body()).bytes()).toString()).toBe('grüß 😀');
    expect(await createGetResult(info, body()).text()).toBe('grüß 😀');
    const reader = createGetResult(info, body()).webStream().getReader();
    const parts: Buffer[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(Buffer.from(value));
    }
    expect(Buffer.concat(parts).toString()).toBe('grüß 😀');
  });

  it('text() decodes a character split across chunks', async () => {
    const bytes = Buffer.from('€');
    const split = Readable.from([bytes.subarray(0, 1), bytes.subarray(1)]);
    expect(await createGetResult(info, split).text()).toBe('€');
  });

  it('carries info and the range only when one is given', () => {
    const whole = createGetResult(info, body());
    expect(whole.info).toBe(info);
    expect('range' in whole).toBe(false);
    expect(createGetResult(info, body(), { offset: 2, length: 3 }).range).toEqual({ offset: 2, length: 3 });
  });
});
