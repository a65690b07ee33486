// `--json` on every command that acts: one JSON object per line (an action each, then a summary),
// in the schema docs/cli.md documents, on a local store and on s3rver.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from './helpers/build.js';
import { type CliResult, runCli } from './helpers/cli.js';
import { type StoreTarget, TARGETS } from './helpers/stores.js';

const ACTION_FIELDS = ['type', 'op', 'status', 'source', 'destination', 'location', 'size', 'error'];
const SUMMARY_FIELDS = ['type', 'command', 'dryRun', 'done', 'failed', 'bytes'];
type Line = Record<string, unknown>;

/** Every stdout line as JSON, each checked against the documented fields. */
function lines(r: CliResult): Line[] {
  if (r.stdout === '') return [];
  expect(r.stdout.endsWith('\n')).toBe(true);
  return r.stdout
    .trimEnd()
    .split('\n')
    .map((text) => {
      const line = JSON.parse(text) as Line;
      const allowed = line.type === 'summary' ? SUMMARY_FIELDS : line.type === 'action' ? ACTION_FIELDS : undefined;
      expect(allowed, text).toBeDefined();
      for (const field of Object.keys(line)) expect(allowed, `${field} in ${text}`).toContain(field);
      return line;
    });
}

const summary = (command: string, dryRun: boolean, done: number, failed: number, bytes: number) => ({
  type: 'summary',
  command,
  dryRun,
  done,
  failed,
  bytes,
});

