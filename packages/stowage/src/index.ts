/**
 * stowage: one import for the whole library. `await openStorage(url)` opens memory, local-disk or
 * S3 storage from a URL, loading only the driver the URL's scheme needs; the resource level
 * (`Bucket`, `StoredObject`, `resource()`), the transfers and every type of `@stowage/core` come
 * along, and so do the memory and local drivers' classes. `S3Storage` is in `stowage/s3`, so that
 * importing `stowage` does not load the AWS SDK.
 * @packageDocumentation
 */
export * from '@stowage/core';
export { type FileSystem, LocalStorage, type LocalStorageOptions, memoryVolume, type MemoryVolume } from './local.js';
export { MemoryStorage } from '@stowage/memory';
export type { S3StorageOptions } from '@stowage/s3';
export * from '@stowage/layers';
export { type OpenStorageOptions, openStorage } from './open-storage.js';
export type { LayerParams } from './layer-params.js';
export { type StorageUrl, parseStorageUrl } from './parse-url.js';
