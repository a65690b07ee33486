/**
 * Byte helpers that use Node's `Buffer` where the runtime has one (its pooled allocation and
 * native UTF-8 are what Node programs expect, and its byte arrays are `Uint8Array`s) and the web
 * standard elsewhere, so the same code runs in Node, browsers and workers.
 */

/** The part of Node's `Buffer` these helpers call, looked up at run time (a browser has none). */
interface NodeBufferApi {
  compare(a: Uint8Array, b: Uint8Array): number;
  from(text: string, encoding: 'utf8'): Uint8Array;
  from(buffer: ArrayBufferLike, byteOffset: number, length: number): Uint8Array;
  byteLength(text: string, encoding: 'utf8'): number;
  concat(parts: readonly Uint8Array[]): Uint8Array;
  allocUnsafe(size: number): Uint8Array;
  allocUnsafeSlow(size: number): Uint8Array;
}

const nodeBuffer = (globalThis as { Buffer?: NodeBufferApi }).Buffer;
const encoder = new TextEncoder();

/** `text` as UTF-8 bytes. */
export function utf8Bytes(text: string): Uint8Array {
  return nodeBuffer ? nodeBuffer.from(text, 'utf8') : encoder.encode(text);
}

/** How many bytes `text` takes as UTF-8, without encoding it. */
export function utf8Length(text: string): number {
  // Node's native count pays for its call only on longer strings (bodies, not keys).
  if (nodeBuffer && text.length > 256) return nodeBuffer.byteLength(text, 'utf8');
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3; // the rest of the BMP, and lone surrogates (written as U+FFFD)
  }
  return bytes;
}

/** The parts joined into one byte array (the part itself when there is one). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  if (nodeBuffer) return nodeBuffer.concat(parts);
  let size = 0;
  for (const part of parts) size += part.byteLength;
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

/** `size` bytes that the caller overwrites whole (not zero-filled in Node; small ones from Node's pool). */
export function allocBytes(size: number): Uint8Array {
  return nodeBuffer ? nodeBuffer.allocUnsafe(size) : new Uint8Array(size);
}

/** `size` bytes of their own memory (never a shared pool), that the caller overwrites. */
export function allocOwnBytes(size: number): Uint8Array {
  return nodeBuffer ? nodeBuffer.allocUnsafeSlow(size) : new Uint8Array(size);
}

/** A byte view of `length` bytes of `buffer` from `byteOffset` (a Buffer in Node, as Node's APIs give). */
export function bytesView(buffer: ArrayBufferLike, byteOffset: number, length: number): Uint8Array {
  return nodeBuffer ? nodeBuffer.from(buffer, byteOffset, length) : new Uint8Array(buffer, byteOffset, length);
}

/** Writes `text` as UTF-8 at the start of `into` (a Buffer's own `write` in Node), which must have room for it. */
export function writeUtf8(text: string, into: Uint8Array): void {
  const buffer = into as Uint8Array & { write?: (text: string, encoding: 'utf8') => number };
  if (typeof buffer.write === 'function') buffer.write(text, 'utf8');
  else encoder.encodeInto(text, into);
}

/** Whether `a` and `b` hold the same bytes (Node's native compare where there is one). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  if (nodeBuffer) return nodeBuffer.compare(a, b) === 0;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
