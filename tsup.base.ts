import type { Options } from 'tsup';

/**
 * The build every library package shares: ESM and CommonJS from `src/index.ts`, with type
 * declarations for both, for Node 20. A package's own `tsup.config.ts` re-exports it, or spreads
 * it and overrides what differs (the CLI adds its `bin` entry).
 */
export const libraryBuild: Options = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  target: 'node20',
  clean: true,
  sourcemap: true,
  // import.meta.url in the CommonJS build, for the packages that require a dependency on first use.
  shims: true,
};
