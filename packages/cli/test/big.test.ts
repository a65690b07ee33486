import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from './helpers/until.js';
import { buildCli } from './helpers/build.js';
import { type CliResult, cleanEnv, finished, runCli, spawnCli } from './helpers/cli.js';
import { startStallProxy } from '@stowage/testing';
import { type StoreTarget, TARGETS } from './helpers/stores.js';

const MiB = 1024 * 1024;
const BIG = 50 * MiB;

/** Writes `size` random bytes to `path` in 1 MiB pieces; resolves to their SHA-256. */
async function randomFile(path: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  for (let left = size; left > 0; left -= MiB) {
    const chunk = randomBytes(Math.min(MiB, left));
    hash.update(chunk);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return hash.digest('hex');
}

/** Every file under `root` (recursively) of at least `least` bytes. */
async function bigFiles(root: string, least: number): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && (await stat(join(entry.parentPath, entry.name))).size >= least) out.push(join(entry.parentPath, entry.name));
  }
  return out;
}

// A 50 MiB object streamed through `cat | sha256sum`, Ctrl-C during transfers, and the progress
// bar on a pseudo-terminal.
describe.each(TARGETS)('big transfers on the $name store', { timeout: 180_000 }, ({ name, start }) => {
  let target: StoreTarget;
  let cwd: string;
  let bin: string;
  let digest: string;
  const run = (args: string[]): Promise<CliResult> => runCli(['--store', target.url, ...args], { cwd, env: target.env });

  beforeAll(async () => {
    [target, bin] = await Promise.all([start(), buildCli()]);
    cwd = await mkdtemp(join(tmpdir(), 'stowage-cli-big-'));
    digest = await randomFile(join(cwd, 'big.bin'), BIG);
    expect(await run(['mb', 'stow://big'])).toMatchObject({ code: 0 });
    expect(await run(['cp', 'big.bin', 'stow://big/big.bin'])).toMatchObject({ code: 0, stderr: '' });
  });
  afterAll(async () => {
    await target?.stop();
    await rm(cwd, { recursive: true, force: true });
  });

  it('cat of a 50 MiB object through sha256sum matches the source', async () => {
    const child = spawn('sh', ['-c', `"${process.execPath}" "${bin}" cat stow://big/big.bin | sha256sum`], {
      cwd,
      env: cleanEnv({ ...target.env, STOWAGE_STORE: target.url }),
    });
    const r = await finished(child);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${digest}  -\n`);
  });

  it('a reader that stops early (| head) ends cat quietly, exit 0', async () => {
    const child = spawn(
      'bash',
      ['-c', `"${process.execPath}" "${bin}" cat stow://big/big.bin | head -c 10 | wc -c; echo "exit \${PIPESTATUS[0]}"`],
      {
        cwd,
        env: cleanEnv({ ...target.env, STOWAGE_STORE: target.url }),
      },
    );
    expect(await finished(child)).toMatchObject({ code: 0, stdout: '10\nexit 0\n', stderr: '' });
  });

  it('Ctrl-C during an upload stores nothing: exit 130, Aborted, no object, no partial data', async () => {
    const child = await spawnCli(['--store', target.url, 'cp', '-', 'stow://big/partial.bin'], { cwd, env: target.env });
    const result = finished(child);
    const stdin = child.stdin;
    if (!stdin) throw new Error('no stdin');
    stdin.on('error', () => undefined);
    // Feed 12 MiB; each `drain` means the CLI has read it, so it is uploading (past S3's 8 MiB part).
    for (let i = 0; i < 12; i++) {
      if (!stdin.write(randomBytes(MiB))) await new Promise<void>((r) => stdin.once('drain', () => r()));
    }
    child.kill('SIGINT');
    const r = await result;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/^stowage: Aborted: stow:\/\/big\/partial\.bin: .*interrupted \(SIGINT\)\n$/);
    expect(await run(['stat', 'stow://big/partial.bin'])).toMatchObject({
      code: 1,
      stderr: 'stowage: NoSuchKey: stow://big/partial.bin\n',
    });
    if (target.root) expect((await bigFiles(target.root, MiB)).map((f) => f.slice(target.root?.length))).toEqual(['/big/big.bin']);
  });

  it.runIf(name === 's3rver')(
    'Ctrl-C during a download leaves no file, partial or temporary (s3rver only: a TCP proxy holds the download open)',
    async () => {
      // A proxy that stalls every response after 1 MiB: the download is surely under way, and unfinished.
      const port = Number(new URL(decodeURIComponent(target.url.slice(target.url.indexOf('endpoint=') + 9).split('&')[0] ?? '')).port);
      const proxy = await startStallProxy(port, MiB);
      try {
        const store = target.url.replace(`%3A${port}`, `%3A${proxy.port}`);
        expect(store).not.toBe(target.url);
        const dir = join(cwd, 'dl');
        await mkdir(dir, { recursive: true });
        const child = await spawnCli(['--store', store, 'cp', 'stow://big/big.bin', 'dl/big.bin'], { cwd, env: target.env });
        const result = finished(child);
        // The temporary file beside the target, once it holds some bytes.
        await until(async () => {
          for (const f of await readdir(dir)) if (f.endsWith('.stowage-download') && (await stat(join(dir, f))).size > 0) return true;
          return false;
        }, 'the download to start');
        child.kill('SIGINT');
        const r = await result;
        expect(r.code).toBe(130);
        expect(r.stderr).toMatch(/^stowage: Aborted: stow:\/\/big\/big\.bin: /);
        expect(await readdir(dir)).toEqual([]);
      } finally {
        await proxy.close();
      }
    },
  );

  const hasScript = spawnSync('script', ['--version']).status === 0;
  it.runIf(name === 'local' && hasScript)(
    'on a terminal (script -qfec) cp draws a progress bar; --quiet and pipes do not (once, on the local store; needs util-linux script)',
    async () => {
      const command = (args: string) => `"${process.execPath}" "${bin}" ${args}`;
      const tty = (args: string) =>
        finished(
          spawn('script', ['-qfec', command(args), '/dev/null'], {
            cwd,
            env: cleanEnv({ ...target.env, STOWAGE_STORE: target.url, COLUMNS: '100' }),
            stdio: ['ignore', 'pipe', 'pipe'],
          }),
        );
      const shown = await tty('cp big.bin stow://big/tty.bin');
      expect(shown.code).toBe(0);
      // tqdm's final line: label, 100%, the bar, the size and the time; redrawn in place with \r.
      expect(shown.stdout).toMatch(/\rbig\.bin: 100% \|█+\| 50\.0 MiB in \d+:\d\d/);
      expect(shown.stdout).toContain('upload: big.bin to stow://big/tty.bin');

      const quiet = await tty('cp --quiet big.bin stow://big/tty.bin');
      expect(quiet).toMatchObject({ code: 0, stdout: '' });

      const piped = await run(['cp', 'big.bin', 'stow://big/piped.bin']);
      expect(piped).toMatchObject({ code: 0, stderr: '', stdout: 'upload: big.bin to stow://big/piped.bin\n' });
    },
  );
});
