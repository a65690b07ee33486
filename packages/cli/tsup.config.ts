import { fileURLToPath } from 'node:url';
import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.base.ts';

export default defineConfig({
  ...libraryBuild,
  // `index` is the library entry (`main()`, for embedding the CLI); `bin` is the `stowage` binary
  // (tsup keeps its shebang and marks it executable). Only the library needs type declarations.
  entry: ['src/index.ts', 'src/bin.ts'],
  dts: { entry: { index: 'src/index.ts' } },
  // `openStorage` is bundled in from its own module in stowage's sources rather than imported from
  // `stowage`, whose entry re-exports the memory and local drivers' classes and so loads both for
  // any store. Bundled, it imports only the driver its URL needs (the drivers are dependencies).
  noExternal: ['stowage'],
  esbuildOptions(options) {
    options.alias = { stowage: fileURLToPath(new URL('../stowage/src/open-storage.ts', import.meta.url)) };
  },
});
