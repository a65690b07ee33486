import type { Capabilities } from '@stowage/core';

/** What the file-system drivers (local disk and memory) support. */
export const FS_CAPABILITIES: Readonly<Capabilities> = Object.freeze({
  conditionalPut: true,
  conditionalGet: true,
  rangeRead: true,
  suffixRange: true,
  listPagination: true,
  presign: false,
  multipartUpload: false,
  fileAndFolderKeys: false,
  emptySegments: false,
  dotSegments: false,
  longSegments: false,
  nulInKeys: false,
  maxKeyBytes: 1024,
  bucketCreatedAt: true,
});
