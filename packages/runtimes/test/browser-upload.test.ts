// The browser upload example (examples/browser/) in real headless Chromium (Debian's `chromium`,
// driven by playwright-core; no browser is downloaded): the example's server presigns with the
// built @stowage/s3, the page uploads a 20 MiB file straight to s3rver over HTTP with
// XMLHttpRequest (a presigned PUT, then a presigned POST form), driven by upload progress events,
// and then with @stowage/s3 itself running in the page (its web build, bundled by the example's
// server; a multipart upload driven by `onProgress`); each bar reaches 100 %, and each object is
// read back from Node through stowage, byte for byte. The finished page's screenshot is kept in packages/runtimes/.artifacts/.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutBucketCorsCommand } from '@aws-sdk/client-s3';
import { S3Storage } from '@stowage/s3';
import { type S3rver, type SlowProxy, startS3rver, startSlowProxy } from '@stowage/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUT_DIR, PACKAGE_DIR, chromiumSkip, launchChromium } from './harness.ts';

const EXAMPLE_DIR = fileURLToPath(new URL('../../../examples/browser/', import.meta.url));
/** The example runs from a copy here, so that its imports resolve to packages/runtimes/node_modules (the built packages). */
const EXAMPLE_COPY = join(OUT_DIR, 'browser-example');
export const ARTIFACTS_DIR = join(PACKAGE_DIR, '.artifacts');
const SCREENSHOT = join(ARTIFACTS_DIR, 'browser-upload.png');

const FILE_SIZE = 20 * 1024 * 1024;
/**
 * The page's uplink: on the loopback a 20 MiB upload can end before Chromium's first progress
 * event (it fires them at most every 50 ms), so the page reaches s3rver through a proxy passing
 * 10 MiB/s, and each upload takes about two seconds, as over a real network.
 */
const UPLINK_BYTES_PER_SECOND = 10 * 1024 * 1024;
const BUCKET = 'browser-uploads';
/**
 * The secret key the example's server signs with. s3rver checks that the access key exists, not
 * the signature, so any secret works there; a random one lets the test look for it everywhere.
 */
const SECRET = `secret-${randomBytes(12).toString('hex')}`;
/** The secret the server grants the page for the third way (not its own). */
const BROWSER_SECRET = `browser-${randomBytes(12).toString('hex')}`;

const skip = chromiumSkip;
if (skip) console.warn(`browser upload test skipped: ${skip}`);

let s3rver: S3rver | undefined;
let uplink: SlowProxy | undefined;
let storage: S3Storage | undefined;
let example: ChildProcess | undefined;
let exampleOutput = '';
let pageUrl = '';
let browser: Browser | undefined;
let page: Page | undefined;
/** Every answer the page received from the example's server, by path: to search for the secret, and read the policy. */
const answers: { path: string; body: string }[] = [];
const file = randomBytes(FILE_SIZE);
/** Every request the page sent to S3 (through the uplink), as `METHOD url`. */
const s3Requests: string[] = [];

/** Starts examples/browser/server.mjs (from its copy) on a free port of 127.0.0.1; resolves with its URL. */
async function startExample(endpoint: string): Promise<string> {
  await mkdir(EXAMPLE_COPY, { recursive: true });
  for (const name of ['index.html', 'app.js', 'direct.js', 'server.mjs']) await copyFile(join(EXAMPLE_DIR, name), join(EXAMPLE_COPY, name));
  const child = spawn(process.execPath, [join(EXAMPLE_COPY, 'server.mjs')], {
    cwd: EXAMPLE_COPY,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      S3_ENDPOINT: endpoint,
      S3_BUCKET: BUCKET,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: SECRET,
      BROWSER_ACCESS_KEY_ID: 'S3RVER',
      BROWSER_SECRET_ACCESS_KEY: BROWSER_SECRET,
      HOST: '127.0.0.1',
      PORT: '0',
      MAX_UPLOAD_BYTES: String(64 * 1024 * 1024),
    },
  });
  example = child;
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      exampleOutput += d.toString();
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(exampleOutput)?.[1];
      if (url) resolve(url);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      reject(new Error(`the example's server exited (${code ?? signal}) before listening:\n${exampleOutput}`)),
    );
  });
}

