import { md5 } from '@noble/hashes/legacy';
import { bytesToHex } from '@noble/hashes/utils';
import type { Md5 } from './md5.js';

/** The web variant of `md5.ts`: browsers and workers have no MD5 of their own (Web Crypto has none). */

export function md5Hex(bytes: Uint8Array): string {
  return bytesToHex(md5(bytes));
}

export function md5Bytes(bytes: Uint8Array): Uint8Array {
  return md5(bytes);
}

export function createMd5(): Md5 {
  const hash = md5.create();
  return {
    update: (chunk) => {
      hash.update(chunk);
    },
    hex: () => bytesToHex(hash.digest()),
    digest: () => hash.digest(),
  };
}
