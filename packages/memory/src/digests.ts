/**
 * The two digests every stored version carries: the ETag (MD5 of the bytes, as S3 computes it for
 * a single PUT, so apps that compare ETags with their own MD5 work) and, per block, a check that
 * catches bytes changed at rest on every read of that block. Re-hashing MD5 on every read would
 * cost a read several times what serving it does, so the check is a much cheaper hash.
 */

/**
 * The at-rest check of one block (`length` bytes of `buffer` from `offset`): a 32-bit hash over its
 * 32-bit words in four independent lanes (multiply and xor-shift, as in MurmurHash3), written in
 * JavaScript because it then runs at several GB/s with no call into native code or WebAssembly,
 * which would cost more than hashing a small object. Every step of a lane is a bijection of its
 * state, so a change within one 4-byte word always changes the check; a random change across
 * lanes goes unnoticed with a probability of about 2^-32, as with a CRC-32. The value is a small
 * integer (stored unboxed) and only ever compared within the process that made it.
 */
export function blockCheck(buffer: ArrayBufferLike, offset: number, length: number): number {
  const words = length >>> 2;
  let h1 = 0x9e3779b1 ^ length;
  let h2 = 0x85ebca77;
  let h3 = 0xc2b2ae3d;
  let h4 = 0x27d4eb2f;
  if (words > 0) {
    // Stored blocks start on a multiple of 8 (slabs, fresh memory or Node's pool), so this is a
    // view, not a copy; anything else is copied to aligned memory first.
    const w = (offset & 3) === 0 ? new Int32Array(buffer, offset, words) : unalignedWords(buffer, offset, words);
    const grouped = words & ~3;
    let i = 0;
    for (; i < grouped; i += 4) {
      h1 = Math.imul(h1 ^ (w[i] as number), 0xcc9e2d51);
      h2 = Math.imul(h2 ^ (w[i + 1] as number), 0x1b873593);
      h3 = Math.imul(h3 ^ (w[i + 2] as number), 0x85ebca6b);
      h4 = Math.imul(h4 ^ (w[i + 3] as number), 0xc2b2ae35);
      h1 ^= h1 >>> 15;
      h2 ^= h2 >>> 15;
      h3 ^= h3 >>> 15;
      h4 ^= h4 >>> 15;
    }
    for (; i < words; i++) {
      h1 = Math.imul(h1 ^ (w[i] as number), 0xcc9e2d51);
      h1 ^= h1 >>> 15;
    }
  }
  const tail = length & 3;
  if (tail > 0) {
    const bytes = new Uint8Array(buffer, offset + length - tail, tail);
    let t = 0;
    for (let i = 0; i < tail; i++) t = (t << 8) | (bytes[i] as number);
    h2 = Math.imul(h2 ^ t, 0x1b873593);
    h2 ^= h2 >>> 15;
  }
  return fmix(h1 ^ h2 ^ h3 ^ h4);
}

/** {@link blockCheck} of a byte array. */
export function checkOf(block: Uint8Array): number {
  return blockCheck(block.buffer, block.byteOffset, block.byteLength);
}

/** MurmurHash3's finaliser: a bijection that spreads every bit over the whole word. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

function unalignedWords(buffer: ArrayBufferLike, offset: number, words: number): Int32Array {
  const out = new Int32Array(words);
  new Uint8Array(out.buffer).set(new Uint8Array(buffer, offset, words * 4));
  return out;
}
