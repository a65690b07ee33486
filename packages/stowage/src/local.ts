/** The local driver, as `stowage` re-exports it; its web variant (`local.web.ts`) has no disk. */
export { type FileSystem, LocalStorage, type LocalStorageOptions, memoryVolume, type MemoryVolume } from '@stowage/local';
