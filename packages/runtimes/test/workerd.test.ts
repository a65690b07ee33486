// The smoke suite in workerd, served by miniflare: esbuild bundles src/worker.ts (the suite and the
// built packages, Node built-ins left to workerd's `nodejs_compat`), and the test POSTs each run's
// config to it. On s3rver the worker reaches 127.0.0.1 over workerd's own fetch.
import { type S3rver, startS3rver } from '@stowage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Summary } from '../src/runner.ts';
import { bundle, expectAllPassed, sourceInputs, smokeConfig } from './harness.ts';
import type { DriverName } from './known-failures.ts';

/**
 * The worker's settings. `nodejs_compat` is needed: stowage's packages import `node:stream`,
 * `node:crypto`, `node:events`, `node:http`, `node:https` (and `stowage` more) at their top level,
 * and `Buffer` is used as a global. The date is one this workerd (miniflare's, 1.20260426) supports.
 */
export const WORKER_COMPATIBILITY = { compatibilityDate: '2026-04-01', compatibilityFlags: ['nodejs_compat'] };

type MiniflareInstance = InstanceType<typeof import('miniflare').Miniflare>;

let server: S3rver | undefined;
let Miniflare: typeof import('miniflare').Miniflare | undefined;
let script = '';
let inputs: string[] = [];
let skip: string | undefined;
const running = new Set<MiniflareInstance>();

beforeAll(async () => {
  const [s3rver, bundled] = await Promise.all([startS3rver(), bundle('worker.ts', 'worker.js', { target: 'workerd' })]);
  server = s3rver;
  inputs = bundled.inputs;
  script = bundled.file;
  try {
    ({ Miniflare } = await import('miniflare'));
  } catch (error) {
    skip = `miniflare does not load here: ${(error as Error).message}`;
    console.warn(`workerd tests skipped: ${skip}`);
  }
}, 120_000);

afterAll(async () => {
  await Promise.all([...running].map((m) => m.dispose()));
  await server?.stop();
});

describe('workerd (miniflare)', () => {
  it('bundles the built packages: every stowage input comes from a dist, none from src', (context) => {
    if (skip) return context.skip(skip);
    expect(sourceInputs(inputs)).toEqual([]);
    // The packages with a web build give a worker that one (the `workerd` export condition).
    for (const pkg of ['core', 'memory']) expect(inputs).toContain(`packages/${pkg}/dist/web/index.js`);
    for (const pkg of ['s3', 'stowage']) expect(inputs).toContain(`packages/${pkg}/dist/web/index.js`);
  });

  it.for<DriverName>(['memory', 's3rver'])('passes the smoke suite on %s', { timeout: 150_000 }, async (driver, context) => {
    if (skip || !Miniflare) return context.skip(skip ?? 'miniflare did not load');
    // A workerd of its own per run: a module that failed to load in one run is not half-loaded in the next.
    // `cf: false`: the built-in `request.cf`, never fetched from the network.
    const miniflare = new Miniflare({ modules: true, scriptPath: script, cf: false, ...WORKER_COMPATIBILITY });
    running.add(miniflare);
    try {
      const started = await miniflare.ready.then(
        () => undefined,
        (error: unknown) => `workerd does not start here: ${(error as Error).message}`,
      );
      if (started !== undefined) {
        console.warn(started);
        return context.skip(started);
      }
      const config = smokeConfig('workerd', driver, server);
      const response = await miniflare.dispatchFetch('http://smoke.test/', { method: 'POST', body: JSON.stringify(config) });
      const text = await response.text();
      expect(response.status, text.slice(0, 2000)).toBe(200);
      expectAllPassed(JSON.parse(text) as Summary, 'workerd', driver);
    } finally {
      running.delete(miniflare);
      await miniflare.dispose();
    }
  });
});
