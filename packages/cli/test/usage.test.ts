import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from './helpers/build.js';
import { runCli } from './helpers/cli.js';

// Command-line behaviour that does not depend on the store: help, usage errors, exit codes, the
// default store, error lines. Runs the built binary on a local store in a temporary folder.
const COMMANDS = ['ls', 'mb', 'rb', 'cp', 'mv', 'rm', 'cat', 'stat', 'sync', 'presign'];

let cwd: string;
const run = (args: string[], env: Record<string, string> = {}, input?: string) =>
  runCli(args, { cwd, env, ...(input !== undefined ? { input } : {}) });

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'stowage-cli-usage-'));
  await buildCli();
});
afterAll(() => rm(cwd, { recursive: true, force: true }));

describe('help', () => {
  it('--help lists every command, the store and the exit codes, on stdout, exit 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const name of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    expect(r.stdout).toContain('STOWAGE_STORE');
    expect(r.stdout).toContain('.stowage-store');
    expect(r.stdout).toContain('Exit codes');
  });

  it.each(COMMANDS)('%s --help shows usage, options and examples', async (name) => {
    const r = await run([name, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: stowage ${name}`);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toMatch(new RegExp(`^  (\\S+ \\| )?stowage .*${name}`, 'm'));
    expect(r.stdout).toContain('--store URL');
  });

  it('-h and `help COMMAND` show the same help as --help', async () => {
    const [long, short, help] = await Promise.all([run(['sync', '--help']), run(['-h', 'sync']), run(['help', 'sync'])]);
    expect(short.stdout).toBe(long.stdout);
    expect(help.stdout).toBe(long.stdout);
  });

  it('no command: the overview on stderr, exit 2', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Usage: stowage');
  });

  it("--version prints package.json's version", async () => {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    const r = await run(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${pkg.version}\n`);
  });
});

describe('bad usage exits 2 with one line and a pointer to --help', () => {
  it.each([
    [['frobnicate'], /^stowage: unknown command "frobnicate"; the commands are ls, mb/],
    [['ls', '--frob'], /^stowage: Unknown option '--frob'/],
    [['cp', 'only-one'], /^stowage: cp takes 2 arguments, not 1/],
    [['cp', 'a.txt', 'b.txt'], /^stowage: cp needs a stow:\/\/ location on at least one side/],
    [['mb', 'photos'], /^stowage: photos is not a bucket in the store: write stow:\/\/photos/],
    [['mb', 'stow://photos/cat.jpg'], /^stowage: stow:\/\/photos\/cat.jpg names an object/],
    [['cp', '--metadata', 'novalue', '-', 'stow://b/k'], /^stowage: --metadata takes name=value/],
    [['cp', '--transfers', 'many', '-r', 'x', 'stow://b/'], /^stowage: --transfers must be a whole number/],
    [['ls', '--store', 'ftp://example.com'], /^stowage: --store: unknown storage URL scheme "ftp:"/],
    [['rm', 'stow://photos'], /^stowage: stow:\/\/photos is a bucket: add --recursive/],
    [['cat', 'stow://photos/'], /^stowage: .*/],
    [['presign', '--method', 'DELETE', 'stow://b/k'], /^stowage: --method is GET or PUT/],
    [['mv', '-', 'stow://b/k'], /^stowage: mv cannot use -/],
  ])('%j', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(message);
    expect(lines[1]).toMatch(/^Run 'stowage (\w+ )?--help' for usage\.$/);
    expect(lines).toHaveLength(2);
  });

  it('a folder without --recursive is bad usage', async () => {
    const r = await run(['cp', '.', 'stow://b/']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is a folder: add --recursive');
  });
});

describe('the store', () => {
  it('defaults to ./.stowage-store in the current folder, made on first use', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stowage-cli-default-'));
    try {
      expect(existsSync(join(dir, '.stowage-store'))).toBe(false);
      const made = await runCli(['mb', 'stow://first'], { cwd: dir });
      expect(made).toMatchObject({ code: 0, stdout: 'make_bucket: stow://first\n', stderr: '' });
      expect(existsSync(join(dir, '.stowage-store', 'first'))).toBe(true);
      const listed = await runCli(['ls'], { cwd: dir });
      expect(listed.stdout).toMatch(/ first\n$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('STOWAGE_STORE names it, --store wins over it, and a plain path is a folder', async () => {
    const a = join(cwd, 'store-a');
    const b = join(cwd, 'store-b');
    expect((await run(['mb', 'stow://in-a'], { STOWAGE_STORE: pathToFileURL(a).href })).code).toBe(0);
    expect((await run(['mb', 'stow://in-b', '--store', 'store-b'], { STOWAGE_STORE: pathToFileURL(a).href })).code).toBe(0);
    expect(existsSync(join(a, 'in-a'))).toBe(true);
    expect(existsSync(join(b, 'in-b'))).toBe(true);
    expect(existsSync(join(a, 'in-b'))).toBe(false);
    const r = await run(['ls', '--json'], { STOWAGE_STORE: 'store-b' });
    expect((JSON.parse(r.stdout) as { name: string }[]).map((x) => x.name)).toEqual(['in-b']);
  });

  it('memory:// works for one command', async () => {
    const r = await run(['--store', 'memory://', 'ls', '--json']);
    expect(r).toMatchObject({ code: 0, stdout: '[]\n' });
  });
});

describe('errors', () => {
  it('a failed operation is one line naming the code and location, exit 1, no stack', async () => {
    await run(['mb', 'stow://photos']);
    const r = await run(['cat', 'stow://photos/cat.jpg']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('stowage: NoSuchKey: stow://photos/cat.jpg\n');
    const bucket = await run(['ls', 'stow://nobucket']);
    expect(bucket.code).toBe(1);
    expect(bucket.stderr).toBe('stowage: NoSuchBucket: stow://nobucket\n');
  });

  it('--debug adds one line per storage call, then the stack and causes', async () => {
    const r = await run(['stat', '--debug', 'stow://photos/cat.jpg']);
    expect(r.code).toBe(1);
    const [call, first, ...rest] = r.stderr.split('\n');
    expect(call).toMatch(/^debug: headObject photos\/cat\.jpg NoSuchKey \d+\.\d ms$/);
    expect(first).toBe('stowage: NoSuchKey: stow://photos/cat.jpg');
    expect(rest.join('\n')).toMatch(/StorageError: .*\n\s+at /);
  });

  it('a missing local file is named', async () => {
    const r = await run(['cp', 'nothere.txt', 'stow://photos/']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('stowage: InvalidArgument: no such file or folder: nothere.txt\n');
  });

  it("an invalid bucket name is the driver's InvalidBucketName", async () => {
    const r = await run(['mb', 'stow://No_Such']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^stowage: InvalidBucketName: stow:\/\/No_Such: .+\n$/);
  });

  it('--quiet silences status lines but not results or errors', async () => {
    await writeFile(join(cwd, 'q.txt'), 'quiet\n');
    const up = await run(['cp', '-q', 'q.txt', 'stow://photos/q.txt']);
    expect(up).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const cat = await run(['cat', '--quiet', 'stow://photos/q.txt']);
    expect(cat.stdout).toBe('quiet\n');
    const missing = await run(['-q', 'stat', 'stow://photos/none']);
    expect(missing.stderr).toBe('stowage: NoSuchKey: stow://photos/none\n');
  });
});
