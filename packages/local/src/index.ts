/**
 * @stowage/local: the stowage driver for the local disk, and the file-system engine the memory
 * driver shares.
 * @packageDocumentation
 */
export { LocalStorage, type LocalStorageOptions } from './local-storage.js';
export { FsStorage, type FsStorageOptions } from './fs-storage.js';
export type { FileSystem, FsDirent, FsFileHandle, FsPromises, FsStats } from './fs-api.js';
export { FS_CAPABILITIES } from './capabilities.js';
export { MAX_SEGMENT_BYTES, localKeyProblem } from './key-path.js';
export { INTERNAL_DIR } from './layout.js';
