/**
 * @stowage/local: the stowage driver for the local disk, the file-system engine it runs, and a
 * file system in memory (memfs) to run it on in tests.
 * @packageDocumentation
 */
export { LocalStorage, type LocalStorageOptions } from './local-storage.js';
export type { DiskIo } from './disk-fs.js';
export { memoryVolume, type MemoryVolume, type MemfsVolume } from './memory-volume.js';
export { FsStorage } from './fs-storage.js';
export { FsDriver, type FsStorageOptions } from './fs-driver.js';
export type { FileSystem, FsDirent, FsFileHandle, FsPromises, FsStats } from './fs-api.js';
export { FS_CAPABILITIES } from './capabilities.js';
export { localKeyProblem } from './key-path.js';
export { INTERNAL_DIR } from './layout.js';
