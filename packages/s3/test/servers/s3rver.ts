import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A running s3rver child process. */
export interface S3rver {
  endpoint: string;
  /** s3rver's fixed test credentials (it checks signatures against them). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Kills the process (by its PID) and removes its data directory. */
  stop(): Promise<void>;
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
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

async function answers(endpoint: string): Promise<boolean> {
  try {
    await fetch(endpoint, { signal: AbortSignal.timeout(500) });
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

/**
 * Starts s3rver 3.7.1 as a child process on a free port of 127.0.0.1 with a fresh data directory,
 * and waits until it answers. It runs as a child because it needs `--openssl-legacy-provider`
 * (its continuation tokens use DES) and that flag must not leak into the test runner.
 */
export async function startS3rver(): Promise<S3rver> {
  const require = createRequire(import.meta.url);
  const bin = join(dirname(require.resolve('s3rver/package.json')), 'bin', 's3rver.js');
  const directory = await mkdtemp(join(tmpdir(), 'stowage-s3rver-'));
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, [bin, '-d', directory, '-a', '127.0.0.1', '-p', String(port), '--silent'], {
      env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && child.exitCode === null) {
      if (await answers(endpoint)) {
        return {
          endpoint,
          credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
          async stop() {
            if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
            await Promise.race([exited(child), new Promise((r) => setTimeout(r, 3000))]);
            if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
            await rm(directory, { recursive: true, force: true });
          },
        };
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    await exited(child);
    lastError = stderr.trim() || `s3rver did not answer on ${endpoint}`;
  }
  await rm(directory, { recursive: true, force: true });
  throw new Error(`could not start s3rver: ${lastError}`);
}
