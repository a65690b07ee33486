// What the S3 transfer probes share: a source file, a server (a fresh s3rver, or Ceph RGW when it
// answers), a raw SDK client and a stowage storage on it with a fresh bucket; and the loop that runs
// variants alternately (a different one first each round) and prints medians against `raw`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { S3Storage, type S3StorageOptions } from '@stowage/s3';
import { rawS3Client } from './raw-s3.js';
import { findCeph, startS3rver, type RunningServer } from './servers.js';
import { makeFile, MiB, quietSdkWarning, timed } from './util.js';

export interface ProbeTarget {
  dir: string;
  /** A file of the probe's size, to upload. */
  source: string;
  raw: S3Client;
  /** Builds a stowage storage on the same server (destroyed by `close`). */
  stowage(options?: Omit<S3StorageOptions, 'endpoint' | 'credentials'>): S3Storage;
  bucket: string;
  close(): Promise<never>;
}

/** Reads `[MiB] [times] [s3rver|ceph] [variants]` from the command line and sets the target up. */
export async function probeTarget(name: string): Promise<ProbeTarget & { times: number; only: string[] | undefined }> {
  quietSdkWarning();
  const bytes = Number(process.argv[2] ?? 256) * MiB;
  const times = Number(process.argv[3] ?? 3);
  const where = process.argv[4] ?? 's3rver';
  const only = process.argv[5]?.split(',');
  const dir = await mkdtemp(join(tmpdir(), 'stowage-bench-probe-'));
  const source = join(dir, 'source.bin');
  await makeFile(source, bytes);
  const server: RunningServer | undefined = where === 'ceph' ? undefined : await startS3rver();
  const info = server ? server.info : await findCeph();
  if (!info) throw new Error('Ceph RGW does not answer');
  const { endpoint, credentials } = info;
  const raw = await rawS3Client({ endpoint, credentials });
  const storages: S3Storage[] = [];
  const bucket = `probe-${name}-${process.pid}`;
  await raw.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    dir,
    source,
    raw,
    bucket,
    times,
    only,
    stowage(options = {}) {
      const storage = new S3Storage({ ...options, endpoint, credentials });
      storages.push(storage);
      return storage;
    },
    async close() {
      for (const storage of storages) storage.destroy();
      await server?.stop();
      await rm(dir, { recursive: true, force: true });
      process.exit(0);
    },
  };
}

/** Runs the variants `times` rounds, alternately, and prints each round and the medians against `raw`. */
export async function runAlternately(
  variants: Record<string, () => Promise<unknown>>,
  times: number,
  only: string[] | undefined,
  before?: () => Promise<unknown>,
): Promise<void> {
  const names = Object.keys(variants).filter((n) => !only || only.includes(n));
  const results: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < times; i++) {
    const order = [...names.slice(i % names.length), ...names.slice(0, i % names.length)];
    const line: string[] = [];
    for (const name of order) {
      await before?.();
      const t = await timed(variants[name]!);
      results[name]!.push(t.ms);
      line.push(`${name} ${t.ms.toFixed(0)} ms (cpu ${t.cpuMs.toFixed(0)})`);
    }
    console.log(line.join('   '));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const base = median(results['raw'] ?? results[names[0]!]!);
  for (const name of names)
    console.log(`${name}: median ${median(results[name]!).toFixed(0)} ms, ×${(base / median(results[name]!)).toFixed(2)} of raw`);
}
