/**
 * @stowage/cli: the `stowage` command. The binary is `dist/bin.js`; this entry exposes `main()` to
 * run a command line inside another program (with its own streams, environment and signal).
 * @packageDocumentation
 */
export { COMMANDS, main } from './main.js';
export type { Command } from './command.js';
export type { Args, OptionSpec, OptionSpecs } from './args.js';
export type { Context, Io, Remote } from './context.js';
export type { JsonAction, JsonOp } from './json.js';
export type { OutStream, Output } from './output.js';
export { EXIT, type Secrets } from './errors.js';
export { DEFAULT_STORE_DIR, STORE_ENV, storeUrl } from './store.js';
export {
  type FileLocation,
  type Location,
  type ObjectLocation,
  type StdioLocation,
  type StoreRef,
  parseLocation,
  formatObject,
  SCHEME,
} from './locations.js';
export { VERSION } from './version.js';
