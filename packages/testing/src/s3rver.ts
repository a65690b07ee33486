import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ServerProfile, serverProfile } from './server-profile.js';

/** Preloaded into s3rver: see the files. */
const GUARD = fileURLToPath(new URL('./s3rver-guard.cjs', import.meta.url));
const EXIT_WITH_PARENT = fileURLToPath(new URL('./exit-with-parent.cjs', import.meta.url));

/**
 * What s3rver 3.7.1 lacks, each with the reason. s3rver is a fast smoke server, not an oracle: it
 * keeps each object as a file named by its key (plus a metadata file beside it), so keys that are
 * no file path (empty, `.` or `..` segments, segments over 255 bytes) and keys holding U+0000 are
 * declared missing, and the S3 driver refuses them before any I/O (a long segment would otherwise
 * crash the s3rver process with ENAMETOOLONG). It ignores If-Match on GET too, but the driver checks
 * the ETag of what it reads itself, so `conditionalGet` holds.
 */
export const S3RVER_PROFILE: ServerProfile = serverProfile(
  's3rver 3.7.1',
  {
    emptySegments: 's3rver 3.7.1 stores objects as files: a key with an empty segment is no file path',
    dotSegments: 's3rver 3.7.1 stores objects as files: a `.` or `..` segment names another folder',
    longSegments: 's3rver 3.7.1 stores objects as files: a file name over 255 bytes crashes it (ENAMETOOLONG)',
    maxLengthSegments:
      "s3rver 3.7.1 stores an object as a file named after its last segment plus '._S3rver_metadata.json': a 255-byte segment makes a name the disk refuses",
    nulInKeys: 's3rver 3.7.1 answers 500 InternalError to a key holding U+0000',
    controlCharsInKeys:
      's3rver 3.7.1 ignores EncodingType=url: listed keys with control characters go through XML 1.0, which cannot carry most of them and turns CR into LF',
    conditionalPut: 's3rver 3.7.1 ignores If-None-Match and If-Match on PUT (it overwrites)',
    ifMatchOnPut: 's3rver 3.7.1 ignores If-Match on PUT',
    listPagination: 's3rver 3.7.1 skips keys in pages of MaxKeys < 1000 when its file-walk order differs from byte order',
    stablePagination: 's3rver 3.7.1 pages in file-walk order, not key order, below MaxKeys 1000',
    startAfterByteOrder: 's3rver 3.7.1 compares StartAfter in UTF-16 order, not by UTF-8 bytes',
    cleanAbort: 's3rver 3.7.1 has no AbortMultipartUpload (405) or ListMultipartUploads (501)',
    multipartEtag: 's3rver 3.7.1 gives an object uploaded in parts a plain MD5-like ETag, not S3\'s "<hex>-<parts>"',
    largeCopies: 's3rver 3.7.1 has no UploadPartCopy (501): it copies only what one CopyObject takes',
    readAfterWrite:
      's3rver 3.7.1 acknowledges a PUT or UploadPart before its file is fully written (it resolves on its hashing stream, not the file), so a multi-MiB read right after can see a short object',
    readIsolation: 's3rver 3.7.1 rewrites an object file in place: a read in flight during an overwrite is cut off',
    atomicWrites:
      "s3rver 3.7.1 writes an object's file and its metadata file separately and in place: concurrent writers to one key can leave one writer's body under another's metadata",
  },
  { verifiesSignatures: false },
);

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
