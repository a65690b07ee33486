// The smoke suite in Deno (the npm package `deno`'s binary), on memory and on s3rver, importing the
// built packages through Deno's npm compatibility (packages/runtimes/node_modules, no deno.json).
import { describeSmokeInBinary } from './binary-runtime.ts';
import { denoBinary } from './harness.ts';

/**
 * The permissions the suite needs, and no more: the network only to s3rver on 127.0.0.1, the
 * environment (the AWS SDK reads its AWS_* settings), and files only in the run's own folder (the
 * file transfers). `--no-lock`: write no deno.lock here.
 */
const DENO_FLAGS = ['run', '--no-prompt', '--no-lock', '--allow-net=127.0.0.1', '--allow-env', '--allow-sys=osRelease'];

describeSmokeInBinary('deno', 'Deno', denoBinary(), (config, json) => [
  ...DENO_FLAGS,
  ...(config.fileDir ? [`--allow-read=${config.fileDir}`, `--allow-write=${config.fileDir}`] : []),
  'src/cli.ts',
  json,
]);
