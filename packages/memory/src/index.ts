/**
 * @stowage/memory: a stowage driver in memory (memfs), for tests.
 * @packageDocumentation
 */
export { MEMORY_ROOT, MemoryStorage, type StoreContents } from './memory-storage.js';
