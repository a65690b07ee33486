// --include/--exclude on sync, cp -r, mv -r and rm -r, each rule checked against a small tree and
// against what the real `aws s3` (Debian's awscli) selects with the same filters, both talking to
// the same s3rver over HTTP. Without `aws` on PATH the comparisons skip and say why; the expected
// selections written here still hold the CLI to aws's rules.
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from './helpers/build.js';
import { type CliResult, runCli } from './helpers/cli.js';
import { type StoreTarget, s3rverTarget } from './helpers/stores.js';
import { byteOrder } from './helpers/tree.js';

const HAS_AWS = spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0;
const NO_AWS = 'skipped: the `aws` command (Debian package awscli) is not installed';

const TREE = [
  'a.txt',
  'b.jpg',
  '.hidden',
  'notes.TXT',
  'dir/c.txt',
  'dir/.env',
  'dir/sub/d.jpg',
  'dir/sub/e.txt',
  'logs/2024/x.log',
  'logs/y.log',
  'café/é.txt',
].sort(byteOrder);

const all = (...drop: string[]) => TREE.filter((p) => !drop.includes(p));

/** Filters (in command-line order) and what they select from {@link TREE}, as aws decides. */
const RULES: { name: string; filters: string[]; selected: string[] }[] = [
  { name: 'no filter: everything', filters: [], selected: TREE },
  { name: '--exclude *.jpg: * crosses folders', filters: ['--exclude', '*.jpg'], selected: all('b.jpg', 'dir/sub/d.jpg') },
  {
    name: '--exclude * --include *.txt: the last match wins',
    filters: ['--exclude', '*', '--include', '*.txt'],
    selected: ['a.txt', 'café/é.txt', 'dir/c.txt', 'dir/sub/e.txt'],
  },
  { name: '--include *.txt --exclude *: order matters', filters: ['--include', '*.txt', '--exclude', '*'], selected: [] },
  {
    name: '--exclude dir/*: a folder',
    filters: ['--exclude', 'dir/*'],
    selected: all('dir/c.txt', 'dir/.env', 'dir/sub/d.jpg', 'dir/sub/e.txt'),
  },
  {
    name: '--exclude dir/* --include dir/sub/*: a folder inside it back',
    filters: ['--exclude', 'dir/*', '--include', 'dir/sub/*'],
    selected: all('dir/c.txt', 'dir/.env'),
  },
  { name: '--exclude */sub/*: a folder at any depth', filters: ['--exclude', '*/sub/*'], selected: all('dir/sub/d.jpg', 'dir/sub/e.txt') },
  { name: '--exclude .*: patterns are anchored at the source', filters: ['--exclude', '.*'], selected: all('.hidden') },
  { name: '--exclude *.TXT: case matters', filters: ['--exclude', '*.TXT'], selected: all('notes.TXT') },
  { name: '--exclude [ab].*: a class', filters: ['--exclude', '[ab].*'], selected: all('a.txt', 'b.jpg') },
  { name: "--exclude '[!a]*': a negated class", filters: ['--exclude', '[!a]*'], selected: ['a.txt'] },
  { name: '--exclude ?.txt: one character', filters: ['--exclude', '?.txt'], selected: all('a.txt') },
  { name: '--exclude logs: the whole path must match', filters: ['--exclude', 'logs'], selected: TREE },
  {
    name: '--exclude logs/* --include logs/2024/* --exclude *.log: three rules',
    filters: ['--exclude', 'logs/*', '--include', 'logs/2024/*', '--exclude', '*.log'],
    selected: all('logs/2024/x.log', 'logs/y.log'),
  },
  { name: '--include alone changes nothing', filters: ['--include', 'nothing*'], selected: TREE },
];

let target: StoreTarget;
let cwd: string;
let endpoint: string;

const cli = (args: string[]): Promise<CliResult> => runCli(['--store', target.url, ...args], { cwd, env: target.env });
const ok = async (args: string[]): Promise<string[]> => {
  const r = await cli(args);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout === '' ? [] : r.stdout.trimEnd().split('\n');
};

/** Runs `aws s3 …` against the s3rver; resolves to its output lines. */
function aws(args: string[]): Promise<string[]> {
  const child = spawn('aws', ['s3', ...args, '--endpoint-url', endpoint], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: cwd, // no ~/.aws of the developer's
      PYTHONIOENCODING: 'utf-8',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      ...target.env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(stdout === '' ? [] : stdout.trimEnd().split('\n'))
        : reject(new Error(`aws ${args.join(' ')}: ${code}\n${stderr}`)),
    );
  });
}

/** The paths (relative to `base`) a dry run's lines name, in byte order. */
function picked(lines: string[], verb: string, base: string): string[] {
  return lines
    .map((line) => {
      const match = /^\(dryrun\) (\w+): (.*?)(?: to (.*))?$/.exec(line);
      expect(match, line).not.toBeNull();
      const [, op, from, to] = match as RegExpExecArray;
      expect(op).toBe(verb);
      const path = (verb === 'delete' ? from : verb === 'upload' ? to : from) as string;
      expect(path.startsWith(base), `${path} under ${base}`).toBe(true);
      return path.slice(base.length);
    })
    .sort(byteOrder);
}

beforeAll(async () => {
  [target] = await Promise.all([s3rverTarget(), buildCli()]);
  endpoint = decodeURIComponent(/endpoint=([^&]+)/.exec(target.url)?.[1] ?? '');
  cwd = await mkdtemp(join(tmpdir(), 'stowage-cli-filters-'));
  for (const rel of TREE) {
    await mkdir(dirname(join(cwd, 'tree', rel)), { recursive: true });
    await writeFile(join(cwd, 'tree', rel), `${rel}\n`);
  }
  await ok(['mb', 'stow://filters']);
  await ok(['cp', '-r', 'tree', 'stow://filters/all/']);
});
afterAll(async () => {
  await target?.stop();
  await rm(cwd, { recursive: true, force: true });
});

