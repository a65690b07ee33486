import { DEFAULT_CONTENT_TYPE, StorageError, type ContentHeaders, type ListEntry, type ObjectInfo } from '@stowage/core';
import { blockCheck } from './digests.js';

/**
 * One stored version of an object. Never changed once stored: a write makes a new version and
 * swaps it in, so a reader holding the old one reads it whole. A copy shares its source's blocks.
 *
 * An object of at most one block (nearly every object) holds that block and its check directly,
 * not in arrays: fewer objects per stored object for the garbage collector to trace, and fewer
 * places in memory a read has to reach.
 */
export interface StoredVersion {
  /** The bytes: the one block (of `size` bytes), or every block of `BLOCK_BYTES` (the last may be shorter). */
  readonly body: Uint8Array | readonly Uint8Array[];
  /** The at-rest check of the one block, or of each block (see digests.ts). */
  readonly check: number | readonly number[];
  readonly size: number;
  /** Quoted, as S3 sends it. */
  readonly etag: string;
  /** Milliseconds since the epoch. */
  readonly lastModified: number;
  readonly headers: Readonly<ContentHeaders>;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Headers and metadata of a version written without any: one shared, frozen object each. */
export const NO_HEADERS: Readonly<ContentHeaders> = Object.freeze({});
export const NO_METADATA: Readonly<Record<string, string>> = Object.freeze({});

/** How many blocks `version` has. */
export function blockCount(version: StoredVersion): number {
  return version.body instanceof Uint8Array ? 1 : version.body.length;
}

/** Block `index` of `version`, unchecked. */
export function blockAt(version: StoredVersion, index: number): Uint8Array {
  return (version.body instanceof Uint8Array ? version.body : version.body[index]) as Uint8Array;
}

/** Everything `headObject` and `getObject` report about a version. */
export function objectInfo(key: string, version: StoredVersion): ObjectInfo {
  const headers = version.headers;
  if (headers === NO_HEADERS) {
    return {
      key,
      size: version.size,
      etag: version.etag,
      lastModified: new Date(version.lastModified),
      contentType: DEFAULT_CONTENT_TYPE,
      metadata: version.metadata === NO_METADATA ? {} : { ...version.metadata },
    };
  }
  return {
    key,
    size: version.size,
    etag: version.etag,
    lastModified: new Date(version.lastModified),
    ...headers,
    contentType: headers.contentType ?? DEFAULT_CONTENT_TYPE,
    metadata: { ...version.metadata },
  };
}

/** A listing's entry: what S3's ListObjectsV2 reports (no content headers, no metadata). */
export function listedObject(key: string, version: StoredVersion): ListEntry {
  return { type: 'object', key, size: version.size, etag: version.etag, lastModified: new Date(version.lastModified), metadata: {} };
}

/** Throws `ChecksumMismatch` unless block `index` of `version` still has the bytes it was stored with. */
export function verifyBlock(version: StoredVersion, index: number, bucket: string, key: string): Uint8Array {
  const single = version.body instanceof Uint8Array;
  const block = (single ? version.body : version.body[index]) as Uint8Array;
  const expected = single ? version.check : (version.check as readonly number[])[index];
  if (blockCheck(block) !== expected) {
    throw new StorageError('ChecksumMismatch', `block ${index} of the object changed at rest: its bytes no longer match what was written`, {
      bucket,
      key,
    });
  }
  return block;
}

/** Throws `ChecksumMismatch` unless every block of `version` is intact. */
export function verifyVersion(version: StoredVersion, bucket: string, key: string): void {
  const count = blockCount(version);
  for (let i = 0; i < count; i++) verifyBlock(version, i, bucket, key);
}
