/**
 * The smoke suite in a runtime that ships as a binary in an npm package (Bun, Deno), registered
 * once for both: on memory and on s3rver, skipped with the reason when the binary is missing or
 * does not run here.
 */
import { type S3rver, startS3rver } from '@stowage/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type Found, expectAllPassed, killChildren, parseSummary, run, smokeConfig } from './harness.ts';
import type { SmokeConfig } from '../src/smoke.ts';
import type { DriverName, RuntimeName } from './known-failures.ts';

/**
 * Registers `label`'s tests: `found` is the binary (or why it is missing), `argsFor` the command
 * line that runs the suite's entry with a config (given as JSON).
 */
export function describeSmokeInBinary(
  runtime: RuntimeName,
  label: string,
  found: Found,
  argsFor: (config: SmokeConfig, json: string) => string[],
): void {
  let binary = found;
  let server: S3rver | undefined;

  beforeAll(async () => {
    if ('path' in binary) {
      const version = await run(binary.path, ['--version'], 30_000).catch((e: Error) => ({ code: -1, stdout: '', stderr: e.message }));
      if (version.code !== 0) binary = { skip: `${runtime} does not run here: ${version.stderr.trim() || `exit ${version.code}`}` };
    }
    if ('skip' in binary) console.warn(`${label} tests skipped: ${binary.skip}`);
    else server = await startS3rver();
  });

  afterAll(async () => {
    killChildren();
    await server?.stop();
  });

  describe(`${label} ${'version' in found ? found.version : ''}`, () => {
    it.for<DriverName>(['memory', 's3rver'])('passes the smoke suite on %s', { timeout: 150_000 }, async (driver, context) => {
      if (!('path' in binary)) return context.skip(binary.skip);
      const config = smokeConfig(runtime, driver, server);
      const result = await run(binary.path, argsFor(config, JSON.stringify(config)), 120_000);
      expectAllPassed(parseSummary(result, runtime), runtime, driver);
    });
  });
}
