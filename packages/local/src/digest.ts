import type { IHasher } from 'hash-wasm';

/**
 * The content digest kept for every object: XXH3-128, which hashes at memory speed (several GB/s)
 * where MD5 manages about 300 MB/s here, so checking every full read costs little. It is the ETag
 * too: it changes exactly when the content does.
 */
export interface Digest {
  update(chunk: Uint8Array): void;
  /** The hex digest; the digest cannot be used after this. */
  finish(): string;
}

// A hasher is a small WebAssembly instance: reuse them rather than instantiate one per object.
const idle: IHasher[] = [];

let hashWasm: Promise<typeof import('hash-wasm')> | undefined;

/** A fresh digest. hash-wasm is loaded on the first one: a command that writes nothing never pays for it. */
export async function createDigest(): Promise<Digest> {
  hashWasm ??= import('hash-wasm');
  const hasher = idle.pop() ?? (await (await hashWasm).createXXHash128());
  hasher.init();
  let done = false;
  return {
    update: (chunk) => {
      hasher.update(chunk);
    },
    finish: () => {
      if (done) throw new Error('digest already finished');
      done = true;
      const hex = hasher.digest('hex');
      if (idle.length < 64) idle.push(hasher);
      return hex;
    },
  };
}
