/**
 * What a driver can do. The contract suite skips (and names) the cases a driver declares it cannot
 * support, and callers can check before relying on a feature.
 *
 * Every flag is `true` on S3 itself ({@link S3_CAPABILITIES}). A driver for an S3-compatible server
 * sets `false` for what that server lacks; each flag says what `false` allows a store to do instead.
 */
export interface Capabilities {
  /** `ifNoneMatch: '*'` on put is enforced atomically (and `ifMatch`, when {@link ifMatchOnPut}). */
  conditionalPut: boolean;
  /**
   * `ifMatch` on put is enforced atomically: compare-and-swap on the ETag. Needs `conditionalPut`.
   * S3 added it in 2024; servers that only know `ifNoneMatch: '*'` overwrite regardless.
   */
  ifMatchOnPut: boolean;
  /** `ifMatch`/`ifNoneMatch`/`ifModifiedSince`/`ifUnmodifiedSince` on get and head. */
  conditionalGet: boolean;
  /** Ranged reads with an offset (and optional length). */
  rangeRead: boolean;
  /** Ranged reads of the last N bytes. */
  suffixRange: boolean;
  /** Listing pages of any size are consistent with one another. */
  listPagination: boolean;
  /**
   * A listing resumes after the last key it returned, so objects added or removed between two
   * pages neither duplicate nor skip the keys that stayed (a store that pages by position cannot).
   */
  stablePagination: boolean;
  /** `startAfter` compares keys by their UTF-8 bytes, as S3 orders them, not by UTF-16 units. */
  startAfterByteOrder: boolean;
  /** Presigned GET/PUT URLs. */
  presign: boolean;
  /** Large bodies go up in parts (S3 multipart upload); a store that writes every body whole says `false`. */
  multipartUpload: boolean;
  /**
   * A put that is aborted or whose body fails leaves nothing behind: no object and no pending
   * (billed) multipart upload. On an S3 server this needs AbortMultipartUpload (and is checked
   * there with ListMultipartUploads).
   */
  cleanAbort: boolean;
  /**
   * An object uploaded in parts has S3's multipart ETag, `"<hex>-<parts>"`, not the MD5 of its
   * bytes. `false` where bodies are stored whole or the server computes another ETag.
   */
  multipartEtag: boolean;
  /**
   * The ETag of an object written in one request is the quoted hex MD5 of its bytes, so it can be
   * compared with a local file's MD5 (AWS objects encrypted with SSE-KMS or SSE-C are the exception).
   */
  md5Etags: boolean;
  /**
   * A put has stored the whole object when it resolves: a read right after returns all of it
   * (S3's strong read-after-write consistency).
   */
  readAfterWrite: boolean;
  /** A read started before an overwrite or delete returns the old version whole. */
  readIsolation: boolean;
  /** Concurrent writers to one key leave exactly one writer's object: its body, headers and metadata together. */
  atomicWrites: boolean;
  /** `copyObject` copies objects of any size (S3 copies large ones part by part with UploadPartCopy). */
  largeCopies: boolean;
  /** A key and a longer key that continues it with `/` (`a/b` and `a/b/c`) can both exist. */
  fileAndFolderKeys: boolean;
  /** Keys may contain empty segments (`a//b`, `/a`, `a//`); a single trailing `/` is {@link Capabilities.folderMarkers}. */
  emptySegments: boolean;
  /**
   * A key that ends in one `/` (`photos/`, a folder marker as the AWS console makes it) can be
   * stored, beside the keys under it (`photos/cat.jpg`).
   */
  folderMarkers: boolean;
  /**
   * A folder marker may hold bytes, as on S3. A file-system store keeps the marker as the folder
   * itself, so it takes only an empty body (`InvalidKey` otherwise, before anything is written).
   */
  folderMarkerBodies: boolean;
  /** Keys may contain `.` or `..` segments. */
  dotSegments: boolean;
  /** A key segment (between slashes) may be longer than 255 bytes. */
  longSegments: boolean;
  /**
   * A key segment of exactly 255 bytes can be stored: the longest file name most disks take, so a
   * store that adds a suffix to the file name (as s3rver does) cannot.
   */
  maxLengthSegments: boolean;
  /** Keys may contain U+0000. */
  nulInKeys: boolean;
  /** Keys may contain other control characters (tab, newline, U+0001, DEL) and list back exactly. */
  controlCharsInKeys: boolean;
  /** Keys differing only in letter case (`Key`, `key`) are distinct objects. */
  caseSensitiveKeys: boolean;
  /** Keys differing only in Unicode normalisation (NFC `é`, NFD `e` + U+0301) are distinct objects. */
  normalizationSensitiveKeys: boolean;
  /** The longest key in UTF-8 bytes. */
  maxKeyBytes: number;
  /** `listBuckets` reports `createdAt`. */
  bucketCreatedAt: boolean;
  /** Every bucket name S3 accepts can be created, dotted names and 63-character names included. */
  allBucketNames: boolean;
  /**
   * Of concurrent `createBucket` calls for one name exactly one succeeds. Servers that answer 200
   * to re-creating a bucket you own (AWS in us-east-1) leave a driver no atomic way to tell.
   */
  exclusiveCreateBucket: boolean;
}

/** What S3 itself supports: the reference every driver is compared with. */
export const S3_CAPABILITIES: Readonly<Capabilities> = Object.freeze({
  conditionalPut: true,
  ifMatchOnPut: true,
  conditionalGet: true,
  rangeRead: true,
  suffixRange: true,
  listPagination: true,
  stablePagination: true,
  startAfterByteOrder: true,
  presign: true,
  multipartUpload: true,
  cleanAbort: true,
  multipartEtag: true,
  md5Etags: true,
  readAfterWrite: true,
  readIsolation: true,
  atomicWrites: true,
  largeCopies: true,
  fileAndFolderKeys: true,
  emptySegments: true,
  folderMarkers: true,
  folderMarkerBodies: true,
  dotSegments: true,
  longSegments: true,
  maxLengthSegments: true,
  nulInKeys: true,
  controlCharsInKeys: true,
  caseSensitiveKeys: true,
  normalizationSensitiveKeys: true,
  maxKeyBytes: 1024,
  bucketCreatedAt: true,
  allBucketNames: true,
  exclusiveCreateBucket: true,
});

/** The names of the boolean flags of {@link Capabilities} (`maxKeyBytes` is a number, not a flag). */
export type BooleanCapability = {
  [K in keyof Capabilities]: Capabilities[K] extends boolean ? K : never;
}[keyof Capabilities];
