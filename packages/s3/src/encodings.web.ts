import { utf8Bytes } from '@stowage/core';

/** The web variant of `encodings.ts`: `btoa`, `atob` and `TextDecoder` instead of Node's `Buffer`. */

const decoder = new TextDecoder();

/** The bytes of a string whose characters are byte values (a Latin-1 or `atob` string). */
function byteValues(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return bytes;
}

export function base64OfBytes(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function hexOfBytes(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

export function utf8ToBase64(text: string): string {
  return base64OfBytes(utf8Bytes(text));
}

export function base64ToUtf8(base64: string): string {
  return decoder.decode(byteValues(atob(base64)));
}

export function latin1ToUtf8(latin1: string): string {
  return decoder.decode(byteValues(latin1));
}