describe.each(TARGETS)('--json on the $name store', { timeout: 120_000 }, ({ start }) => {
  let target: StoreTarget;
  let cwd: string;
  const run = (args: string[]): Promise<CliResult> => runCli(['--store', target.url, ...args], { cwd, env: target.env });
  const ok = async (args: string[]): Promise<Line[]> => {
    const r = await run(args);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return args.includes('--json') ? lines(r) : [];
  };

  beforeAll(async () => {
    [target] = await Promise.all([start(), buildCli()]);
    cwd = await mkdtemp(join(tmpdir(), 'stowage-cli-json-'));
    await mkdir(join(cwd, 'tree', 'sub'), { recursive: true });
    await writeFile(join(cwd, 'tree', 'a.txt'), 'aaa');
    await writeFile(join(cwd, 'tree', 'sub', 'b.txt'), 'bbbbb');
  });
  afterAll(async () => {
    await target?.stop();
    await rm(cwd, { recursive: true, force: true });
  });

  it('mb and rb: one action each', async () => {
    expect(await ok(['mb', '--json', 'stow://jay'])).toEqual([
      { type: 'action', op: 'make_bucket', status: 'done', location: 'stow://jay' },
    ]);
    await ok(['mb', 'stow://gone-bucket']);
    // --quiet drops status lines, not results: JSON still prints.
    expect(await ok(['rb', '--json', '--quiet', 'stow://gone-bucket'])).toEqual([
      { type: 'action', op: 'remove_bucket', status: 'done', location: 'stow://gone-bucket' },
    ]);
  });

  it('cp: an action per file, then the summary; --dry-run says dryrun', async () => {
    expect(await ok(['cp', '--json', 'tree/a.txt', 'stow://jay/one/a.txt'])).toEqual([
      { type: 'action', op: 'upload', status: 'done', source: 'tree/a.txt', destination: 'stow://jay/one/a.txt', size: 3 },
      summary('cp', false, 1, 0, 3),
    ]);
    expect(await ok(['cp', '-r', '--dry-run', '--json', 'tree', 'stow://jay/tree/'])).toEqual([
      { type: 'action', op: 'upload', status: 'dryrun', source: 'tree/a.txt', destination: 'stow://jay/tree/a.txt', size: 3 },
      { type: 'action', op: 'upload', status: 'dryrun', source: 'tree/sub/b.txt', destination: 'stow://jay/tree/sub/b.txt', size: 5 },
      summary('cp', true, 2, 0, 8),
    ]);
    const down = await ok(['cp', '--json', 'stow://jay/one/a.txt', 'down.txt']);
    expect(down).toEqual([
      { type: 'action', op: 'download', status: 'done', source: 'stow://jay/one/a.txt', destination: 'down.txt', size: 3 },
      summary('cp', false, 1, 0, 3),
    ]);
    expect(await ok(['cp', '--json', 'stow://jay/one/a.txt', 'stow://jay/two/'])).toEqual([
      { type: 'action', op: 'copy', status: 'done', source: 'stow://jay/one/a.txt', destination: 'stow://jay/two/a.txt', size: 3 },
      summary('cp', false, 1, 0, 3),
    ]);
  });

  it('sync: actions as they complete, a summary; again only a summary; --delete deletes', async () => {
    const first = await ok(['sync', '--json', 'tree', 'stow://jay/tree/']);
    expect(first.slice(0, -1).sort((a, b) => String(a.source).localeCompare(String(b.source)))).toEqual([
      { type: 'action', op: 'upload', status: 'done', source: 'tree/a.txt', destination: 'stow://jay/tree/a.txt', size: 3 },
      { type: 'action', op: 'upload', status: 'done', source: 'tree/sub/b.txt', destination: 'stow://jay/tree/sub/b.txt', size: 5 },
    ]);
    expect(first.at(-1)).toEqual(summary('sync', false, 2, 0, 8));
    expect(await ok(['sync', '--json', 'tree', 'stow://jay/tree/'])).toEqual([summary('sync', false, 0, 0, 0)]);

    await ok(['cp', 'tree/a.txt', 'stow://jay/tree/extra.txt']);
    expect(await ok(['sync', '--delete', '--json', 'tree', 'stow://jay/tree/'])).toEqual([
      { type: 'action', op: 'delete', status: 'done', location: 'stow://jay/tree/extra.txt' },
      summary('sync', false, 1, 0, 0),
    ]);
    await ok(['sync', 'stow://jay/tree/', 'restored']);
    await writeFile(join(cwd, 'restored', 'local-only.txt'), 'x');
    expect(await ok(['sync', '--delete', '--json', 'stow://jay/tree/', 'restored'])).toEqual([
      { type: 'action', op: 'delete', status: 'done', location: 'restored/local-only.txt' },
      summary('sync', false, 1, 0, 0),
    ]);
  });

  it('mv and rm', async () => {
    expect(await ok(['mv', '--json', 'stow://jay/two/a.txt', 'stow://jay/three/a.txt'])).toEqual([
      { type: 'action', op: 'move', status: 'done', source: 'stow://jay/two/a.txt', destination: 'stow://jay/three/a.txt', size: 3 },
      summary('mv', false, 1, 0, 3),
    ]);
    expect(await ok(['rm', '--json', 'stow://jay/three/a.txt'])).toEqual([
      { type: 'action', op: 'delete', status: 'done', location: 'stow://jay/three/a.txt' },
      summary('rm', false, 1, 0, 0),
    ]);
    expect(await ok(['rm', '-r', '--json', 'stow://jay/tree/'])).toEqual([
      { type: 'action', op: 'delete', status: 'done', location: 'stow://jay/tree/a.txt' },
      { type: 'action', op: 'delete', status: 'done', location: 'stow://jay/tree/sub/b.txt' },
      summary('rm', false, 2, 0, 0),
    ]);
  });

  it('a failed item: its error line on stderr, a failed action and the count in the summary, exit 1', async () => {
    await ok(['cp', '-r', 'tree', 'stow://jay/fail/']);
    // Where a.txt should land there is a folder: that download fails, the other goes on.
    await mkdir(join(cwd, 'blocked', 'a.txt', 'inside'), { recursive: true });
    const r = await run(['cp', '-r', '--json', 'stow://jay/fail/', 'blocked']);
    expect(r.code).toBe(1);
    const [error, count, extra] = r.stderr.split('\n');
    expect(error).toMatch(/^stowage: \w+: /);
    expect(count).toBe('stowage: 1 of 2 operations failed');
    expect(extra).toBe('');
    const out = lines(r);
    const failed = out.find((l) => l.status === 'failed');
    expect(failed).toMatchObject({ type: 'action', op: 'download', source: 'stow://jay/fail/a.txt', destination: 'blocked/a.txt' });
    expect((failed?.error as { code: string } | undefined)?.code).toBe((error as string).split(': ')[1]);
    expect(out.at(-1)).toEqual(summary('cp', false, 1, 1, 5));
  });

  it('presign: the URL, the method and when it expires', async () => {
    await ok(['cp', 'tree/a.txt', 'stow://jay/p.txt']);
    const before = Date.now();
    const r = await run(['presign', '--json', '--expires-in', '600', 'stow://jay/p.txt']);
    if (target.name === 'local') {
      expect(r).toMatchObject({ code: 1, stdout: '' });
      expect(r.stderr).toMatch(/^stowage: NotSupported: /);
      return;
    }
    expect(r.stderr).toBe('');
    const [line] = r.stdout
      .trimEnd()
      .split('\n')
      .map((t) => JSON.parse(t) as Line);
    expect(line).toMatchObject({ type: 'url', location: 'stow://jay/p.txt', method: 'GET', expiresIn: 600 });
    const expiresAt = Date.parse(String(line?.expiresAt));
    expect(expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 600_000);
    expect(await (await fetch(String(line?.url))).text()).toBe('aaa');
  });

  it('cat has no --json (its output is the object), nor has cp … -', async () => {
    expect((await run(['cat', '--json', 'stow://jay/p.txt'])).code).toBe(2);
    const r = await run(['cp', '--json', 'stow://jay/p.txt', '-']);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr.split('\n')[0]).toBe('stowage: --json cannot go with - as the destination: the object is the output');
  });
});
