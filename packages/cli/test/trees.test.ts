import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from './helpers/build.js';
import { type CliResult, runCli } from './helpers/cli.js';
import { type StoreTarget, TARGETS } from './helpers/stores.js';
import { byteOrder, fileBytes, makeTree, readTree } from './helpers/tree.js';

const COUNT = 200;

// Recursive cp and sync of a tree of 200 files in nested folders with Unicode names, both ways,
// on a local store and on s3rver.
describe.each(TARGETS)('trees on the $name store', { timeout: 180_000 }, ({ start }) => {
  let target: StoreTarget;
  let cwd: string;
  let paths: string[];
  const run = (args: string[]): Promise<CliResult> => runCli(['--store', target.url, ...args], { cwd, env: target.env });
  const ok = async (args: string[]): Promise<string[]> => {
    const r = await run(args);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return r.stdout === '' ? [] : r.stdout.trimEnd().split('\n');
  };
  const keys = async (prefix: string): Promise<string[]> =>
    (JSON.parse((await run(['ls', '-r', '--json', prefix])).stdout) as { key: string }[]).map((e) => e.key);

  beforeAll(async () => {
    [target] = await Promise.all([start(), buildCli()]);
    cwd = await mkdtemp(join(tmpdir(), 'stowage-cli-trees-'));
    paths = await makeTree(join(cwd, 'tree'), COUNT);
    await ok(['mb', 'stow://trees']);
  });
  afterAll(async () => {
    await target?.stop();
    await rm(cwd, { recursive: true, force: true });
  });

  it('cp --recursive uploads the tree and downloads it back byte for byte', async () => {
    const up = await ok(['cp', '--recursive', 'tree', 'stow://trees/copy']);
    expect(up).toHaveLength(COUNT);
    expect(up).toContain(`upload: tree/${paths[7]} to stow://trees/copy/${paths[7]}`);
    expect(await keys('stow://trees/copy/')).toEqual(paths.map((p) => `copy/${p}`).sort(byteOrder));

    const down = await ok(['cp', '-r', 'stow://trees/copy/', 'out']);
    expect(down).toHaveLength(COUNT);
    expect(await readTree(join(cwd, 'out'))).toEqual(await readTree(join(cwd, 'tree')));
  });

  it('sync copies only new and changed files; --dry-run and --delete', async () => {
    expect(await ok(['sync', 'tree', 'stow://trees/mirror/'])).toHaveLength(COUNT);
    expect(await ok(['sync', 'tree', 'stow://trees/mirror/'])).toEqual([]); // nothing changed

    // Change three files (new sizes), add two, delete one.
    const changed = [paths[1], paths[22], paths[133]] as string[];
    await Promise.all(changed.map((p) => writeFile(join(cwd, 'tree', ...p.split('/')), fileBytes(paths.indexOf(p), 1))));
    await writeFile(join(cwd, 'tree', 'new café.txt'), 'new\n');
    await writeFile(join(cwd, 'tree', 'photos', 'nouveau 🐈.txt'), 'newer\n');
    const gone = paths[5] as string;
    await unlink(join(cwd, 'tree', ...gone.split('/')));
    const expected = [
      ...changed.map((p) => `upload: tree/${p} to stow://trees/mirror/${p}`),
      'upload: tree/new café.txt to stow://trees/mirror/new café.txt',
      'upload: tree/photos/nouveau 🐈.txt to stow://trees/mirror/photos/nouveau 🐈.txt',
      `delete: stow://trees/mirror/${gone}`,
    ].sort();

    const dry = await ok(['sync', '--delete', '--dry-run', 'tree', 'stow://trees/mirror/']);
    expect([...dry].sort()).toEqual(expected.map((l) => `(dryrun) ${l}`).sort());
    expect(await keys('stow://trees/mirror/')).toHaveLength(COUNT); // the dry run changed nothing

    expect([...(await ok(['sync', '--delete', 'tree', 'stow://trees/mirror/']))].sort()).toEqual(expected);
    const now = [...(await readTree(join(cwd, 'tree'))).keys()];
    expect(await keys('stow://trees/mirror/')).toEqual(now.map((p) => `mirror/${p}`).sort(byteOrder));
    expect(await ok(['sync', '--delete', 'tree', 'stow://trees/mirror/'])).toEqual([]);
  });

  it('sync downloads a prefix, and syncing either way again copies nothing', async () => {
    expect(await ok(['sync', 'stow://trees/mirror/', 'restored'])).toHaveLength(COUNT + 1);
    expect(await readTree(join(cwd, 'restored'))).toEqual(await readTree(join(cwd, 'tree')));
    expect(await ok(['sync', 'stow://trees/mirror/', 'restored'])).toEqual([]);
    // Downloads carry the object's time, so the files are not newer than the objects.
    expect(await ok(['sync', 'restored', 'stow://trees/mirror/'])).toEqual([]);

    // --delete on the local side removes files the prefix no longer has.
    await ok(['rm', 'stow://trees/mirror/new café.txt']);
    expect(await ok(['sync', '--delete', 'stow://trees/mirror/', 'restored'])).toEqual(['delete: restored/new café.txt']);
    expect((await readTree(join(cwd, 'restored'))).has('new café.txt')).toBe(false);
  });

  it('sync between two prefixes copies inside the store', async () => {
    expect(await ok(['sync', 'stow://trees/mirror/', 'stow://trees/other/'])).toHaveLength(COUNT);
    expect(await ok(['sync', 'stow://trees/mirror/', 'stow://trees/other/'])).toEqual([]);
    expect((await keys('stow://trees/other/')).map((k) => k.slice('other/'.length))).toEqual(
      (await keys('stow://trees/mirror/')).map((k) => k.slice('mirror/'.length)),
    );
    const overlap = await run(['sync', 'stow://trees/mirror/', 'stow://trees/mirror/sub/']);
    expect(overlap.code).toBe(2);
  });
});
