// Locations in several stores in one command: `s3://` (Amazon S3's address, here s3rver through
// --endpoint-url), `stow://` (the session's store), `NAME:` (stores of the config file: a local
// folder, memory, s3rver again with an AWS profile) and local files, copied between any two.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type S3rver, startS3rver } from '@stowage/testing';
import { buildCli } from './helpers/build.js';
import { type CliResult, cleanEnv, finished, runCli } from './helpers/cli.js';

let server: S3rver;
let cwd: string;
let home: string;
let config: string;
let defaultStore: string;
let diskStore: string;
let creds: Record<string, string>;

const BIG = Buffer.alloc(9 * 1024 * 1024 + 7, 0);
for (let i = 0; i < BIG.length; i += 4096) BIG[i] = (i / 4096) & 0xff;

/** Runs the CLI with the session store on a local folder, the config file, and s3rver as `s3://`. */
const run = (args: string[], env: Record<string, string> = creds, endpoint = true): Promise<CliResult> =>
  runCli([...(endpoint ? ['--endpoint-url', server.endpoint] : []), ...args], {
    cwd,
    env: { HOME: home, STOWAGE_STORE: defaultStore, STOWAGE_CONFIG: config, ...env },
  });
const ok = async (args: string[], env?: Record<string, string>): Promise<string[]> => {
  const r = await run(args, env);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout === '' ? [] : r.stdout.trimEnd().split('\n');
};
/** A failure: exit `code`, one line on stderr (plus the --help pointer for usage errors), no stack. */
const fails = async (args: string[], code: 1 | 2, line: RegExp | string, env?: Record<string, string>): Promise<void> => {
  const r = await run(args, env);
  expect(r.code).toBe(code);
  const lines = r.stderr.trimEnd().split('\n');
  if (typeof line === 'string') expect(lines[0]).toBe(line);
  else expect(lines[0]).toMatch(line);
  expect(lines).toHaveLength(code === 2 ? 2 : 1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
};

beforeAll(async () => {
  [server] = await Promise.all([startS3rver(), buildCli()]);
  creds = { AWS_ACCESS_KEY_ID: server.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: server.credentials.secretAccessKey };
  cwd = await mkdtemp(join(tmpdir(), 'stowage-cli-locations-'));
  home = join(cwd, 'home');
  defaultStore = pathToFileURL(join(cwd, 'default-store')).href;
  diskStore = join(cwd, 'disk-store');
  config = join(cwd, 'config.toml');
  await mkdir(join(home, '.aws'), { recursive: true });
  // A profile with s3rver's keys: the CLI finds them through the AWS SDK's chain, as for a real account.
  await writeFile(
    join(home, '.aws', 'credentials'),
    `[s3rver]\naws_access_key_id = ${server.credentials.accessKeyId}\naws_secret_access_key = ${server.credentials.secretAccessKey}\n`,
  );
  await writeFile(
    config,
    [
      '# named stores, as rclone remotes',
      '[stores.disk]',
      `url = "${pathToFileURL(diskStore).href}"`,
      '',
      '[stores.mem]',
      'url = "memory://"',
      '',
      '[stores.rgw]',
      `url = "s3://?endpoint=${encodeURIComponent(server.endpoint)}&region=us-east-1&forcePathStyle=true"`,
      'profile = "s3rver"',
      '',
    ].join('\n'),
  );
  await mkdir(join(cwd, 'tree', 'sub'), { recursive: true });
  await writeFile(join(cwd, 'tree', 'a.txt'), 'aaa\n');
  await writeFile(join(cwd, 'tree', 'sub', 'b.txt'), 'bbbbbb\n');
  await writeFile(join(cwd, 'big.bin'), BIG);
});
afterAll(async () => {
  await server?.stop();
  await rm(cwd, { recursive: true, force: true });
});

describe('s3:// is S3 (here s3rver through --endpoint-url), as aws s3 writes it', () => {
  it('mb, cp, ls, stat, cat and rm on s3:// locations; the session store is never made', async () => {
    expect(await ok(['mb', 's3://photos'])).toEqual(['make_bucket: s3://photos']);
    expect(await ok(['cp', 'tree/a.txt', 's3://photos/cats/a.txt'])).toEqual(['upload: tree/a.txt to s3://photos/cats/a.txt']);
    expect((await ok(['ls', 's3://'])).map((l) => l.split(' ').at(-1))).toEqual(['photos']);
    expect(await ok(['ls', 's3://photos/cats/'])).toEqual([expect.stringMatching(/ 4 B a\.txt$/)]);
    const info = JSON.parse((await ok(['stat', '--json', 's3://photos/cats/a.txt'])).join('\n')) as { location: string; size: number };
    expect(info).toMatchObject({ location: 's3://photos/cats/a.txt', size: 4 });
    expect((await run(['cat', 's3://photos/cats/a.txt'])).stdout).toBe('aaa\n');
    expect(await ok(['presign', 's3://photos/cats/a.txt'])).toEqual([
      expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/photos\/cats\/a\.txt\?/),
    ]);
    expect(existsSync(join(cwd, '.stowage-store'))).toBe(false);
    expect(existsSync(join(cwd, 'default-store'))).toBe(false);
  });

  it('errors name the s3:// location and the code, one line, exit 1; the secret key never shows', async () => {
    await fails(['cat', 's3://photos/missing.txt'], 1, 'stowage: NoSuchKey: s3://photos/missing.txt');
    await fails(['ls', 's3://nobucket/'], 1, 'stowage: NoSuchBucket: s3://nobucket');
    const r = await run(['ls', '--endpoint-url', 'http://127.0.0.1:9', 's3://photos/'], creds, false);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^stowage: Unavailable: s3:\/\/photos: .*\n$/);
    expect(r.stderr).not.toContain(server.credentials.secretAccessKey);
  });

  it('--profile takes the credentials from ~/.aws (the default chain), none in the environment', async () => {
    expect(await ok(['--profile', 's3rver', 'cp', 'tree/sub/b.txt', 's3://photos/b.txt'], {})).toEqual([
      'upload: tree/sub/b.txt to s3://photos/b.txt',
    ]);
    const r = await run(['--profile', 'nobody', 'ls', 's3://photos/'], {});
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^stowage: \w+: /);
  });

  it('a bad --endpoint-url is a usage error naming InvalidArgument, exit 2', async () => {
    await fails(
      ['ls', '--endpoint-url', 'not a url', 's3://photos/'],
      2,
      'stowage: InvalidArgument: --endpoint-url takes a URL such as http://127.0.0.1:9000',
      creds,
    );
    await fails(
      ['ls', '--endpoint-url', 'http://AKIA:sekrit@127.0.0.1:9', 's3://photos/'],
      2,
      'stowage: InvalidArgument: --endpoint-url must not hold credentials: use the AWS environment or --profile',
    );
  });
});

