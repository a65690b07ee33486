import { defineConfig } from 'tsup';

export default defineConfig({
  // `index` is the library entry (`main()`, for embedding the CLI); `bin` is the `stowage` binary
  // (tsup keeps its shebang and marks it executable). Only the library needs type declarations.
  entry: ['src/index.ts', 'src/bin.ts'],
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts' } },
  target: 'node20',
  clean: true,
  sourcemap: true,
});