beforeAll(async () => {
  if (skip) return;
  s3rver = await startS3rver();
  storage = new S3Storage({ endpoint: s3rver.endpoint, credentials: s3rver.credentials });
  await storage.createBucket(BUCKET);
  // Without a CORS rule for the page's origin, Chromium refuses to send the PUT (its preflight
  // fails) and hides the POST's answer. ETag is exposed so the page can show it.
  await storage.client.send(
    new PutBucketCorsCommand({
      Bucket: BUCKET,
      CORSConfiguration: {
        CORSRules: [
          {
            AllowedOrigins: ['*'],
            AllowedMethods: ['PUT', 'POST', 'DELETE'],
            AllowedHeaders: ['*'],
            ExposeHeaders: ['ETag'],
            MaxAgeSeconds: 60,
          },
        ],
      },
    }),
  );
  uplink = await startSlowProxy(Number(new URL(s3rver.endpoint).port), UPLINK_BYTES_PER_SECOND);
  pageUrl = await startExample(uplink.endpoint);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 900, height: 640 } });
  page.on('request', (request) => {
    if (uplink && request.url().startsWith(uplink.endpoint)) s3Requests.push(`${request.method()} ${request.url()}`);
  });
  page.on('response', async (response) => {
    if (response.url().startsWith(pageUrl)) {
      answers.push({ path: new URL(response.url()).pathname, body: await response.text().catch(() => '') });
    }
  });
  await page.goto(pageUrl);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (example && example.exitCode === null && example.signalCode === null && example.pid !== undefined) {
    const exited = new Promise((resolve) => example?.once('exit', resolve));
    process.kill(example.pid, 'SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
    if (example.exitCode === null && example.signalCode === null) process.kill(example.pid, 'SIGKILL');
  }
  storage?.destroy();
  await uplink?.close();
  await s3rver?.stop();
  await rm(EXAMPLE_COPY, { recursive: true, force: true });
});

