import { base64ToUtf8, latin1ToUtf8, utf8ToBase64 } from './encodings.js';

/**
 * User metadata travels as `x-amz-meta-*` HTTP headers, which carry only visible ASCII reliably
 * (Node refuses characters above U+00FF; servers trim surrounding whitespace and mangle Latin-1).
 * Values that would not survive are sent as an RFC 2047 encoded word, `=?UTF-8?B?<base64>?=`:
 * the form AWS itself uses when it returns non-ASCII metadata, so other S3 clients can read them.
 */

const ENCODED_WORD = /^=\?utf-8\?([bq])\?([^?]*)\?=$/i;
// Printable ASCII, not starting or ending with a space.
const SAFE_VALUE = /^(?:[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?)?$/;

function looksEncoded(value: string): boolean {
  return value.startsWith('=?') && value.endsWith('?=');
}

/** One metadata value as sent: itself when HTTP carries it unchanged, else an encoded word. */
export function encodeMetadataValue(value: string): string {
  // An empty value is sent as is; a value that already looks like an encoded word is encoded
  // again, so decoding gives back exactly what was written.
  if (SAFE_VALUE.test(value) && !looksEncoded(value)) return value;
  return `=?UTF-8?B?${utf8ToBase64(value)}?=`;
}

/** One metadata value as received: encoded words (B or Q) decoded, anything else unchanged. */
export function decodeMetadataValue(value: string): string {
  const match = ENCODED_WORD.exec(value);
  if (!match) return value;
  const [, kind, text = ''] = match;
  if (kind?.toLowerCase() === 'b') {
    // Only accept well-formed base64, so a value that merely resembles an encoded word survives.
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return value;
    return base64ToUtf8(text);
  }
  const bytes = text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return latin1ToUtf8(bytes);
}

/** Metadata (names already normalized) as sent to S3. */
export function encodeMetadata(metadata: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(metadata)) out[name] = encodeMetadataValue(value);
  return out;
}

/** Metadata as S3 returned it, decoded, with lower-case names. */
export function decodeMetadata(metadata: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(metadata ?? {})) out[name.toLowerCase()] = decodeMetadataValue(value);
  return out;
}
