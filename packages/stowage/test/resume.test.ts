// A download whose connection drops mid-body fetches only the missing bytes again: checked at a
// real TCP proxy in front of s3rver, which counts every request and cuts one response.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bucket, openStorage, type ProgressEvent } from 'stowage';
import type { S3Storage } from '@stowage/s3';
import { DroppingProxy, type S3rver, startS3rver } from '@stowage/testing';
import { MiB, checkProgress, scratchDir, writeRandomFile } from './helpers/files.js';
import { s3Url } from './helpers/targets.js';

/** `bytes=A-B` → [A, B]. */
function bounds(range: string | undefined): [number, number] {
  const m = /^bytes=(\d+)-(\d+)$/.exec(range ?? '');
  if (!m) throw new Error(`not a bounded range: ${String(range)}`);
  return [Number(m[1]), Number(m[2])];
}

describe('downloadFile over a connection that drops (s3rver behind a TCP proxy)', () => {
  let server: S3rver;
  let proxy: DroppingProxy;
  let direct: S3Storage;
  let proxied: S3Storage;
  let dir: string;
  let closeDir: () => Promise<void>;
  const size = 20 * MiB;
  const partSize = 5 * MiB;

  beforeAll(async () => {
    server = await startS3rver();
    proxy = new DroppingProxy(Number(new URL(server.endpoint).port));
    const proxyEndpoint = await proxy.start();
    const options = { credentials: server.credentials, s3: { capabilities: { conditionalGet: false } } };
    direct = (await openStorage(s3Url(server.endpoint), options)) as S3Storage;
    // The SDK's own retries are off so that the drop reaches downloadFile, which must recover.
    proxied = (await openStorage(s3Url(proxyEndpoint), { ...options, s3: { ...options.s3, maxAttempts: 1 } })) as S3Storage;
    ({ dir, close: closeDir } = await scratchDir());
  });
  afterAll(async () => {
    direct?.destroy();
    proxied?.destroy();
    await proxy?.stop();
    await server?.stop();
    await closeDir?.();
  });

  it('re-fetches only the missing bytes of the range that was cut', async () => {
    const source = join(dir, 'source.bin');
    await writeRandomFile(source, size);
    await new Bucket(direct, 'resume').create();
    await new Bucket(direct, 'resume').uploadFile(source, 'big.bin');

    // Cut the response to the second range after 1 MiB (its headers included).
    proxy.dropOnce({ match: (r) => r.method === 'GET' && r.range?.startsWith(`bytes=${partSize}-`) === true, afterBytes: MiB });
    const target = join(dir, 'big.bin');
    const events: ProgressEvent[] = [];
    await new Bucket(proxied, 'resume').downloadFile('big.bin', target, {
      multipartThreshold: 8 * MiB,
      partSize,
      concurrency: 4,
      onProgress: (e) => events.push(e),
    });

    expect((await readFile(target)).equals(await readFile(source))).toBe(true);
    expect(proxy.dropped).toHaveLength(1);
    const heads = proxy.requests.filter((r) => r.method === 'HEAD');
    const gets = proxy.requests.filter((r) => r.method === 'GET');
    expect(heads).toHaveLength(1);
    // Four ranges, and one more request: the rest of the range that was cut.
    expect(gets).toHaveLength(5);
    const ranges = gets.map((r) => bounds(r.range)).sort((a, b) => a[0] - b[0]);
    expect(ranges.filter(([start]) => start % partSize === 0)).toEqual([
      [0, partSize - 1],
      [partSize, 2 * partSize - 1],
      [2 * partSize, 3 * partSize - 1],
      [3 * partSize, 4 * partSize - 1],
    ]);
    const [resumeStart, resumeEnd] = ranges.find(([start]) => start % partSize !== 0) ?? [0, 0];
    // It starts where the cut response stopped (past the first bytes, less than 1 MiB in, as the
    // headers took some of it) and ends where the range did: nothing is fetched twice.
    expect(resumeStart).toBeGreaterThan(partSize);
    expect(resumeStart).toBeLessThan(partSize + MiB);
    expect(resumeEnd).toBe(2 * partSize - 1);
    const requested = ranges.reduce((sum, [a, b]) => sum + (b - a + 1), 0);
    expect(requested - size).toBe(2 * partSize - resumeStart); // only the resumed bytes were asked for twice...
    checkProgress(events, size);
    expect(events.every((e) => e.delta >= 0)).toBe(true); // ...and none of them was counted twice
  }, 60_000);
});
