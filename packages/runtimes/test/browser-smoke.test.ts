// The smoke suite in headless Chromium (Debian's `chromium`, driven by playwright-core): esbuild
// bundles src/browser.ts for the browser as a web app's bundler would (the packages' web builds,
// the AWS SDK's fetch runtime), a page loads it from a local server, and the test runs the suite
// in the page on memory and on s3rver. The page's server also passes every other path on to
// s3rver, so the page reaches S3 at its own origin (no CORS to configure for buckets the suite
// makes itself).
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { type S3rver, httpForwarder, startS3rver } from '@stowage/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Summary } from '../src/runner.ts';
import type { SmokeConfig } from '../src/smoke.ts';
import { bundle, chromiumSkip, expectAllPassed, launchChromium, smokeConfig, sourceInputs } from './harness.ts';
import type { DriverName } from './known-failures.ts';

const PAGE = '<!doctype html><meta charset="utf-8"><title>stowage smoke</title><script type="module" src="/smoke.js"></script>';

let s3rver: S3rver | undefined;
let server: Server | undefined;
let origin = '';
let browser: Browser | undefined;
let page: Page | undefined;
let bundled: Awaited<ReturnType<typeof bundle>> | undefined;

/** Serves the page and its script; passes anything else to s3rver, headers and body as they are. */
function serve(script: Uint8Array, upstream: URL): (req: IncomingMessage, res: ServerResponse) => void {
  const forward = httpForwarder(upstream);
  return (req, res) => {
    if (req.url === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    if (req.url === '/smoke.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    forward(req, res);
  };
}

beforeAll(async () => {
  if (chromiumSkip) return;
  [s3rver, bundled] = await Promise.all([startS3rver(), bundle('browser.ts', 'browser.js', { target: 'browser' })]);
  const handler = serve(await readFile(bundled.file), new URL(s3rver.endpoint));
  server = createServer(handler);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => typeof (globalThis as { runSmoke?: unknown }).runSmoke === 'function');
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await s3rver?.stop();
});

describe('headless Chromium', () => {
  it('bundles the web builds, and no package imports a Node built-in', (context) => {
    if (chromiumSkip || !bundled) return context.skip(chromiumSkip);
    expect(sourceInputs(bundled.inputs)).toEqual([]);
    for (const pkg of ['core', 'memory', 's3', 'layers', 'stowage']) expect(bundled.inputs).toContain(`packages/${pkg}/dist/web/index.js`);
    // Only the suite's own Node-only cases import what the page cannot load.
    expect(bundled.externals.filter((e) => e.importer !== 'packages/runtimes/src/smoke.ts')).toEqual([]);
  });

  it.for<DriverName>(['memory', 's3rver'])('passes the smoke suite on %s', { timeout: 150_000 }, async (driver, context) => {
    if (chromiumSkip || !page) return context.skip(chromiumSkip);
    const config: SmokeConfig = { ...smokeConfig('chromium', driver, s3rver), ...(driver === 's3rver' ? { endpoint: origin } : {}) };
    const summary = (await page.evaluate(
      (c) => (globalThis as unknown as { runSmoke: (c: SmokeConfig) => Promise<Summary> }).runSmoke(c),
      config,
    )) as Summary;
    expect(summary.runtime).toMatch(/^chromium /);
    expectAllPassed(summary, 'chromium', driver);
  });
});
