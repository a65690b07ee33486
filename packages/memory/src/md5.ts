import { createHash, hash } from 'node:crypto';

/** The ETag's MD5, with node:crypto; `md5.web.ts` is the same with a JavaScript MD5 for browsers and workers. */

/** An MD5 that is fed chunk by chunk; `hex()` finishes it. */
export interface Md5 {
  update(chunk: Uint8Array): void;
  hex(): string;
}

const oneShot: ((algorithm: string, data: Uint8Array, encoding: 'hex') => string) | undefined =
  typeof hash === 'function' ? hash : undefined;

/** MD5 of one buffer, as lower-case hex. */
export function md5Hex(bytes: Uint8Array): string {
  return oneShot ? oneShot('md5', bytes, 'hex') : createHash('md5').update(bytes).digest('hex');
}

/** An incremental MD5 (node:crypto's). */
export function createMd5(): Md5 {
  const md5 = createHash('md5');
  return {
    update: (chunk) => {
      md5.update(chunk);
    },
    hex: () => md5.digest('hex'),
  };
}
