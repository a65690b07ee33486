/**
 * Bytes and text as base64, hex and Latin-1, by Node's `Buffer` (native, and what Node programs
 * have always got); `encodings.web.ts` is the same with web-standard APIs.
 */

const view = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** `bytes` as base64. */
export function base64OfBytes(bytes: Uint8Array): string {
  return view(bytes).toString('base64');
}

/** `bytes` as lower-case hex. */
export function hexOfBytes(bytes: Uint8Array): string {
  return view(bytes).toString('hex');
}

/** `text`'s UTF-8 bytes as base64. */
export function utf8ToBase64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** Well-formed base64 of UTF-8 bytes, decoded (malformed sequences as U+FFFD). */
export function base64ToUtf8(base64: string): string {
  return Buffer.from(base64, 'base64').toString('utf8');
}

/** A string of byte values (each character one byte, Latin-1) decoded as UTF-8. */
export function latin1ToUtf8(latin1: string): string {
  return Buffer.from(latin1, 'latin1').toString('utf8');
}
