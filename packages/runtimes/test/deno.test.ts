// The smoke suite in Deno (the npm package `deno`'s binary), on memory and on s3rver, importing the
// built packages through Deno's npm compatibility (packages/runtimes/node_modules, no deno.json).
import { type S3rver, startS3rver } from '@stowage/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type Found, denoBinary, expectAllPassed, killChildren, parseSummary, run, smokeConfig } from './harness.ts';
import type { DriverName } from './known-failures.ts';

/**
 * The permissions the suite needs, and no more: the network only to s3rver on 127.0.0.1, and the
 * environment (the AWS SDK reads its AWS_* settings). `--no-lock`: write no deno.lock here.
 */
export const DENO_FLAGS = ['run', '--no-prompt', '--no-lock', '--allow-net=127.0.0.1', '--allow-env', '--allow-sys=osRelease'];

let deno: Found = denoBinary();
let server: S3rver | undefined;

beforeAll(async () => {
  if ('path' in deno) {
    const version = await run(deno.path, ['--version'], 30_000).catch((e: Error) => ({ code: -1, stdout: '', stderr: e.message }));
    if (version.code !== 0) deno = { skip: `deno does not run here: ${version.stderr.trim() || `exit ${version.code}`}` };
  }
  if ('skip' in deno) console.warn(`Deno tests skipped: ${deno.skip}`);
  else server = await startS3rver();
});

afterAll(async () => {
  killChildren();
  await server?.stop();
});

describe(`Deno ${'version' in deno ? deno.version : ''}`, () => {
  it.for<DriverName>(['memory', 's3rver'])('passes the smoke suite on %s', { timeout: 150_000 }, async (driver, context) => {
    if (!('path' in deno)) return context.skip(deno.skip);
    const config = smokeConfig('deno', driver, server);
    const result = await run(deno.path, [...DENO_FLAGS, 'src/cli.ts', JSON.stringify(config)], 120_000);
    expectAllPassed(parseSummary(result, 'deno'), 'deno', driver);
  });
});
