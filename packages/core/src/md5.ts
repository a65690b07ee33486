import { createHash, hash } from 'node:crypto';

/**
 * MD5, as S3 computes ETags: node:crypto's here; `md5.web.ts` is the same in JavaScript for browsers and
 * workers (Web Crypto has no MD5). The `@stowage/core/md5` entry, so importing core loads no node:crypto.
 */

/** An MD5 that is fed chunk by chunk; `hex()` or `digest()` finishes it (call one, once). */
export interface Md5 {
  update(chunk: Uint8Array): void;
  /** The digest as lower-case hex. */
  hex(): string;
  /** The digest's 16 bytes. */
  digest(): Uint8Array;
}

const oneShot: ((algorithm: string, data: Uint8Array, encoding: 'hex') => string) | undefined =
  typeof hash === 'function' ? hash : undefined;

/** MD5 of one buffer, as lower-case hex. */
export function md5Hex(bytes: Uint8Array): string {
  return oneShot ? oneShot('md5', bytes, 'hex') : createHash('md5').update(bytes).digest('hex');
}

/** MD5 of one buffer, its 16 bytes (base64 of them is S3's `Content-MD5`). */
export function md5Bytes(bytes: Uint8Array): Uint8Array {
  return createHash('md5').update(bytes).digest();
}

/** An incremental MD5 (node:crypto's). */
export function createMd5(): Md5 {
  const md5 = createHash('md5');
  return {
    update: (chunk) => {
      md5.update(chunk);
    },
    hex: () => md5.digest('hex'),
    digest: () => md5.digest(),
  };
}
