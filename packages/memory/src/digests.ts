import { createHash, hash } from 'node:crypto';
import { createXXHash3, type IHasher } from 'hash-wasm';

/**
 * The two digests every stored version carries: the ETag (MD5 of the bytes, as S3 computes it for
 * a single PUT, so apps that compare ETags with their own MD5 work) and, per block, an XXH3-64
 * check that catches bytes changed at rest on every read of that block (XXH3 runs at memory speed;
 * re-hashing MD5 on every read would cost reads several times more).
 */

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

// One hasher for the whole process: a block is hashed from init to digest without an await in
// between, so callers never interleave.
let hasher: IHasher | undefined;
const hasherReady: Promise<IHasher> = createXXHash3().then((h) => (hasher = h));
hasherReady.catch(() => undefined); // reported by blockChecks() when it is awaited

/** Resolves once {@link blockCheck} can run (the WebAssembly hasher is compiled once per process). */
export async function blockChecks(): Promise<void> {
  if (!hasher) await hasherReady;
}

/** The at-rest check of one block. Call {@link blockChecks} once before the first use. */
export function blockCheck(block: Uint8Array): string {
  if (!hasher) throw new Error('blockChecks() was not awaited');
  hasher.init();
  hasher.update(block);
  return hasher.digest('hex');
}
