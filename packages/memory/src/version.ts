import { DEFAULT_CONTENT_TYPE, StorageError, type ContentHeaders, type ListEntry, type ObjectInfo } from '@stowage/core';
import { blockCheck } from './digests.js';

/**
 * One stored version of an object. Never changed once stored: a write makes a new version and
 * swaps it in, so a reader holding the old one reads it whole. A copy shares its source's blocks.
 *
 * An object of at most one block (nearly every object) holds the memory its bytes are in and
 * where they start, not a byte array or arrays of blocks and checks, and its fields are small
 * integers (stored unboxed on 64-bit Node): per stored object the garbage collector traces this
 * object and the key, and a read reaches few places in memory.
 */
export interface StoredVersion {
  /**
   * The bytes: for an object of at most `BLOCK_BYTES`, the memory holding them (from `offset`, for
   * `size` bytes; often a slab shared with other objects); else every block, each `BLOCK_BYTES`
   * but the last.
   */
  readonly data: ArrayBufferLike | readonly Uint8Array[];
  /** Where the one block starts in `data` (0 for blocks). */
  readonly offset: number;
  /** The at-rest check of the one block, or of each block (see digests.ts). */
  readonly check: number | readonly number[];
  readonly size: number;
  /** Quoted, as S3 sends it. */
  readonly etag: string;
  /** When it was written: milliseconds since {@link TIME_BASE}. */
  readonly modified: number;
  readonly headers: Readonly<ContentHeaders>;
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * Times are stored from this instant (when the module loaded), not from the epoch: a count of
 * milliseconds that fits a small integer for 24 days, where one from 1970 is a boxed double.
 */
export const TIME_BASE = Date.now();

/** Headers and metadata of a version written without any: one shared, frozen object each. */
export const NO_HEADERS: Readonly<ContentHeaders> = Object.freeze({});
export const NO_METADATA: Readonly<Record<string, string>> = Object.freeze({});

/** How many blocks `version` has. */
export function blockCount(version: StoredVersion): number {
  return Array.isArray(version.data) ? version.data.length : 1;
}

/** Block `index` of `version`, unchecked: a view of the stored bytes, never to be handed out. */
export function blockAt(version: StoredVersion, index: number): Uint8Array {
  const data = version.data;
  return Array.isArray(data) ? (data[index] as Uint8Array) : new Uint8Array(data as ArrayBufferLike, version.offset, version.size);
}

/** Everything `headObject` and `getObject` report about a version. */
export function objectInfo(key: string, version: StoredVersion): ObjectInfo {
  const headers = version.headers;
  if (headers === NO_HEADERS) {
    return {
      key,
      size: version.size,
      etag: version.etag,
      lastModified: new Date(TIME_BASE + version.modified),
      contentType: DEFAULT_CONTENT_TYPE,
      metadata: version.metadata === NO_METADATA ? {} : { ...version.metadata },
    };
  }
  return {
    key,
    size: version.size,
    etag: version.etag,
    lastModified: new Date(TIME_BASE + version.modified),
    ...headers,
    contentType: headers.contentType ?? DEFAULT_CONTENT_TYPE,
    metadata: { ...version.metadata },
  };
}

/** A listing's entry: what S3's ListObjectsV2 reports (no content headers, no metadata). */
export function listedObject(key: string, version: StoredVersion): ListEntry {
  return {
    type: 'object',
    key,
    size: version.size,
    etag: version.etag,
    lastModified: new Date(TIME_BASE + version.modified),
    metadata: {},
  };
}

/** Throws `ChecksumMismatch` unless block `index` of `version` still has the bytes it was stored with. */
export function verifyBlock(version: StoredVersion, index: number, bucket: string, key: string): Uint8Array {
  const data = version.data;
  let intact: boolean;
  let block: Uint8Array;
  if (Array.isArray(data)) {
    block = data[index] as Uint8Array;
    intact = blockCheck(block.buffer, block.byteOffset, block.byteLength) === (version.check as readonly number[])[index];
  } else {
    intact = blockCheck(data as ArrayBufferLike, version.offset, version.size) === version.check;
    block = new Uint8Array(data as ArrayBufferLike, version.offset, version.size);
  }
  if (!intact) {
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
