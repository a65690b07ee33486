// sync as a stream: transfers start while the listing is still going (shown by holding the
// listing's second page at a real HTTP proxy in front of s3rver until files have arrived),
// --size-only and --exact-timestamps as aws s3 sync has them, and a listing that fails deletes
// nothing.
import { readdir, mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type S3rver, httpForwarder, startS3rver } from '@stowage/testing';
import { buildCli } from './helpers/build.js';
import { type CliResult, finished, runCli, spawnCli } from './helpers/cli.js';
import { until } from './helpers/until.js';

const COUNT = 1100; // more than one page of a listing (1000 keys)

let server: S3rver;
let cwd: string;
let creds: Record<string, string>;

const run = (args: string[], endpoint = server.endpoint): Promise<CliResult> =>
  runCli(['--endpoint-url', endpoint, ...args], { cwd, env: { ...creds, STOWAGE_STORE: join(cwd, 'store') } });
const ok = async (args: string[]): Promise<string[]> => {
  const r = await run(args);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout === '' ? [] : r.stdout.trimEnd().split('\n');
};

/**
 * A plain HTTP proxy to s3rver that holds every request for a listing's next page
 * (`continuation-token`) until `release()`.
 */
async function holdingProxy(
  target: string,
): Promise<{ endpoint: string; held: () => number; release: () => void; close: () => Promise<void> }> {
  const upstream = new URL(target);
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  let held = 0;
  const forward = httpForwarder(upstream);
  const proxy: Server = createServer((req, res) => {
    if ((req.url ?? '').includes('continuation-token')) {
      held++;
      void released.then(() => forward(req, res));
    } else forward(req, res);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    held: () => held,
    release,
    close: () => new Promise<void>((resolve) => proxy.close(() => resolve())),
  };
}

beforeAll(async () => {
  [server] = await Promise.all([startS3rver(), buildCli()]);
  creds = { AWS_ACCESS_KEY_ID: server.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: server.credentials.secretAccessKey };
  cwd = await mkdtemp(join(tmpdir(), 'stowage-cli-sync-stream-'));
  await mkdir(join(cwd, 'many', 'sub'), { recursive: true });
  await Promise.all(
    Array.from({ length: COUNT }, (_, i) =>
      writeFile(join(cwd, 'many', i % 2 ? 'sub' : '', `f${String(i).padStart(4, '0')}.txt`), `${i}\n`),
    ),
  );
  await ok(['mb', 's3://stream']);
  await ok(['--quiet', 'cp', '-r', '--transfers', '16', 'many', 's3://stream/many/']);
}, 300_000);
afterAll(async () => {
  await server?.stop();
  await rm(cwd, { recursive: true, force: true });
});

describe('sync streams', { timeout: 300_000 }, () => {
  it('downloads start while the listing is held at its second page, and all arrive once it goes on', async () => {
    const proxy = await holdingProxy(server.endpoint);
    try {
      const child = await spawnCli(['--endpoint-url', proxy.endpoint, '--quiet', 'sync', 's3://stream/many/', 'down'], {
        cwd,
        env: { ...creds, STOWAGE_STORE: join(cwd, 'store') },
      });
      const result = finished(child);
      const count = async () =>
        (await readdir(join(cwd, 'down'), { recursive: true }).catch(() => [])).filter((f) => String(f).endsWith('.txt')).length;
      // The second page is held: what arrives meanwhile came from the first page, during the listing.
      await until(async () => proxy.held() > 0 && (await count()) > 0, 'files to arrive while the listing is held');
      expect(proxy.held()).toBe(1);
      proxy.release();
      const r = await result;
      expect(r).toMatchObject({ code: 0, stderr: '' });
      expect(await count()).toBe(COUNT);
    } finally {
      proxy.release();
      await proxy.close();
    }
    expect(await ok(['sync', 's3://stream/many/', 'down'])).toEqual([]);
    expect(await ok(['sync', 'down', 's3://stream/many/'])).toEqual([]);
  });

  it('--size-only skips a same-sized file however new; --exact-timestamps downloads one whose time differs', async () => {
    const file = join(cwd, 'down', 'f0000.txt');
    const later = new Date(Date.now() + 3_600_000);
    await utimes(file, later, later);
    expect(await ok(['sync', '--size-only', 'down', 's3://stream/many/'])).toEqual([]);
    expect(await ok(['sync', 'down', 's3://stream/many/'])).toEqual(['upload: down/f0000.txt to s3://stream/many/f0000.txt']);
    // The local file is newer than the object it went up as, same size: a download skips it…
    expect(await ok(['sync', 's3://stream/many/', 'down'])).toEqual([]);
    // …--exact-timestamps downloads it, since the times differ, and then it is the same.
    expect(await ok(['sync', '--exact-timestamps', 's3://stream/many/', 'down'])).toEqual([
      'download: s3://stream/many/f0000.txt to down/f0000.txt',
    ]);
    expect(await ok(['sync', '--exact-timestamps', 's3://stream/many/', 'down'])).toEqual([]);
  });

  it('a listing that fails deletes nothing: one line with the code, exit 1, no stack', async () => {
    // The source cannot be listed: were its failure taken for an empty source, --delete would empty down/.
    const r = await run(['sync', '--delete', 's3://no-such-bucket/x/', 'down']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('stowage: NoSuchBucket: s3://no-such-bucket\n');
    expect((await readdir(join(cwd, 'down'), { recursive: true })).filter((f) => String(f).endsWith('.txt'))).toHaveLength(COUNT);
  });
});
