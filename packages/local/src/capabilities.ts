import type { Capabilities } from '@stowage/core';

/**
 * What the file-system drivers (local disk and memfs) support. A file system gives S3's conditions,
 * ranges, snapshot reads and atomic renames, but a key must be a file path: no file beside a folder
 * of its name, no empty, dot or over-long segments, no U+0000. Bodies are written whole (no parts,
 * so an abort leaves only a temporary file that is removed), and the ETag is the file's own digest
 * (XXH3-128), not an MD5.
 *
 * `caseSensitiveKeys` and `normalizationSensitiveKeys` hold on case-sensitive, non-normalising file
 * systems (Linux's and memfs); a root on macOS's or Windows's default file system merges such keys
 * (see the README's Limits).
 */
export const FS_CAPABILITIES: Readonly<Capabilities> = Object.freeze({
  conditionalPut: true,
  ifMatchOnPut: true,
  conditionalGet: true,
  rangeRead: true,
  suffixRange: true,
  listPagination: true,
  stablePagination: true,
  startAfterByteOrder: true,
  presign: false,
  multipartUpload: false,
  cleanAbort: true,
  multipartEtag: false,
  md5Etags: false,
  readAfterWrite: true,
  readIsolation: true,
  atomicWrites: true,
  largeCopies: true,
  fileAndFolderKeys: false,
  emptySegments: false,
  folderMarkers: true,
  folderMarkerBodies: false,
  dotSegments: false,
  longSegments: false,
  maxLengthSegments: true,
  nulInKeys: false,
  controlCharsInKeys: true,
  caseSensitiveKeys: true,
  normalizationSensitiveKeys: true,
  maxKeyBytes: 1024,
  bucketCreatedAt: true,
  allBucketNames: true,
  exclusiveCreateBucket: true,
});
