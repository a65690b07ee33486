// The smoke suite in Bun (the npm package `bun`'s binary), on memory and on s3rver, importing the
// built packages as Bun resolves them from packages/runtimes/node_modules.
import { describeSmokeInBinary } from './binary-runtime.ts';
import { bunBinary } from './harness.ts';

describeSmokeInBinary('bun', 'Bun', bunBinary(), (_config, json) => ['src/cli.ts', json]);
