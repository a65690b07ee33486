import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ServerInfo } from './config.js';

/** s3rver's and the Ceph scripts' fixed test credentials. */
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export const CEPH_ENDPOINT = process.env.STOWAGE_CEPH_ENDPOINT ?? 'http://127.0.0.1:7480';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function answers(endpoint: string, timeoutMs = 1000): Promise<boolean> {
  try {
    await fetch(endpoint, { signal: AbortSignal.timeout(timeoutMs) });
    return true;
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

export interface RunningServer {
  info: ServerInfo;
  stop(): Promise<void>;
}

/**
 * s3rver 3.7.1 as a child process on a free port with a fresh data folder. It needs
 * `--openssl-legacy-provider` (its listing continuation tokens use DES), so it cannot run in-process.
 */
export async function startS3rver(): Promise<RunningServer> {
  const require = createRequire(import.meta.url);
  const bin = join(dirname(require.resolve('s3rver/package.json')), 'bin', 's3rver.js');
  const directory = await mkdtemp(join(tmpdir(), 'stowage-bench-s3rver-'));
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [bin, '-d', directory, '-a', '127.0.0.1', '-p', String(port), '--silent'], {
    env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
    await Promise.race([exited(child), new Promise((r) => setTimeout(r, 3000))]);
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    await rm(directory, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && child.exitCode === null) {
    if (await answers(endpoint, 500)) {
      return { info: { id: 's3rver', label: 's3rver 3.7.1', endpoint, credentials: CREDENTIALS }, stop };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error(`s3rver did not start: ${stderr.trim() || 'no answer'}`);
}

/** Ceph RGW when it answers (started with scripts/ceph-rgw/start.sh); the bench never starts it itself. */
export async function findCeph(): Promise<ServerInfo | undefined> {
  if (!(await answers(CEPH_ENDPOINT, 2000))) return undefined;
  return { id: 'ceph', label: 'Ceph RGW 16.2 (bluestore)', endpoint: CEPH_ENDPOINT, credentials: CREDENTIALS };
}
