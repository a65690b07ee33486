/**
 * @stowage/cli: the `stowage` command. The binary is `dist/bin.js`; this entry exposes `main()` to
 * run a command line inside another program (with its own streams, environment and signal).
 * @packageDocumentation
 */
export { COMMANDS, main } from './main.js';
export type { Command } from './command.js';
export type { Io } from './context.js';
export type { OutStream } from './output.js';
export { EXIT } from './errors.js';
export { DEFAULT_STORE_DIR, STORE_ENV, storeUrl } from './store.js';
export { type Location, parseLocation, formatObject, SCHEME } from './locations.js';
export { VERSION } from './version.js';
