/**
 * @stowage/memory: a stowage driver in memory (memfs), for tests.
 * @packageDocumentation
 */
export { MemoryStorage, type StoreContents } from './memory-storage.js';
