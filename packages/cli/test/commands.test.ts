import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from './helpers/build.js';
import { type CliResult, runCli } from './helpers/cli.js';
import { type StoreTarget, TARGETS } from './helpers/stores.js';

interface JsonObject {
  type: 'object';
  location: string;
  key: string;
  size: number;
  etag: string;
  lastModified: string;
  contentType?: string;
  metadata: Record<string, string>;
}
type JsonEntry = JsonObject | { type: 'prefix'; prefix: string; location: string };

// Every command, end to end through the built binary, on a local store and on s3rver.
describe.each(TARGETS)('every command on the $name store', { timeout: 120_000 }, ({ start }) => {
  let target: StoreTarget;
  let cwd: string;
  const run = (args: string[], input?: string): Promise<CliResult> =>
    runCli(['--store', target.url, ...args], { cwd, env: target.env, ...(input !== undefined ? { input } : {}) });
  const ok = async (args: string[], input?: string): Promise<CliResult> => {
    const r = await run(args, input);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return r;
  };
  const json = async <T>(args: string[]): Promise<T> => JSON.parse((await ok([...args, '--json'])).stdout) as T;

  beforeAll(async () => {
    [target] = await Promise.all([start(), buildCli()]);
    cwd = await mkdtemp(join(tmpdir(), 'stowage-cli-commands-'));
    await writeFile(join(cwd, 'cat.txt'), 'A cat, in plain text.\n');
    await writeFile(join(cwd, 'dog.txt'), 'A dog.\n');
    await writeFile(join(cwd, 'data.bin'), Buffer.alloc(3000, 7));
  });
  afterAll(async () => {
    await target?.stop();
    await rm(cwd, { recursive: true, force: true });
  });

  it('mb makes a bucket; again is BucketAlreadyExists, exit 1', async () => {
    expect((await ok(['mb', 'stow://photos'])).stdout).toBe('make_bucket: stow://photos\n');
    await ok(['mb', 'stow://scratch']);
    const again = await run(['mb', 'stow://photos']);
    expect(again).toMatchObject({ code: 1, stdout: '', stderr: 'stowage: BucketAlreadyExists: stow://photos\n' });
  });

  it('cp uploads a file with --content-type and --metadata; stat shows every attribute', async () => {
    const up = await ok([
      'cp',
      '--content-type',
      'text/x-cat',
      '--metadata',
      'photographer=Ana',
      '--metadata',
      'note=a=b',
      'cat.txt',
      'stow://photos/cats/cat.txt',
    ]);
    expect(up.stdout).toBe('upload: cat.txt to stow://photos/cats/cat.txt\n');
    const info = await json<JsonObject & { bucket: string }>(['stat', 'stow://photos/cats/cat.txt']);
    expect(info).toMatchObject({
      location: 'stow://photos/cats/cat.txt',
      bucket: 'photos',
      key: 'cats/cat.txt',
      size: 22,
      contentType: 'text/x-cat',
      metadata: { photographer: 'Ana', note: 'a=b' },
    });
    expect(info.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(new Date(info.lastModified).toISOString()).toBe(info.lastModified);

    const text = (await ok(['stat', 'stow://photos/cats/cat.txt'])).stdout;
    expect(text).toMatch(/^Location: +stow:\/\/photos\/cats\/cat\.txt$/m);
    expect(text).toMatch(/^Size: +22 bytes \(22 B\)$/m);
    expect(text).toMatch(/^ETag: +"[0-9a-f]{32}"$/m);
    expect(text).toMatch(/^Content-Type: +text\/x-cat$/m);
    expect(text).toMatch(/^Metadata:\n {2}(note: a=b\n {2}photographer: Ana|photographer: Ana\n {2}note: a=b)\n$/m);
  });

  it('cp into a folder keeps the file name and guesses the content type', async () => {
    expect((await ok(['cp', 'dog.txt', 'stow://photos/dogs/'])).stdout).toBe('upload: dog.txt to stow://photos/dogs/dog.txt\n');
    await ok(['cp', 'data.bin', 'stow://photos']);
    const info = await json<JsonObject>(['stat', 'stow://photos/dogs/dog.txt']);
    expect(info.contentType).toMatch(/^text\/plain/);
  });

  it('ls lists buckets, then folders and objects under a prefix, in text and JSON', async () => {
    const buckets = await json<{ name: string; location: string; createdAt?: string }[]>(['ls']);
    expect(buckets.map((b) => b.name)).toEqual(['photos', 'scratch']);
    expect(buckets[0]?.location).toBe('stow://photos');
    expect((await ok(['ls'])).stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d photos\n\d{4}-.* scratch\n$/);

    const top = (await ok(['ls', 'stow://photos'])).stdout.split('\n');
    expect(top).toEqual([
      expect.stringMatching(/^ {20} {7}PRE cats\/$/),
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +2\.93 KiB data\.bin$/),
      expect.stringMatching(/^ +PRE dogs\/$/),
      '',
    ]);
    // Inside a folder, names are relative to it.
    expect((await ok(['ls', 'stow://photos/cats/'])).stdout).toMatch(/^\S+ \S+ +22 B cat\.txt\n$/);
    expect((await ok(['ls', '--bytes', 'stow://photos'])).stdout).toMatch(/ 3000 data\.bin\n/);

    const entries = await json<JsonEntry[]>(['ls', 'stow://photos']);
    expect(entries.map((e) => (e.type === 'prefix' ? e.prefix : e.key))).toEqual(['cats/', 'data.bin', 'dogs/']);
    const all = await json<JsonObject[]>(['ls', '--recursive', 'stow://photos']);
    expect(all.map((e) => [e.key, e.size])).toEqual([
      ['cats/cat.txt', 22],
      ['data.bin', 3000],
      ['dogs/dog.txt', 7],
    ]);
    expect(all[0]?.location).toBe('stow://photos/cats/cat.txt');

    const summary = (await ok(['ls', '-r', '--summarize', '--bytes', 'stow://photos'])).stdout;
    expect(summary).toMatch(/ cats\/cat\.txt\n.* data\.bin\n.* dogs\/dog\.txt\n\nTotal Objects: 3\n {3}Total Size: 3029 bytes\n$/);
    expect(await json<unknown[]>(['ls', 'stow://scratch'])).toEqual([]);
  });

  it("cp downloads to a file and into a folder, with the object's time as mtime", async () => {
    expect((await ok(['cp', 'stow://photos/cats/cat.txt', 'copy.txt'])).stdout).toBe('download: stow://photos/cats/cat.txt to copy.txt\n');
    expect(await readFile(join(cwd, 'copy.txt'), 'utf8')).toBe('A cat, in plain text.\n');
    await mkdir(join(cwd, 'down'));
    expect((await ok(['cp', 'stow://photos/dogs/dog.txt', 'down'])).stdout).toBe('download: stow://photos/dogs/dog.txt to down/dog.txt\n');
    expect(await readFile(join(cwd, 'down', 'dog.txt'), 'utf8')).toBe('A dog.\n');
    const info = await json<JsonObject>(['stat', 'stow://photos/dogs/dog.txt']);
    const mtime = (await stat(join(cwd, 'down', 'dog.txt'))).mtimeMs;
    expect(Math.abs(mtime - Date.parse(info.lastModified))).toBeLessThan(1000);
    // A missing object leaves no file behind.
    const missing = await run(['cp', 'stow://photos/none.txt', 'none.txt']);
    expect(missing).toMatchObject({ code: 1, stderr: 'stowage: NoSuchKey: stow://photos/none.txt\n' });
    await expect(stat(join(cwd, 'none.txt'))).rejects.toThrow();
  });

  it('cp copies inside the store, keeping attributes or replacing the ones given', async () => {
    expect((await ok(['cp', 'stow://photos/cats/cat.txt', 'stow://scratch/'])).stdout).toBe(
      'copy: stow://photos/cats/cat.txt to stow://scratch/cat.txt\n',
    );
    expect(await json<JsonObject>(['stat', 'stow://scratch/cat.txt'])).toMatchObject({
      size: 22,
      contentType: 'text/x-cat',
      metadata: { photographer: 'Ana', note: 'a=b' },
    });
    // Onto itself with a new content type: the metadata stays.
    await ok(['cp', '--content-type', 'text/plain', 'stow://scratch/cat.txt', 'stow://scratch/cat.txt']);
    expect(await json<JsonObject>(['stat', 'stow://scratch/cat.txt'])).toMatchObject({
      contentType: 'text/plain',
      metadata: { photographer: 'Ana' },
    });
    const same = await run(['cp', 'stow://scratch/cat.txt', 'stow://scratch/cat.txt']);
    expect(same.code).toBe(2);
  });

  it('cp - reads standard input; cp … - and cat write standard output', async () => {
    expect((await ok(['cp', '-', 'stow://scratch/piped.txt'], 'from a pipe\n')).stdout).toBe('upload: - to stow://scratch/piped.txt\n');
    expect((await ok(['cp', 'stow://scratch/piped.txt', '-'])).stdout).toBe('from a pipe\n');
    expect((await ok(['cat', 'stow://scratch/piped.txt', 'stow://photos/dogs/dog.txt'])).stdout).toBe('from a pipe\nA dog.\n');
    expect(await run(['cat', 'stow://scratch/nope'])).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'stowage: NoSuchKey: stow://scratch/nope\n',
    });
  });

  it('mv moves objects and files, and the source goes', async () => {
    expect((await ok(['mv', 'stow://scratch/piped.txt', 'stow://scratch/moved.txt'])).stdout).toBe(
      'move: stow://scratch/piped.txt to stow://scratch/moved.txt\n',
    );
    await writeFile(join(cwd, 'to-move.txt'), 'moving\n');
    expect((await ok(['mv', 'to-move.txt', 'stow://scratch/'])).stdout).toBe('move: to-move.txt to stow://scratch/to-move.txt\n');
    await expect(stat(join(cwd, 'to-move.txt'))).rejects.toThrow();
    expect((await ok(['mv', 'stow://scratch/moved.txt', 'moved-back.txt'])).stdout).toBe(
      'move: stow://scratch/moved.txt to moved-back.txt\n',
    );
    expect(await readFile(join(cwd, 'moved-back.txt'), 'utf8')).toBe('from a pipe\n');
    const keys = (await json<JsonObject[]>(['ls', '-r', 'stow://scratch'])).map((e) => e.key);
    expect(keys).toEqual(['cat.txt', 'to-move.txt']);
  });

  it('rm deletes one object, or a prefix with --recursive (--dry-run only says so)', async () => {
    await ok(['cp', 'cat.txt', 'stow://scratch/cats/a.txt']);
    await ok(['cp', 'cat.txt', 'stow://scratch/cats/b.txt']);
    await ok(['cp', 'cat.txt', 'stow://scratch/catalog.txt']);
    expect((await ok(['rm', 'stow://scratch/to-move.txt'])).stdout).toBe('delete: stow://scratch/to-move.txt\n');
    const dry = await ok(['rm', '-r', '--dry-run', 'stow://scratch/cats']);
    expect(dry.stdout).toBe('(dryrun) delete: stow://scratch/cats/a.txt\n(dryrun) delete: stow://scratch/cats/b.txt\n');
    expect((await json<JsonObject[]>(['ls', '-r', 'stow://scratch'])).map((e) => e.key)).toEqual([
      'cat.txt',
      'catalog.txt',
      'cats/a.txt',
      'cats/b.txt',
    ]);
    // stow://scratch/cats is the folder cats/: catalog.txt stays.
    await ok(['rm', '--recursive', 'stow://scratch/cats']);
    expect((await json<JsonObject[]>(['ls', '-r', 'stow://scratch'])).map((e) => e.key)).toEqual(['cat.txt', 'catalog.txt']);
  });

  it('rb refuses a bucket that holds objects; --force empties it first', async () => {
    expect(await run(['rb', 'stow://scratch'])).toMatchObject({
      code: 1,
      stderr: 'stowage: BucketNotEmpty: stow://scratch: the bucket holds objects; rb --force deletes them first\n',
    });
    expect((await ok(['rb', '--force', 'stow://scratch'])).stdout).toBe('remove_bucket: stow://scratch\n');
    expect((await json<{ name: string }[]>(['ls'])).map((b) => b.name)).toEqual(['photos']);
    expect(await run(['rb', 'stow://scratch'])).toMatchObject({ code: 1, stderr: 'stowage: NoSuchBucket: stow://scratch\n' });
  });

  it('stat of a bucket says when it was made', async () => {
    const info = await json<{ location: string; createdAt?: string }>(['stat', 'stow://photos']);
    expect(info.location).toBe('stow://photos');
    expect(Date.parse(info.createdAt ?? '')).toBeGreaterThan(Date.now() - 3_600_000);
  });

  it('presign gives a working URL where the store can, NotSupported where it cannot', async () => {
    const r = await run(['presign', '--expires-in', '300', 'stow://photos/cats/cat.txt']);
    if (target.name === 'local') {
      expect(r).toMatchObject({ code: 1, stdout: '' });
      expect(r.stderr).toBe('stowage: NotSupported: stow://photos/cats/cat.txt: the local store cannot presign URLs; use an s3:// store\n');
      return;
    }
    expect(r.code).toBe(0);
    const url = r.stdout.trim();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/photos\/cats\/cat\.txt\?.*X-Amz-Signature=/);
    expect(await (await fetch(url)).text()).toBe('A cat, in plain text.\n');
  });
});
