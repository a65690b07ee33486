/**
 * @stowage/memory: a stowage driver in memory that behaves like S3, for tests and caches, and the
 * project's reference model of S3's semantics.
 * @packageDocumentation
 */
export { MemoryStorage, type StoreContents, type StoredObjectView } from './memory-storage.js';
export { MEMORY_CAPABILITIES } from './capabilities.js';
