// Issue 7, point 7, for the command: with a secret key and a session token in the environment
// (where the AWS SDK's default chain finds them), no output of any command, on any error path the
// tests reach, shows either: standard output, standard error, and `--debug`'s stacks and causes;
// raw, percent-encoded or base64.
//
// Error paths: a server that echoes the request back in its errors (as AWS's SignatureDoesNotMatch
// echoes the canonical request, which holds the `x-amz-security-token` header) with every command,
// a refused port, a host that does not resolve, s3rver's missing bucket / missing key / bucket not
// empty / unknown access key, a transfer interrupted by Ctrl-C, and command lines that try to put
// the secret in the store URL or in options.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachLimited } from '@stowage/core';
import { freePort, hostileAnswer, type S3rver, startS3rver } from '@stowage/testing';
import { buildCli } from './helpers/build.js';
import { type CliResult, finished, runCli, spawnCli } from './helpers/cli.js';

const ACCESS_KEY_ID = 'AKIASTOWAGECLISECRETS';
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCY/StowageCli+Secret9';
const TOKEN = 'FwoGZXIvYXdzEStowageCliSessionToken/AbC+dEf/GhIjK+LmN0pQ==';

function forms(secret: string): string[] {
  const bytes = Buffer.from(secret);
  return [
    ...new Set([
      secret,
      encodeURIComponent(secret),
      encodeURIComponent(secret).toLowerCase(),
      encodeURI(secret),
      bytes.toString('base64'),
      bytes.toString('base64url'),
      bytes.toString('hex'),
      secret.slice(0, 20),
      secret.slice(-20),
    ]),
  ];
}
const FORBIDDEN = [...forms(SECRET), ...forms(TOKEN)];

/** Fails naming the command, the stream and the form when a secret shows. */
function expectClean(what: string, r: CliResult, streams: ('stdout' | 'stderr')[] = ['stdout', 'stderr']): void {
  for (const stream of streams) {
    const text = r[stream];
    for (const secret of FORBIDDEN) {
      const at = text.indexOf(secret);
      if (at >= 0)
        expect.fail(
          `${what}: ${stream} shows a secret (${JSON.stringify(secret)}): …${JSON.stringify(text.slice(Math.max(0, at - 200), at + 20))}…`,
        );
    }
  }
}

const s3Url = (endpoint: string) => `s3://?endpoint=${encodeURIComponent(endpoint)}&region=us-east-1&forcePathStyle=true`;

/** Runs `jobs` at most `n` at a time (two cores: the CLI's start-up dominates). */
async function pool<T>(jobs: (() => Promise<T>)[], n = 3): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  await forEachLimited(jobs, n, async (job, i) => {
    out[i] = await job();
  });
  return out;
}

/** Every command, through its error paths, on bucket `b` (each gets a fresh output folder name). */
function everyCommand(b: string): string[][] {
  return [
    ['ls'],
    ['ls', `stow://${b}`],
    ['mb', `stow://${b}`],
    ['rb', '--force', `stow://${b}`],
    ['cp', 'small.txt', `stow://${b}/k`],
    ['cp', '--metadata', 'a=b', '--content-type', 'text/plain', 'big.bin', `stow://${b}/big`],
    ['cp', `stow://${b}/k`, `out-${b}.txt`],
    ['cp', `stow://${b}/k`, '-'],
    ['cp', '-', `stow://${b}/stdin`],
    ['cp', '-r', 'dir', `stow://${b}/p/`],
    ['cp', '-r', `stow://${b}/p/`, `outdir-${b}`],
    ['mv', '-r', `stow://${b}/p/`, `stow://${b}/q/`],
    ['rm', '-r', `stow://${b}/p`],
    ['cat', `stow://${b}/k`],
    ['stat', `stow://${b}/k`],
    ['sync', '--delete', `stow://${b}/p/`, `syncdir-${b}`],
    ['presign', '--expires-in', '0', `stow://${b}/k`],
  ];
}

