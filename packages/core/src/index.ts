/**
 * @stowage/core: the contract every stowage driver implements (`Storage`), its types and errors,
 * S3's key and bucket-name rules, and helpers drivers share.
 * @packageDocumentation
 */
export type {
  BodyInput,
  BucketInfo,
  ByteRange,
  ContentHeaders,
  CopyOptions,
  DeleteObjectsResult,
  GetOptions,
  GetResult,
  HeadOptions,
  ListEntry,
  ListOptions,
  ObjectInfo,
  ObjectRef,
  ProgressEvent,
  PresignOptions,
  PutOptions,
  PutResult,
  ReadConditions,
  Signal,
  Storage,
} from './storage.js';
export { type BooleanCapability, type Capabilities, S3_CAPABILITIES } from './capabilities.js';
export {
  ERROR_CODES,
  type ErrorCode,
  StorageError,
  type StorageErrorDetails,
  describeLocation,
  isStorageError,
  nodeOnly,
} from './errors.js';
export {
  type KeyCapabilities,
  MAX_KEY_BYTES,
  MAX_SEGMENT_BYTES,
  assertBucketName,
  assertKey,
  assertKeyFor,
  bucketNameProblem,
  compareKeys,
  invalidKey,
  keyProblem,
  keyProblemFor,
  keyShapeProblem,
} from './keys.js';
export { allocBytes, allocOwnBytes, bytesView, concatBytes, sameBytes, utf8Bytes, utf8Length, writeUtf8 } from './bytes.js';
export { abortError, abortableDelay, raceAbort, raceSignal, throwIfAborted } from './abort.js';
export { type NormalizedBody, abortableChunks, bodyToReadable, normalizeBody } from './body.js';
export { FrontGetResult, bytesRead, collectBytes, createGetResult, createGetResultOfChunks, streamRead } from './get-result.js';
export { chunksToWebStream, webStreamChunks } from './web-stream.js';
export { allowAbortListeners } from './listener-limit.js';
export type { ObjectRead, StorageDriver } from './driver.js';
export { FrontDoor } from './front-door.js';
export { CountedBody, type CountedBodyOptions } from './counted-body.js';
export { assertRange, rangeHeader, resolveRange } from './range.js';
export {
  assertPutOptions,
  assertReadConditions,
  bareEtag,
  checkPutConditions,
  checkReadConditions,
  etagMatches,
  quoteEtag,
} from './conditions.js';
export {
  CONTENT_HEADER_NAMES,
  DEFAULT_CONTENT_TYPE,
  MAX_METADATA_BYTES,
  normalizeMetadata,
  pickContentHeaders,
  replacesAttributes,
} from './metadata.js';
export {
  DEFAULT_TRANSFER_CONFIG,
  type TransferConfig,
  type TransferResult,
  resolveTransferConfig,
} from './transfer-config.js';
export { ProgressThrottle, type ProgressThrottleOptions } from './progress-throttle.js';
export { forEachLimited } from './concurrency.js';
export { assertListOptions } from './list-options.js';
export { type ListWindow, listSorted } from './listing.js';
export { progressFailed, reportProgress } from './progress.js';
export { fileError } from './file-errors.js';
export { type UploadFileOptions, guessContentType, uploadFile } from './upload-file.js';
export { type DownloadFileOptions, downloadFile } from './download-file.js';
export { type Part, splitIntoParts } from './parts.js';
export { copyAcross } from './copy-across.js';
export { StoredObject } from './stored-object.js';
export { Bucket, type DeleteBucketOptions, type ObjectsOptions } from './bucket.js';
export { type BucketCollection, StorageResource, allBuckets, resource } from './resources.js';
export { seededRandom } from './seeded-random.js';
export { parseDuration } from './durations.js';
