/**
 * What a driver can do. The contract suite skips (and names) the cases a driver declares it cannot
 * support, and callers can check before relying on a feature.
 */
export interface Capabilities {
  /** `ifNoneMatch: '*'` and `ifMatch` on put are enforced atomically. */
  conditionalPut: boolean;
  /** `ifMatch`/`ifNoneMatch`/`ifModifiedSince`/`ifUnmodifiedSince` on get and head. */
  conditionalGet: boolean;
  /** Ranged reads with an offset (and optional length). */
  rangeRead: boolean;
  /** Ranged reads of the last N bytes. */
  suffixRange: boolean;
  /** Listing pages of any size are consistent with one another. */
  listPagination: boolean;
  /** Presigned GET/PUT URLs. */
  presign: boolean;
  /** Uploads in parts; failed or aborted uploads leave no pending upload. */
  multipartUpload: boolean;
  /** A key and a longer key that continues it with `/` (`a/b` and `a/b/c`) can both exist. */
  fileAndFolderKeys: boolean;
  /** Keys may end with `/` or contain empty segments (`a//b`, `/a`). */
  emptySegments: boolean;
  /** Keys may contain `.` or `..` segments. */
  dotSegments: boolean;
  /** A key segment (between slashes) may be longer than 255 bytes. */
  longSegments: boolean;
  /** Keys may contain U+0000. */
  nulInKeys: boolean;
  /** The longest key in UTF-8 bytes. */
  maxKeyBytes: number;
  /** `listBuckets` reports `createdAt`. */
  bucketCreatedAt: boolean;
}

/** What S3 itself supports: the reference every driver is compared with. */
export const S3_CAPABILITIES: Readonly<Capabilities> = Object.freeze({
  conditionalPut: true,
  conditionalGet: true,
  rangeRead: true,
  suffixRange: true,
  listPagination: true,
  presign: true,
  multipartUpload: true,
  fileAndFolderKeys: true,
  emptySegments: true,
  dotSegments: true,
  longSegments: true,
  nulInKeys: true,
  maxKeyBytes: 1024,
  bucketCreatedAt: true,
});
