import { StorageError, type StorageErrorDetails } from './errors.js';
import { utf8Length } from './bytes.js';
import type { ContentHeaders } from './storage.js';

/** S3's limit on user metadata: names and values together, in UTF-8 bytes. */
export const MAX_METADATA_BYTES = 2048;

// HTTP header name characters (RFC 9110 token), since S3 sends metadata as x-amz-meta-* headers.
const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/**
 * The content type of an object stored without one. S3 servers fill one in (Ceph and most others
 * this one); every driver reports the same so code does not depend on the backend.
 */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** The names of the content headers, in a fixed order. */
export const CONTENT_HEADER_NAMES = [
  'contentType',
  'contentEncoding',
  'contentDisposition',
  'contentLanguage',
  'cacheControl',
] as const satisfies readonly (keyof ContentHeaders)[];

/**
 * Checks user metadata and returns it with lower-case names (as S3 stores them). Throws
 * `InvalidArgument` for a name that is not an HTTP token, a value that is not a string, or more than
 * {@link MAX_METADATA_BYTES} in all.
 */
export function normalizeMetadata(metadata: Record<string, string> | undefined, details: StorageErrorDetails = {}): Record<string, string> {
  const out: Record<string, string> = {};
  if (metadata === undefined) return out;
  if (typeof metadata !== 'object' || metadata === null) {
    throw new StorageError('InvalidArgument', 'metadata must be an object of strings', details);
  }
  let bytes = 0;
  for (const [rawName, value] of Object.entries(metadata)) {
    const name = rawName.toLowerCase();
    if (!TOKEN.test(name)) {
      throw new StorageError('InvalidArgument', `invalid metadata name ${JSON.stringify(rawName)}: use letters, digits and - _ .`, details);
    }
    if (typeof value !== 'string') {
      throw new StorageError('InvalidArgument', `metadata value of ${JSON.stringify(rawName)} must be a string`, details);
    }
    bytes += utf8Length(name) + utf8Length(value);
    out[name] = value;
  }
  if (bytes > MAX_METADATA_BYTES) {
    throw new StorageError('InvalidArgument', `metadata is ${bytes} bytes; at most ${MAX_METADATA_BYTES} are allowed`, details);
  }
  return out;
}

/** Only the content headers that are set, from any object that has some. */
export function pickContentHeaders(source: ContentHeaders): ContentHeaders {
  const out: ContentHeaders = {};
  for (const name of CONTENT_HEADER_NAMES) {
    const value = source[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** True when a copy's options replace headers and metadata (S3's `MetadataDirective: REPLACE`). */
export function replacesAttributes(options: ContentHeaders & { metadata?: Record<string, string> }): boolean {
  return options.metadata !== undefined || CONTENT_HEADER_NAMES.some((n) => options[n] !== undefined);
}
