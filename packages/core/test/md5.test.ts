import { describe, expect, it } from 'vitest';
import * as node from '../src/md5.js';
import * as web from '../src/md5.web.js';

// The web build's MD5 (JavaScript) must give what node:crypto gives, whole and chunk by chunk.
describe('md5: the web variant agrees with node:crypto', () => {
  const inputs = [0, 1, 55, 56, 63, 64, 65, 1000, 70_000].map((n) => Uint8Array.from({ length: n }, (_, i) => (i * 131 + n) & 0xff));

  it.each(inputs.map((bytes) => [bytes.byteLength, bytes] as const))('%i bytes', (_, bytes) => {
    expect(web.md5Hex(bytes)).toBe(node.md5Hex(bytes));
    expect(Buffer.from(web.md5Bytes(bytes)).toString('hex')).toBe(node.md5Hex(bytes));
    for (const variant of [node, web]) {
      const hash = variant.createMd5();
      for (let at = 0; at < bytes.byteLength; at += 777) hash.update(bytes.subarray(at, at + 777));
      expect(hash.hex()).toBe(node.md5Hex(bytes));
    }
    const digest = web.createMd5();
    digest.update(bytes);
    expect(Buffer.from(digest.digest()).toString('hex')).toBe(node.md5Hex(bytes));
  });

  it('is the known MD5 of the empty string and of "abc"', () => {
    expect(web.md5Hex(new Uint8Array(0))).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(web.md5Hex(new TextEncoder().encode('abc'))).toBe('900150983cd24fb0d6963f7d28e17f72');
  });
});
