import { DEFAULT_CONTENT_TYPE, StorageError, type ContentHeaders, type ListEntry, type ObjectInfo } from '@stowage/core';
import { blockCheck } from './digests.js';

/**
 * One stored version of an object. Never changed once stored: a write makes a new version and
 * swaps it in, so a reader holding the old one reads it whole. A copy shares its source's blocks.
 */
export interface StoredVersion {
  /** The bytes, in blocks of at most `BLOCK_BYTES` (the last may be shorter). */
  readonly blocks: readonly Uint8Array[];
  /** The at-rest check of each block (see digests.ts). */
  readonly checks: readonly string[];
  readonly size: number;
  /** Quoted, as S3 sends it. */
  readonly etag: string;
  /** Milliseconds since the epoch. */
  readonly lastModified: number;
  readonly headers: Readonly<ContentHeaders>;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Everything `headObject` and `getObject` report about a version. */
export function objectInfo(key: string, version: StoredVersion): ObjectInfo {
  return {
    key,
    size: version.size,
    etag: version.etag,
    lastModified: new Date(version.lastModified),
    ...version.headers,
    contentType: version.headers.contentType ?? DEFAULT_CONTENT_TYPE,
    metadata: { ...version.metadata },
  };
}

/** A listing's entry: what S3's ListObjectsV2 reports (no content headers, no metadata). */
export function listedObject(key: string, version: StoredVersion): ListEntry {
  return { type: 'object', key, size: version.size, etag: version.etag, lastModified: new Date(version.lastModified), metadata: {} };
}

/** Throws `ChecksumMismatch` unless block `index` of `version` still has the bytes it was stored with. */
export function verifyBlock(version: StoredVersion, index: number, bucket: string, key: string): Uint8Array {
  const block = version.blocks[index] as Uint8Array;
  if (blockCheck(block) !== version.checks[index]) {
    throw new StorageError('ChecksumMismatch', `block ${index} of the object changed at rest: its bytes no longer match what was written`, {
      bucket,
      key,
    });
  }
  return block;
}

/** Throws `ChecksumMismatch` unless every block of `version` is intact. */
export function verifyVersion(version: StoredVersion, bucket: string, key: string): void {
  for (let i = 0; i < version.blocks.length; i++) verifyBlock(version, i, bucket, key);
}