describe('sync --dry-run selects what the filters keep', () => {
  it.each(RULES)('$name', async ({ filters, selected }) => {
    expect(picked(await ok(['sync', '--dry-run', ...filters, 'tree', 'stow://filters/up/']), 'upload', 'stow://filters/up/')).toEqual(
      selected,
    );
  });
});

describe.skipIf(!HAS_AWS)(`the same as aws s3 sync --dryrun${HAS_AWS ? '' : ` (${NO_AWS})`}`, () => {
  it.each(RULES)('$name', async ({ filters, selected }) => {
    const theirs = picked(await aws(['sync', '--dryrun', ...filters, 'tree', 's3://filters/up/']), 'upload', 's3://filters/up/');
    expect(theirs).toEqual(selected);
  });
});

// Every command that takes filters, each with a rule set or two, against aws's own dry run of it.
const PER_COMMAND: { name: string; ours: string[]; theirs: string[]; verb: string; base: [string, string] }[] = [
  {
    name: 'cp -r (download)',
    ours: ['cp', '-r', '--dry-run', 'stow://filters/all/', 'out'],
    theirs: ['cp', '--recursive', '--dryrun', 's3://filters/all/', 'out'],
    verb: 'download',
    base: ['stow://filters/all/', 's3://filters/all/'],
  },
  {
    name: 'cp -r (upload)',
    ours: ['cp', '-r', '--dry-run', 'tree', 'stow://filters/cp/'],
    theirs: ['cp', '--recursive', '--dryrun', 'tree', 's3://filters/cp/'],
    verb: 'upload',
    base: ['stow://filters/cp/', 's3://filters/cp/'],
  },
  {
    name: 'mv -r (between prefixes)',
    ours: ['mv', '-r', '--dry-run', 'stow://filters/all/', 'stow://filters/moved/'],
    theirs: ['mv', '--recursive', '--dryrun', 's3://filters/all/', 's3://filters/moved/'],
    verb: 'move',
    base: ['stow://filters/all/', 's3://filters/all/'],
  },
  {
    name: 'rm -r',
    ours: ['rm', '-r', '--dry-run', 'stow://filters/all/'],
    theirs: ['rm', '--recursive', '--dryrun', 's3://filters/all/'],
    verb: 'delete',
    base: ['stow://filters/all/', 's3://filters/all/'],
  },
];
const SOME_RULES = [RULES[2], RULES[5], RULES[13]] as (typeof RULES)[number][];

describe('cp -r, mv -r and rm -r take the same filters', () => {
  for (const command of PER_COMMAND) {
    it.each(SOME_RULES)(`${command.name}: $name`, async ({ filters, selected }) => {
      const ours = picked(await ok([...command.ours, ...filters]), command.verb, command.base[0]);
      expect(ours).toEqual(selected);
      if (HAS_AWS) expect(picked(await aws([...command.theirs, ...filters]), command.verb, command.base[1])).toEqual(selected);
    });
  }
});

describe('sync --delete leaves excluded destination files alone', () => {
  it('as aws s3 sync --delete does', async () => {
    await ok(['cp', '-r', 'tree', 'stow://filters/mirror/']);
    await ok(['cp', '-r', 'tree', 'stow://filters/mirror/extra/']);
    const filters = ['--exclude', 'extra/*.jpg', '--exclude', 'extra/dir/*'];
    const ours = await ok(['sync', '--delete', '--dry-run', ...filters, 'tree', 'stow://filters/mirror/']);
    const expected = ['a.txt', 'café/é.txt', '.hidden', 'logs/2024/x.log', 'logs/y.log', 'notes.TXT']
      .map((p) => `extra/${p}`)
      .sort(byteOrder);
    expect(picked(ours, 'delete', 'stow://filters/mirror/')).toEqual(expected);
    if (HAS_AWS) {
      const theirs = await aws(['sync', '--delete', '--dryrun', ...filters, 'tree', 's3://filters/mirror/']);
      expect(picked(theirs, 'delete', 's3://filters/mirror/')).toEqual(expected);
    }
    // For real: the deletions happen, the excluded objects stay.
    await ok(['sync', '--delete', ...filters, 'tree', 'stow://filters/mirror/']);
    const left = JSON.parse((await cli(['ls', '-r', '--json', 'stow://filters/mirror/extra/'])).stdout) as { key: string }[];
    expect(left.map((e) => e.key.slice('mirror/'.length)).sort(byteOrder)).toEqual(
      ['extra/b.jpg', 'extra/dir/.env', 'extra/dir/c.txt', 'extra/dir/sub/d.jpg', 'extra/dir/sub/e.txt'].sort(byteOrder),
    );
  });
});

describe('bad filters', () => {
  it('--exclude without --recursive is a usage error (exit 2)', async () => {
    const r = await cli(['cp', '--exclude', '*.jpg', 'tree/a.txt', 'stow://filters/one.txt']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("stowage: --exclude works on a tree: add --recursive (sync always is)\nRun 'stowage cp --help' for usage.\n");
  });
  it('an empty pattern is a usage error (exit 2)', async () => {
    const r = await cli(['sync', '--include', '', 'tree', 'stow://filters/up/']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe("stowage: --include takes a glob pattern such as '*.jpg', not an empty string");
  });
});
