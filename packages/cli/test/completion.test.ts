// Shell completion: `stowage completion bash|zsh|fish` and the hidden `__complete` the scripts
// call. bash really completes (its script is loaded and run as bash runs it on Tab); zsh's and
// fish's scripts are checked to parse where those shells are installed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from './helpers/build.js';
import { cleanEnv, runCli } from './helpers/cli.js';
import { type StoreTarget, localTarget } from './helpers/stores.js';

const has = (shell: string) => spawnSync(shell, ['-c', 'exit 0'], { stdio: 'ignore' }).status === 0;
const HAS_ZSH = has('zsh');
const HAS_FISH = has('fish');

let target: StoreTarget;
let cwd: string;
let binDir: string;

const env = (extra: Record<string, string> = {}) => ({ STOWAGE_STORE: target.url, STOWAGE_CONFIG: join(cwd, 'config.toml'), ...extra });
const candidates = async (line: string, extra: Record<string, string> = {}): Promise<string[]> => {
  const r = await runCli(['__complete', '--line', line], { cwd, env: env(extra) });
  expect(r).toMatchObject({ code: 0, stderr: '' });
  return r.stdout === '' ? [] : r.stdout.trimEnd().split('\n');
};

/** Runs a bash script with the `stowage` binary on PATH; resolves to its stdout. */
function bash(script: string, extra: Record<string, string> = {}): string {
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', script], {
    cwd,
    env: { ...cleanEnv(env(extra)), PATH: `${binDir}:${process.env.PATH ?? '/usr/bin:/bin'}` },
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

/** What bash offers on Tab after `line`, with COMP_WORDS split as bash splits them (at `:` too). */
function tab(line: string): string[] {
  const words = line.split(/(:)|[ ]+/).filter((w) => w !== undefined && w !== '');
  if (line.endsWith(' ')) words.push('');
  const quoted = words.map((w) => `'${w}'`).join(' ');
  const out = bash(
    `eval "$(stowage completion bash)"
COMP_LINE='${line}'; COMP_POINT=\${#COMP_LINE}; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}
_stowage_complete
printf '%s\\n' "\${COMPREPLY[@]}"`,
  );
  return out.split('\n').filter((l) => l !== '');
}

beforeAll(async () => {
  const [store, bin] = await Promise.all([localTarget(), buildCli()]);
  target = store;
  cwd = await mkdtemp(join(tmpdir(), 'stowage-cli-completion-'));
  binDir = join(cwd, 'bin');
  await mkdir(binDir);
  await writeFile(join(binDir, 'stowage'), `#!/bin/sh\nexec "${process.execPath}" "${bin}" "$@"\n`);
  await chmod(join(binDir, 'stowage'), 0o755);
  await writeFile(join(cwd, 'cat.jpg'), 'meow');
  // A named store: the same local folder under another name.
  await writeFile(join(cwd, 'config.toml'), `[stores.disk]\nurl = "${target.url}"\n`);
  const run = (args: string[]) => runCli(args, { cwd, env: env() });
  for (const bucket of ['photos', 'physics', 'music']) expect((await run(['mb', `stow://${bucket}`])).code).toBe(0);
  expect((await run(['cp', 'cat.jpg', 'stow://photos/cat.jpg'])).code).toBe(0);
  expect((await run(['cp', 'cat.jpg', 'stow://photos/2024/beach.jpg'])).code).toBe(0);
});
afterAll(async () => {
  await target?.stop();
  await rm(cwd, { recursive: true, force: true });
});

describe('__complete', () => {
  it('commands, then a command by its first letters', async () => {
    expect(await candidates('stowage ')).toEqual([
      'ls',
      'mb',
      'rb',
      'cp',
      'mv',
      'rm',
      'cat',
      'stat',
      'sync',
      'presign',
      'completion',
      'help',
    ]);
    expect(await candidates('stowage s')).toEqual(['stat', 'sync']);
    expect(await candidates('stowage --quiet c')).toEqual(['cp', 'cat', 'completion']);
    expect(await candidates('stowage help p')).toEqual(['presign']);
  });

  it("options: the command's and the global ones; the values of an option with a fixed set", async () => {
    expect(await candidates('stowage cp --re')).toEqual(['--recursive', '--region', '--retries']);
    expect(await candidates('stowage sync --d')).toEqual(['--delete', '--dry-run', '--debug']);
    expect(await candidates('stowage presign --method ')).toEqual(['GET', 'PUT']);
    expect(await candidates('stowage completion ')).toEqual(['bash', 'zsh', 'fish']);
    // After an option that takes a value, the next word is that value, not a command.
    expect(await candidates('stowage --store ./x ')).toContain('ls');
  });

  it('buckets and keys from the store, by $STOWAGE_STORE or --store', async () => {
    expect(await candidates('stowage ls stow://ph')).toEqual(['stow://photos/', 'stow://physics/']);
    expect(await candidates('stowage cp ./cat.jpg st')).toEqual(['stow://music/', 'stow://photos/', 'stow://physics/']);
    expect(await candidates('stowage ls stow://photos/')).toEqual(['stow://photos/2024/', 'stow://photos/cat.jpg']);
    expect(await candidates('stowage cat stow://photos/2024/b')).toEqual(['stow://photos/2024/beach.jpg']);
    expect(await candidates(`stowage --store ${target.url} rb stow://m`, { STOWAGE_STORE: '' })).toEqual(['stow://music/']);
    // Named stores of the config file: their names, then their buckets and keys.
    expect(await candidates('stowage ls di')).toEqual(['disk:']);
    expect(await candidates('stowage ls disk:')).toEqual(['disk:music/', 'disk:photos/', 'disk:physics/']);
    expect(await candidates('stowage cp disk:photos/c')).toEqual(['disk:photos/cat.jpg']);
    // A local path: nothing, so the shell completes files.
    expect(await candidates('stowage cp ./c')).toEqual([]);
  });

  it('a store it cannot open gives nothing, and the default store is never made by completing', async () => {
    expect(await candidates('stowage ls stow://', { STOWAGE_STORE: 's3://?endpoint=http://127.0.0.1:9&region=us-east-1' })).toEqual([]);
    const fresh = await mkdtemp(join(tmpdir(), 'stowage-cli-completion-fresh-'));
    const r = await runCli(['__complete', '--line', 'stowage ls stow://'], { cwd: fresh, env: {} });
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(existsSync(join(fresh, '.stowage-store'))).toBe(false);
    await rm(fresh, { recursive: true, force: true });
  });

  it('completion with a shell it does not know is a usage error (exit 2)', async () => {
    const r = await runCli(['completion', 'tcsh'], { cwd, env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('stowage: completion takes one of bash, zsh, fish, not "tcsh"');
  });
});

describe('bash', () => {
  it('the script registers the completion for stowage', () => {
    expect(bash('eval "$(stowage completion bash)"; complete -p stowage')).toBe(
      'complete -o bashdefault -o default -F _stowage_complete stowage\n',
    );
  });

  it('Tab completes commands, options, buckets and keys, past the colon bash splits words at', () => {
    expect(tab('stowage sy')).toEqual(['sync']);
    expect(tab('stowage rm --rec')).toEqual(['--recursive']);
    // bash's current word here is "//ph" (after "stow" and ":"): the replies fit that word.
    expect(tab('stowage ls stow://ph')).toEqual(['//photos/', '//physics/']);
    expect(tab('stowage ls disk:ph')).toEqual(['photos/', 'physics/']);
    expect(tab('stowage cat stow://photos/2024/')).toEqual(['//photos/2024/beach.jpg']);
    expect(tab('stowage cp ./cat.jpg st')).toEqual(['stow://music/', 'stow://photos/', 'stow://physics/']);
  });
});

describe.skipIf(!HAS_ZSH)(`zsh${HAS_ZSH ? '' : ' (skipped: zsh is not installed)'}`, () => {
  it('the script parses', async () => {
    const script = (await runCli(['completion', 'zsh'], { cwd, env: env() })).stdout;
    const r = spawnSync('zsh', ['-n', '-c', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe.skipIf(!HAS_FISH)(`fish${HAS_FISH ? '' : ' (skipped: fish is not installed)'}`, () => {
  it('the script parses', async () => {
    const script = (await runCli(['completion', 'fish'], { cwd, env: env() })).stdout;
    const r = spawnSync('fish', ['--no-execute', '-c', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('and completes: fish asked what it would offer (complete -C)', () => {
    const r = spawnSync('fish', ['--no-config', '-c', 'stowage completion fish | source; complete -C "stowage ls stow://ph"'], {
      cwd,
      env: { ...cleanEnv(env()), PATH: `${binDir}:${process.env.PATH ?? '/usr/bin:/bin'}` },
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n').filter((l) => l !== '')).toEqual(['stow://photos/', 'stow://physics/']);
  });
});