describe('named stores from the config file (NAME:bucket/key)', () => {
  it('a local folder, memory and an S3 server with its own profile', async () => {
    expect(await ok(['mb', 'disk:backup'])).toEqual(['make_bucket: disk:backup']);
    expect(existsSync(join(diskStore, 'backup'))).toBe(true);
    expect(await ok(['cp', 'tree/a.txt', 'disk:backup/a.txt'])).toEqual(['upload: tree/a.txt to disk:backup/a.txt']);
    expect((await run(['cat', 'disk:backup/a.txt'])).stdout).toBe('aaa\n');
    // A memory store lives as long as the command.
    expect(await ok(['mb', 'mem:scratch'])).toEqual(['make_bucket: mem:scratch']);
    expect(await ok(['ls', 'mem:'])).toEqual([]);
    // rgw: s3rver with the profile named in the config; no credentials in the environment.
    expect(await ok(['ls', 'rgw:photos/cats/'], {})).toEqual([expect.stringMatching(/ a\.txt$/)]);
  });

  it('an unknown name, a broken file, a field it does not know: one line naming InvalidArgument, exit 2', async () => {
    await fails(
      ['ls', 'nope:bucket/'],
      2,
      `stowage: InvalidArgument: no store named "nope" in ${config} (a local path with a colon is written ./nope:…)`,
    );
    const broken = join(cwd, 'broken.toml');
    await writeFile(broken, '[stores.xy]\nurl = "file:///tmp/x\n');
    await fails(['ls', 'xy:b/'], 2, `stowage: InvalidArgument: ${broken}: not valid TOML (line 2, column 21)`, { STOWAGE_CONFIG: broken });
    const extra = join(cwd, 'extra.toml');
    await writeFile(extra, '[stores.x1]\nurl = "memory://"\nsecret_access_key = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY"\n');
    const r = await run(['ls', 'x1:'], { STOWAGE_CONFIG: extra });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(
      `stowage: InvalidArgument: ${extra}: [stores.x1] has "secret_access_key"; a store has only url and profile`,
    );
    expect(r.stderr).not.toContain('wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY');
    // A secret in a named store's URL is refused as --store refuses it, without showing it.
    const inUrl = join(cwd, 'in-url.toml');
    await writeFile(inUrl, '[stores.x2]\nurl = "s3://AKIAEXAMPLE:wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY@host"\n');
    const u = await run(['ls', 'x2:'], { STOWAGE_CONFIG: inUrl });
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/^stowage: x2:: /);
    expect(u.stderr).not.toContain('wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY');
  });

  it('./name:thing stays a local path', async () => {
    await writeFile(join(cwd, 'disk:odd.txt'), 'odd\n');
    expect(await ok(['cp', './disk:odd.txt', 'disk:backup/odd.txt'])).toEqual(['upload: ./disk:odd.txt to disk:backup/odd.txt']);
  });
});