/** What a section of the page shows once its upload ended (done or failed). */
async function uploadWith(
  section: 'put' | 'post' | 'direct',
): Promise<{ state: string; text: string; key: string; seen: number[]; value: number }> {
  if (!page) throw new Error('no page');
  await page.click(`#${section} button.upload`);
  const status = page.locator(`#${section} p.status`);
  await expect.poll(async () => status.getAttribute('data-state'), { timeout: 90_000, interval: 100 }).toMatch(/^(done|failed)$/);
  const bar = page.locator(`#${section} progress`);
  return {
    state: (await status.getAttribute('data-state')) ?? '',
    text: (await status.textContent()) ?? '',
    key: (await status.getAttribute('data-key')) ?? '',
    seen: ((await bar.getAttribute('data-seen')) ?? '').split(',').filter(Boolean).map(Number),
    // The property, not the attribute: what the bar draws.
    value: await bar.evaluate((el) => Number((el as unknown as { value: number }).value)),
  };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('browser upload (examples/browser) in headless Chromium', () => {
  it('serves the page, and chooses a generated 20 MiB file', { timeout: 60_000 }, async (context) => {
    if (skip || !page) return context.skip(skip);
    expect(await page.title()).toContain('stowage');
    await page.setInputFiles('#file', { name: 'random 20 MiB.bin', mimeType: 'application/octet-stream', buffer: file });
    await expect.poll(() => page?.locator('#put button.upload').isEnabled()).toBe(true);
    expect(await page.locator('#put p.status').textContent()).toContain(`${FILE_SIZE} bytes`);
  });

  for (const section of ['put', 'post', 'direct'] as const) {
    const way = section === 'direct' ? 'the S3 driver in the page' : `a presigned ${section.toUpperCase()}`;
    it(`uploads it with ${way}: the bar goes through upload progress to 100 %, and Node reads the same bytes back`, {
      timeout: 120_000,
    }, async (context) => {
      if (skip || !page || !storage) return context.skip(skip);
      const sentBefore = s3Requests.length;
      const result = await uploadWith(section);
      const sent = s3Requests.slice(sentBefore);
      expect(result.state, result.text).toBe('done');
      expect(result.value).toBe(100);
      expect(await page.locator(`#${section} output.percent`).textContent()).toBe('100 %');
      // A real bar: it started at 0, saw progress events in between, never went back, and ended at 100.
      expect(result.seen[0]).toBe(0);
      expect(result.seen.at(-1)).toBe(100);
      expect(result.seen.filter((p) => p > 0 && p < 100).length, `percentages shown: ${result.seen.join(', ')}`).toBeGreaterThan(0);
      expect(result.seen).toEqual([...result.seen].sort((a, b) => a - b));
      console.log(`${section.toUpperCase()}: percentages shown ${result.seen.join(', ')}`);
      if (section === 'direct') {
        // Above the 8 MiB threshold the driver uploads in 8 MiB parts: a multipart upload of three.
        // (s3rver joins the parts into one plain object, so its ETag does not show it.)
        expect(sent.filter((r) => /^POST .*\?uploads/.test(r))).toHaveLength(1);
        expect(sent.filter((r) => /^PUT .*[?&]partNumber=\d+/.test(r))).toHaveLength(3);
        expect(sent.filter((r) => /^POST .*[?&]uploadId=/.test(r))).toHaveLength(1);
      } else expect(sent).toHaveLength(1);

      expect(result.key).toMatch(/^uploads\/[0-9a-f-]{36}\/random_20_MiB\.bin$/);
      const head = await storage.headObject(BUCKET, result.key);
      expect(head.size).toBe(FILE_SIZE);
      expect(head.contentType).toBe('application/octet-stream');
      const got = await (await storage.getObject(BUCKET, result.key)).bytes();
      expect(got.length).toBe(FILE_SIZE);
      expect(sha256(got)).toBe(sha256(file));
      expect(Buffer.compare(Buffer.from(got.buffer, got.byteOffset, got.byteLength), file)).toBe(0);
    });
  }

  it('signs a POST policy with the key, the content type and a content-length range of at most the file (s3rver does not enforce it)', (context) => {
    if (skip) return context.skip(skip);
    const answer = answers.find((a) => a.path === '/presign-post');
    expect(answer).toBeDefined();
    const { url, key, fields } = JSON.parse(answer?.body ?? '{}') as { url: string; key: string; fields: Record<string, string> };
    expect(url).toBe(`${uplink?.endpoint}/${BUCKET}`);
    const policy = JSON.parse(Buffer.from(fields.Policy ?? '', 'base64').toString('utf8')) as { expiration: string; conditions: unknown[] };
    expect(policy.conditions).toContainEqual(['content-length-range', 0, FILE_SIZE]);
    expect(policy.conditions).toContainEqual({ 'Content-Type': 'application/octet-stream' });
    expect(policy.conditions).toContainEqual({ key });
    expect(policy.conditions).toContainEqual({ bucket: BUCKET });
    // EXPIRES_IN's default: 300 s.
    const lifetime =
      Date.parse(policy.expiration) -
      Date.parse(fields['X-Amz-Date']?.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z') ?? '');
    expect(lifetime).toBe(300_000);
    expect(fields['X-Amz-Signature']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses to presign a file over MAX_UPLOAD_BYTES, or a request that is no JSON', async (context) => {
    if (skip) return context.skip(skip);
    for (const path of ['presign-put', 'presign-post']) {
      const tooLarge = await fetch(new URL(path, pageUrl), {
        method: 'POST',
        body: JSON.stringify({ name: 'a', type: 'text/plain', size: 64 * 1024 * 1024 + 1 }),
      });
      expect(tooLarge.status).toBe(413);
      expect(await tooLarge.json()).toEqual({ error: `the file is larger than ${64 * 1024 * 1024} bytes` });
      const notJson = await fetch(new URL(path, pageUrl), { method: 'POST', body: 'size=1' });
      expect(notJson.status).toBe(400);
    }
  });

  it('never shows the secret key: not in the page, its answers from the server, or the server log', async (context) => {
    if (skip || !page) return context.skip(skip);
    expect(answers.length).toBeGreaterThanOrEqual(6); // the page, app.js, direct.js, and one answer per way
    expect(answers.filter((a) => a.body.includes(SECRET)).map((a) => a.path)).toEqual([]);
    // The page's own credentials reach it in the grant, and nowhere else.
    expect(answers.filter((a) => a.body.includes(BROWSER_SECRET)).map((a) => a.path)).toEqual(['/grant']);
    expect(exampleOutput).not.toContain(BROWSER_SECRET);
    expect(await page.content()).not.toContain(SECRET);
    expect(exampleOutput).not.toContain(SECRET);
    // The log holds methods, paths and statuses only: no signed URL.
    expect(exampleOutput).not.toMatch(/X-Amz-Signature/i);
  });

  it('keeps a screenshot of the finished page', { timeout: 60_000 }, async (context) => {
    if (skip || !page) return context.skip(skip);
    await mkdir(ARTIFACTS_DIR, { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
    console.log(`screenshot: ${SCREENSHOT}`);
  });
});
