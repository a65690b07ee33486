import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.base.ts';

export default defineConfig({
  ...libraryBuild,
  // `index` is the library entry (`main()`, for embedding the CLI); `bin` is the `stowage` binary
  // (tsup keeps its shebang and marks it executable). Only the library needs type declarations.
  entry: ['src/index.ts', 'src/bin.ts'],
  dts: { entry: { index: 'src/index.ts' } },
});