describe('copies between any two locations, streamed', () => {
  it('file → named → s3:// → stow:// → file, byte for byte (9 MiB, in parts on S3)', async () => {
    await ok(['mb', 'stow://home']);
    expect(await ok(['cp', 'big.bin', 'disk:backup/big.bin'])).toEqual(['upload: big.bin to disk:backup/big.bin']);
    expect(await ok(['cp', 'disk:backup/big.bin', 's3://photos/big.bin'])).toEqual(['copy: disk:backup/big.bin to s3://photos/big.bin']);
    expect(await ok(['cp', 's3://photos/big.bin', 'stow://home/big.bin'])).toEqual(['copy: s3://photos/big.bin to stow://home/big.bin']);
    expect(await ok(['cp', 'stow://home/big.bin', 'back.bin'])).toEqual(['download: stow://home/big.bin to back.bin']);
    expect((await readFile(join(cwd, 'back.bin'))).equals(BIG)).toBe(true);
  });

  it.runIf(spawnSync('script', ['--version']).status === 0)(
    'on a terminal (script -qfec, util-linux) a copy between stores draws its progress as the bytes stream',
    async () => {
      const bin = await buildCli();
      const line = `"${process.execPath}" "${bin}" --endpoint-url ${server.endpoint} cp disk:backup/big.bin s3://photos/tty.bin`;
      const shown = await finished(
        spawn('script', ['-qfec', line, '/dev/null'], {
          cwd,
          env: cleanEnv({ ...creds, HOME: home, STOWAGE_STORE: defaultStore, STOWAGE_CONFIG: config, COLUMNS: '100' }),
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      );
      expect(shown.code).toBe(0);
      expect(shown.stdout).toMatch(/\rbig\.bin: 100% \|█+\| 9\.00 MiB in \d+:\d\d/);
      expect(shown.stdout).toContain('copy: disk:backup/big.bin to s3://photos/tty.bin');
    },
  );

  it('attributes follow the object across stores, unless replaced', async () => {
    await ok(['cp', '--content-type', 'text/x-a', '--metadata', 'who=ana', 'tree/a.txt', 's3://photos/attrs.txt']);
    await ok(['cp', 's3://photos/attrs.txt', 'disk:backup/attrs.txt']);
    const info = JSON.parse((await ok(['stat', '--json', 'disk:backup/attrs.txt'])).join('\n')) as Record<string, unknown>;
    expect(info).toMatchObject({ contentType: 'text/x-a', metadata: { who: 'ana' }, location: 'disk:backup/attrs.txt' });
    await ok(['cp', '--metadata', 'who=bo', 's3://photos/attrs.txt', 'disk:backup/attrs2.txt']);
    const replaced = JSON.parse((await ok(['stat', '--json', 'disk:backup/attrs2.txt'])).join('\n')) as Record<string, unknown>;
    expect(replaced).toMatchObject({ metadata: { who: 'bo' } });
  });

  it('cp -r, sync (again: nothing) and sync --delete between two stores; mv -r empties the source', async () => {
    await ok(['cp', '-r', 'tree', 'disk:backup/tree/']);
    expect((await ok(['cp', '-r', 'disk:backup/tree/', 's3://photos/tree/'])).sort()).toEqual([
      'copy: disk:backup/tree/a.txt to s3://photos/tree/a.txt',
      'copy: disk:backup/tree/sub/b.txt to s3://photos/tree/sub/b.txt',
    ]);
    expect((await ok(['sync', 's3://photos/tree/', 'stow://home/tree/'])).length).toBe(2);
    expect(await ok(['sync', 's3://photos/tree/', 'stow://home/tree/'])).toEqual([]);
    await ok(['rm', 's3://photos/tree/a.txt']);
    expect(await ok(['sync', '--delete', 's3://photos/tree/', 'stow://home/tree/'])).toEqual(['delete: stow://home/tree/a.txt']);
    expect(await ok(['mv', '-r', 'stow://home/tree/', 'disk:backup/moved/'])).toEqual([
      'move: stow://home/tree/sub/b.txt to disk:backup/moved/sub/b.txt',
    ]);
    expect(await ok(['ls', '-r', 'stow://home/tree/'])).toEqual([]);
    expect((await run(['cat', 'disk:backup/moved/sub/b.txt'])).stdout).toBe('bbbbbb\n');
  });

  it('a failure names the location in its own store', async () => {
    await fails(['cp', 'disk:backup/missing.txt', 's3://photos/x.txt'], 1, 'stowage: NoSuchKey: disk:backup/missing.txt');
    await fails(['cp', 'disk:backup/a.txt', 's3://nobucket/x.txt'], 1, 'stowage: NoSuchBucket: s3://nobucket/x.txt');
  });
});
