/**
 * stowage: one import for the whole library. `openStorage(url)` opens memory, local-disk or S3
 * storage from a URL; the resource level (`Bucket`, `StoredObject`, `resource()`), the transfers
 * and every type of `@stowage/core` come along, and so do the drivers' classes.
 * @packageDocumentation
 */
export * from '@stowage/core';
export { LocalStorage, type LocalStorageOptions, memoryVolume, type MemoryVolume } from '@stowage/local';
export { MemoryStorage } from '@stowage/memory';
export { S3Storage, type S3StorageOptions } from '@stowage/s3';
export { type OpenStorageOptions, openStorage } from './open-storage.js';
export { type StorageUrl, parseStorageUrl } from './parse-url.js';
