import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from './helpers/build.js';
import { runCli } from './helpers/cli.js';

// --retries, --timeout and --debug go through @stowage/layers, as a library user would stack them.
describe('the layer flags', { timeout: 120_000 }, () => {
  let cwd: string;
  let store: string;
  beforeAll(async () => {
    await buildCli();
    cwd = await mkdtemp(join(tmpdir(), 'stowage-cli-layers-'));
    store = pathToFileURL(join(cwd, 'store')).href;
    await writeFile(join(cwd, 'f.txt'), 'hello\n');
    expect((await runCli(['--store', store, 'mb', 'stow://b1b'], { cwd })).code).toBe(0);
  });
  afterAll(() => rm(cwd, { recursive: true, force: true }));

  it('--debug prints one line per storage call on stderr, with its outcome', async () => {
    const r = await runCli(['--store', store, '--debug', '--retries', '2', '--timeout', '30s', 'cp', 'f.txt', 'stow://b1b/f.txt'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^debug: putObject b1b\/f\.txt ok \d+\.\d ms$/m);
    const missing = await runCli(['--store', store, '--debug', 'stat', 'stow://b1b/missing.txt'], { cwd });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/^debug: headObject b1b\/missing\.txt NoSuchKey /m);
  });

  it('--timeout and --retries take only well-formed values (usage error, exit 2)', async () => {
    for (const args of [
      ['--timeout', '30'],
      ['--timeout', '0s'],
      ['--retries', 'lots'],
    ]) {
      const r = await runCli(['--store', store, ...args, 'ls', 'stow://b1b'], { cwd });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(args[0]);
    }
  });

  it('--timeout ends a call that takes longer with Timeout', async () => {
    // A one-millisecond deadline for each call: the listing cannot finish in time.
    const r = await runCli(['--store', store, '--timeout', '0.001s', 'ls', 'stow://b1b'], { cwd });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Timeout|did not finish within/);
  });
});
