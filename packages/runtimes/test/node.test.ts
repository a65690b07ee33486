// The baseline: the same smoke suite in Node (a child process, importing the built packages from
// node_modules as any Node user would), so a case failing elsewhere is known to pass here.
import { type S3rver, startS3rver } from '@stowage/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { bundle, expectAllPassed, killChildren, parseSummary, run, smokeConfig } from './harness.ts';
import type { DriverName } from './known-failures.ts';

let server: S3rver | undefined;
let script = '';

beforeAll(async () => {
  // Node 20 runs no TypeScript: esbuild turns the suite into one .mjs, leaving every package external.
  [server, { file: script }] = await Promise.all([startS3rver(), bundle('cli.ts', 'node-cli.mjs', { target: 'node' })]);
});

afterAll(async () => {
  killChildren();
  await server?.stop();
});

describe(`Node ${process.version}`, () => {
  it.for<DriverName>(['memory', 's3rver'])('passes the smoke suite on %s', { timeout: 150_000 }, async (driver) => {
    const config = smokeConfig('node', driver, server);
    const result = await run(process.execPath, [script, JSON.stringify(config)], 120_000);
    expectAllPassed(parseSummary(result, 'node'), 'node', driver);
  });
});
