import { existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
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
  // dist/web is the web build's, made beside this one.
  clean: ['!web/**'],
  sourcemap: true,
  // import.meta.url in the CommonJS build, for the packages that require a dependency on first use.
  shims: true,
};

/**
 * Swaps a source module for its web variant: an import of `./x.js` whose folder holds `x.web.ts`
 * gets that file. A variant exports the same names with web-standard APIs only (or, for what has
 * no web meaning, such as file transfers, functions that reject with `NotSupported`).
 */
const webVariants: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'web-variants',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const variant = resolve(args.resolveDir, args.path.replace(/\.(js|ts)$/, '.web.ts'));
      return existsSync(variant) ? { path: variant } : undefined;
    });
    // A Node built-in left in the web build fails it here, naming the file, not in a user's bundler.
    build.initialOptions.metafile = true;
    build.onEnd((result) => {
      const found = Object.entries(result.metafile?.inputs ?? {}).flatMap(([input, { imports }]) =>
        imports.filter(({ path }) => path.startsWith('node:') || NODE_BUILTINS.has(path)).map(({ path }) => `${input} imports ${path}`),
      );
      if (found.length) throw new Error(`the web build imports Node built-ins (give each file a .web.ts variant): ${found.join('; ')}`);
    });
  },
};

const NODE_BUILTINS = new Set(builtinModules);

/**
 * The build for browsers and edge workers (the `browser`, `worker` and `workerd` export
 * conditions): ESM from the same entry, with each module that needs Node swapped for its web
 * variant, so the bundle imports no Node built-in. It shares the Node build's type declarations.
 */
export const webBuild: Options = {
  entry: ['src/index.ts'],
  outDir: 'dist/web',
  format: ['esm'],
  platform: 'browser',
  target: 'es2022',
  clean: true,
  sourcemap: true,
  esbuildPlugins: [webVariants],
};
