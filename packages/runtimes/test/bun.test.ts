// The smoke suite in Bun (the npm package `bun`'s binary), on memory and on s3rver, importing the
// built packages as Bun resolves them from packages/runtimes/node_modules.
import { type S3rver, startS3rver } from '@stowage/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type Found, bunBinary, expectAllPassed, killChildren, parseSummary, run, smokeConfig } from './harness.ts';
import type { DriverName } from './known-failures.ts';

let bun: Found = bunBinary();
let server: S3rver | undefined;

beforeAll(async () => {
  if ('path' in bun) {
    const version = await run(bun.path, ['--version'], 30_000).catch((e: Error) => ({ code: -1, stdout: '', stderr: e.message }));
    if (version.code !== 0) bun = { skip: `bun does not run here: ${version.stderr.trim() || `exit ${version.code}`}` };
  }
  if ('skip' in bun) console.warn(`Bun tests skipped: ${bun.skip}`);
  else server = await startS3rver();
});

afterAll(async () => {
  killChildren();
  await server?.stop();
});

describe(`Bun ${'version' in bun ? bun.version : ''}`, () => {
  it.for<DriverName>(['memory', 's3rver'])('passes the smoke suite on %s', { timeout: 150_000 }, async (driver, context) => {
    if (!('path' in bun)) return context.skip(bun.skip);
    const config = smokeConfig('bun', driver, server);
    const result = await run(bun.path, ['src/cli.ts', JSON.stringify(config)], 120_000);
    expectAllPassed(parseSummary(result, 'bun'), 'bun', driver);
  });
});