describe('the stowage command never prints a secret', { timeout: 180_000 }, () => {
  let cwd: string;
  let echo: Server;
  let echoEndpoint: string;
  let s3rver: S3rver;
  const env = { AWS_ACCESS_KEY_ID: ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET, AWS_SESSION_TOKEN: TOKEN, AWS_REGION: 'us-east-1' };
  const run = (args: string[], extraEnv: Record<string, string> = {}, input = 'standard input\n') =>
    runCli(args, { cwd, env: { ...env, ...extraEnv }, input });

  beforeAll(async () => {
    echo = createServer(hostileAnswer(ACCESS_KEY_ID));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
    const address = echo.address();
    echoEndpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    cwd = await mkdtemp(join(tmpdir(), 'stowage-cli-secrets-'));
    await writeFile(join(cwd, 'small.txt'), 'small\n');
    await writeFile(join(cwd, 'big.bin'), Buffer.alloc(9 * 1024 * 1024, 3)); // over 8 MiB: multipart
    await mkdir(join(cwd, 'dir', 'sub'), { recursive: true });
    await writeFile(join(cwd, 'dir', 'a.txt'), 'a');
    await writeFile(join(cwd, 'dir', 'sub', 'b.txt'), 'b');
    [s3rver] = await Promise.all([startS3rver(), buildCli()]);
  }, 180_000);
  afterAll(async () => {
    await new Promise((r) => echo?.close(r));
    await s3rver?.stop();
    await rm(cwd, { recursive: true, force: true });
  });

  // Every command on the 403 answer; the main ones on the others (each run starts a process).
  it.each([
    ['echo-403', everyCommand('echo-403')],
    [
      'echo-html',
      everyCommand('echo-html')
        .filter(([c]) => ['ls', 'cp', 'cat'].includes(c as string))
        .slice(0, 4),
    ],
    ['echo-404', everyCommand('echo-404').filter(([c]) => ['cat', 'stat'].includes(c as string))],
  ])(
    'a server that echoes the request into its errors (%s): each command, with --debug, fails without showing the secret or the token',
    async (_bucket, commands) => {
      const results = await pool(commands.map((args) => () => run(['--store', s3Url(echoEndpoint), '--debug', ...args])));
      commands.forEach((args, i) => {
        const r = results[i] as CliResult;
        const what = `stowage ${args.join(' ')}`;
        expect(r.code, `${what}: ${r.stderr}`).not.toBe(0);
        // --debug's per-call lines come first; the error line follows them.
        expect(r.stderr, what).toMatch(/^stowage: /m);
        expect(r.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('debug: '))[0], what).toMatch(/^stowage: /);
        expectClean(what, r);
      });
      // The error lines still say what happened.
      expect((results[0] as CliResult).stderr).toMatch(/^stowage: (AccessDenied|InvalidArgument|NoSuchBucket|NoSuchKey)/m);
    },
  );

  it('a refused port and a host that does not resolve: Unavailable, nothing shown (with --debug too)', async () => {
    const port = await freePort();
    const jobs: [string, string[]][] = [];
    for (const endpoint of [`http://127.0.0.1:${port}`, 'http://stowage-secrets.invalid:9']) {
      for (const args of [['ls'], ['cp', 'small.txt', 'stow://photos/k'], ['sync', 'dir', 'stow://photos/p/']]) {
        jobs.push([endpoint, ['--store', s3Url(endpoint), '--debug', ...args]]);
      }
    }
    const results = await pool(
      jobs.map(
        ([, args]) =>
          () =>
            run(args, { AWS_MAX_ATTEMPTS: '1' }),
      ),
    );
    jobs.forEach(([endpoint, args], i) => {
      const r = results[i] as CliResult;
      const what = `${endpoint}: stowage ${args.slice(2).join(' ')}`;
      expect(r.code, what).toBe(1);
      expect(r.stderr, what).toMatch(/^stowage: (Unavailable|\d+ of \d+ operations failed)/m);
      expectClean(what, r);
    });
  });

  it('s3rver: missing bucket, missing key, bucket not empty, an unknown access key; with and without --debug', async () => {
    const store = s3Url(s3rver.endpoint);
    const s3rverEnv = { AWS_ACCESS_KEY_ID: s3rver.credentials.accessKeyId };
    const setup = await run(['--store', store, 'mb', 'stow://secrets-cli'], s3rverEnv);
    expect(setup.code, setup.stderr).toBe(0);
    expect((await run(['--store', store, 'cp', 'small.txt', 'stow://secrets-cli/kept'], s3rverEnv)).code).toBe(0);
    const cases: [Record<string, string>, string[], RegExp][] = [
      [s3rverEnv, ['cat', 'stow://no-such-bucket-here/k'], /NoSuchBucket/],
      [s3rverEnv, ['cp', 'small.txt', 'stow://no-such-bucket-here/k'], /NoSuchBucket/],
      [s3rverEnv, ['cp', '-r', 'dir', 'stow://no-such-bucket-here/p/'], /NoSuchBucket/],
      [s3rverEnv, ['stat', 'stow://secrets-cli/missing'], /NoSuchKey/],
      [s3rverEnv, ['rb', 'stow://secrets-cli'], /BucketNotEmpty/],
      [{}, ['ls'], /AccessDenied/], // ACCESS_KEY_ID is unknown to s3rver: InvalidAccessKeyId
      [{}, ['cp', 'small.txt', 'stow://secrets-cli/denied'], /AccessDenied/],
    ];
    // Each with --debug (its lines include the plain ones), the first two without too.
    const jobs = cases.flatMap(([e, args, expected], i) =>
      (i < 2 ? [false, true] : [true]).map((debug) => ({ e, args: ['--store', store, ...(debug ? ['--debug'] : []), ...args], expected })),
    );
    const results = await pool(jobs.map((j) => () => run(j.args, j.e)));
    jobs.forEach((j, i) => {
      const r = results[i] as CliResult;
      const what = `s3rver: stowage ${j.args.slice(2).join(' ')}`;
      expect(r.code, `${what}: ${r.stderr}`).not.toBe(0);
      expect(r.stderr, what).toMatch(j.expected);
      expectClean(what, r);
    });
  });

  it('a transfer interrupted by Ctrl-C (SIGINT): Aborted, exit 130, nothing shown', async () => {
    const child = await spawnCli(['--store', s3Url(s3rver.endpoint), '--debug', 'cp', '-', 'stow://secrets-cli/interrupted'], {
      cwd,
      env: { ...env, AWS_ACCESS_KEY_ID: s3rver.credentials.accessKeyId },
    });
    const done = finished(child);
    child.stdin?.on('error', () => undefined);
    const chunk = Buffer.alloc(256 * 1024, 7);
    let writing = true;
    void (async () => {
      while (writing && child.exitCode === null) {
        if (!child.stdin?.write(chunk)) await new Promise((r) => setTimeout(r, 5));
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    const r = await done;
    writing = false;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/^stowage: Aborted/m);
    expectClean('interrupted cp', r);
  });

  it('command lines that try to carry the secret: refused as usage errors that do not echo it', async () => {
    const cases: { args: string[]; env?: Record<string, string> }[] = [
      { args: ['--store', `s3://${ACCESS_KEY_ID}:${SECRET}@s3.amazonaws.com/bucket`, 'ls'] },
      { args: ['--store', `s3://?secretAccessKey=${encodeURIComponent(SECRET)}`, 'ls'] },
      { args: ['--store', `s3://?sessionToken=${encodeURIComponent(TOKEN)}&region=us-east-1`, 'ls'] },
      { args: ['--store', `s3://?endpoint=${encodeURIComponent(`http://${ACCESS_KEY_ID}:${SECRET}@127.0.0.1:9000`)}`, 'ls'] },
      { args: ['--store', `s3://?${SECRET}`, 'ls'] },
      { args: ['ls'], env: { STOWAGE_STORE: `s3://${ACCESS_KEY_ID}:${SECRET}@host` } },
      { args: ['--debug', '--store', `s3://?secret=${encodeURIComponent(SECRET)}`, 'cp', 'small.txt', 'stow://b/k'] },
    ];
    const results = await pool(cases.map((c) => () => run(c.args, c.env ?? {})));
    cases.forEach((c, i) => {
      const r = results[i] as CliResult;
      const what = `stowage ${c.args.join(' ')} ${JSON.stringify(c.env ?? {})}`;
      expect(r.code, `${what}: ${r.stderr}`).toBe(2);
      expect(r.stderr, what).toMatch(/^stowage: /);
      expectClean(what, r);
    });
  });

  it('presign: its URL carries the session token by design (a bearer credential), but never the secret key; its errors carry neither', async () => {
    const store = s3Url(echoEndpoint);
    const ok = await run(['--store', store, 'presign', 'stow://photos/cat.jpg']);
    expect(ok.code, ok.stderr).toBe(0);
    // A presigned URL made with temporary credentials must hold X-Amz-Security-Token for S3 to
    // accept it: that is what it is for. The secret key itself never appears.
    expect(ok.stdout).toContain('X-Amz-Security-Token=');
    for (const secret of forms(SECRET)) expect(ok.stdout).not.toContain(secret);
    expect(ok.stderr).toBe('');
    for (const args of [
      ['presign', '--expires-in', '999999999', 'stow://photos/cat.jpg'],
      ['presign', '--method', 'DELETE', 'stow://photos/cat.jpg'],
      ['presign', 'stow://x/cat.jpg'],
    ]) {
      const r = await run(['--store', store, '--debug', ...args]);
      expect(r.code, r.stderr).not.toBe(0);
      expectClean(`stowage ${args.join(' ')}`, r);
    }
  });
});
