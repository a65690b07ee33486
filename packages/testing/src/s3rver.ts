import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Preloaded into s3rver: see the files. */
const GUARD = fileURLToPath(new URL('./s3rver-guard.cjs', import.meta.url));
const EXIT_WITH_PARENT = fileURLToPath(new URL('./exit-with-parent.cjs', import.meta.url));

/**
 * The key shapes s3rver 3.7.1 cannot hold, as S3 driver capabilities: it keeps each object as a
 * file named by its key, so keys that are no file path (empty, `.` or `..` segments, segments over
 * 255 bytes) and keys holding U+0000 are refused by the driver before any I/O (a long segment
 * would otherwise crash the s3rver process with ENAMETOOLONG).
 */
export const S3RVER_KEY_CAPABILITIES = { emptySegments: false, dotSegments: false, longSegments: false, nulInKeys: false } as const;

/** A running s3rver child process. */
export interface S3rver {
  endpoint: string;
  /** s3rver's fixed test credentials (it checks that the access key exists, not the signature). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** How often s3rver died and was started again (each time a request crashed it). */
  restarts(): number;
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

async function waitUntilAnswers(endpoint: string, child: ChildProcess, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
    if (await answers(endpoint)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/**
 * Starts s3rver 3.7.1 as a child process on a free port of 127.0.0.1 with a fresh data directory,
 * and waits until it answers. It runs as a child because it needs `--openssl-legacy-provider`
 * (its continuation tokens use DES) and that flag must not leak into the test runner.
 *
 * A key whose file name would be over 255 bytes crashes s3rver (an unhandled ENAMETOOLONG): the
 * preloaded `s3rver-guard.cjs` makes it answer KeyTooLongError instead. Should it die anyway, it
 * is started again on the same port and directory, so one bad case does not fail every later one.
 */
export async function startS3rver(): Promise<S3rver> {
  const require = createRequire(import.meta.url);
  const bin = join(dirname(require.resolve('s3rver/package.json')), 'bin', 's3rver.js');
  const directory = await mkdtemp(join(tmpdir(), 'stowage-s3rver-'));
  let stopping = false;
  let restarts = 0;
  let child: ChildProcess | undefined;
  let stderr = '';

  const launch = (port: number): ChildProcess => {
    const c = spawn(
      process.execPath,
      ['-r', GUARD, '-r', EXIT_WITH_PARENT, bin, '-d', directory, '-a', '127.0.0.1', '-p', String(port), '--silent'],
      {
        env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider' },
        stdio: ['pipe', 'ignore', 'pipe'],
      },
    );
    stderr = '';
    c.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    return c;
  };

  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    child = launch(port);
    if (await waitUntilAnswers(endpoint, child, 10_000)) {
      const supervise = (c: ChildProcess) => {
        c.once('exit', () => {
          if (stopping) return;
          restarts += 1;
          console.warn(
            `s3rver on ${endpoint} died (${stderr.split('\n').find((l) => l.startsWith('Error')) ?? 'no message'}); starting it again`,
          );
          child = launch(port);
          supervise(child);
        });
      };
      supervise(child);
      return {
        endpoint,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        restarts: () => restarts,
        async stop() {
          stopping = true;
          const c = child;
          if (c && c.exitCode === null && c.signalCode === null && c.pid !== undefined) {
            process.kill(c.pid, 'SIGTERM');
            await Promise.race([exited(c), new Promise((r) => setTimeout(r, 3000))]);
            if (c.exitCode === null && c.signalCode === null) process.kill(c.pid, 'SIGKILL');
          }
          await rm(directory, { recursive: true, force: true });
        },
      };
    }
    if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    await exited(child);
  }
  await rm(directory, { recursive: true, force: true });
  throw new Error(`could not start s3rver: ${stderr.trim() || 'it did not answer'}`);
}
