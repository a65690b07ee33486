import { defineConfig } from 'tsup';
import { libraryBuild, webBuild } from '../../tsup.base.ts';

// `s3` is an entry of its own: `S3Storage` pulls in the AWS SDK, which `import 'stowage'` must not.
export default defineConfig([
  { ...libraryBuild, entry: ['src/index.ts', 'src/s3.ts'] },
  { ...webBuild, entry: ['src/index.ts', 'src/s3.ts'] },
]);
