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

type XXHash128 = Pick<typeof import('hash-wasm'), 'createXXHash128'>;
let hashWasm: Promise<XXHash128> | undefined;

/**
 * A fresh digest. hash-wasm is loaded on the first one, so a command that writes nothing never
 * pays for it; and only its XXH3-128 build, not the whole package's CommonJS entry, which Node
 * scans for exports on every import.
 */
export async function createDigest(): Promise<Digest> {
  // The path as a plain string: hash-wasm declares types for its main entry only. A UMD file's
  // exports come as the CommonJS module's `default`.
  hashWasm ??= (import('hash-wasm/dist/xxhash128.umd.min.js' as string) as Promise<{ default: XXHash128 }>).then((m) => m.default);
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
