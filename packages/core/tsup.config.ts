import { defineConfig } from 'tsup';
import { libraryBuild, webBuild } from '../../tsup.base.ts';

// `md5` is an entry of its own: its Node build loads node:crypto, which `import '@stowage/core'` must not.
export default defineConfig([
  { ...libraryBuild, entry: ['src/index.ts', 'src/md5.ts'] },
  { ...webBuild, entry: { index: 'src/index.ts', md5: 'src/md5.web.ts' } },
]);
