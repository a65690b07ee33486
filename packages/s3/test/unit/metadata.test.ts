import { describe, expect, it } from 'vitest';
import { decodeMetadata, decodeMetadataValue, encodeMetadata, encodeMetadataValue } from '../../src/metadata.ts';

describe('metadata encoding', () => {
  it('leaves visible ASCII alone', () => {
    expect(encodeMetadataValue('hello world, 1+1=2')).toBe('hello world, 1+1=2');
    expect(encodeMetadataValue('')).toBe('');
  });

  it('encodes non-ASCII, control characters and surrounding spaces as an RFC 2047 word', () => {
    expect(encodeMetadataValue('Grüße')).toBe(`=?UTF-8?B?${Buffer.from('Grüße').toString('base64')}?=`);
    expect(encodeMetadataValue(' padded')).toMatch(/^=\?UTF-8\?B\?/);
    expect(encodeMetadataValue('tab\there')).toMatch(/^=\?UTF-8\?B\?/);
  });

  it.each(['Grüße 日本 🙂', ' a ', '=?UTF-8?B?aGk=?=', '=?utf-8?q?x?=', 'line\nbreak', 'plain', '', 'é'])('round-trips %j', (value) => {
    expect(decodeMetadataValue(encodeMetadataValue(value))).toBe(value);
  });

  it('decodes the Q form AWS may send, and leaves malformed words alone', () => {
    expect(decodeMetadataValue('=?UTF-8?Q?Gr=C3=BC=C3=9Fe_dich?=')).toBe('Grüße dich');
    expect(decodeMetadataValue('=?UTF-8?B?not base64!?=')).toBe('=?UTF-8?B?not base64!?=');
  });

  it('maps whole records, lower-casing names on the way back', () => {
    const sent = encodeMetadata({ a: 'ä', b: 'b' });
    expect(decodeMetadata({ A: sent.a as string, B: 'b' })).toEqual({ a: 'ä', b: 'b' });
    expect(decodeMetadata(undefined)).toEqual({});
  });
});
