// What the built `stowage` binary loads: --help nothing of the library, a local store neither the
// memory driver nor the AWS SDK (start-up time is the point, see docs/benchmarks.md "CLI start-up").
// Module loading is only real on the build, so this runs node on dist/; .ci/run builds first.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

// A resolve hook records every module URL the ES module loader resolves; at exit, CommonJS's
// require.cache adds what was required underneath. The binary is imported after the hook is on.
const HOOKS = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.START_TRACE, result.url + '\\n');
  return result;
}`;

const CHILD = `
import { createRequire, register } from 'node:module';
import { appendFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
register('data:text/javascript,' + encodeURIComponent(process.env.START_HOOKS));
process.on('exit', () => appendFileSync(process.env.START_TRACE, Object.keys(createRequire(import.meta.url).cache).join('\\n') + '\\n'));
await import(pathToFileURL(process.argv[1]).href);
`;

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'stowage-start-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Runs the binary with `args` in the work folder; what it printed and every module it loaded. */
async function loaded(...args: string[]): Promise<{ stdout: string; modules: string[] }> {
  const trace = join(work, `trace-${Math.random().toString(36).slice(2)}.txt`);
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '--no-warnings', '-e', CHILD, '--', bin, ...args],
    {
      cwd: work,
      env: { ...process.env, START_HOOKS: HOOKS, START_TRACE: trace },
    },
  );
  return { stdout, modules: (await readFile(trace, 'utf8')).split('\n').filter((m) => m !== '') };
}

const matching = (modules: string[], pattern: RegExp) => modules.filter((m) => pattern.test(m));

describe('the built binary loads what a command needs', () => {
  it('dist/bin.js is built (.ci/run builds before the tests)', () => {
    expect(existsSync(bin), `${bin} is missing: run pnpm build first`).toBe(true);
  });

  it('--help loads no stowage package but the progress formatter, and no driver', async () => {
    const { stdout, modules } = await loaded('--help');
    expect(stdout).toContain('Usage: stowage');
    expect(matching(modules, /(@stowage\/|packages\/)(core|local|memory|s3)\/|@aws-sdk|mime-types|hash-wasm/)).toEqual([]);
  });

  it('ls on a local store loads the local driver only: no memory driver, no AWS SDK, no memfs, no layers, no digest, no node:crypto', async () => {
    const store = pathToFileURL(join(work, 'store')).href;
    await loaded('--store', store, 'mb', 'stow://photos');
    const { stdout, modules } = await loaded('--store', store, 'ls');
    expect(stdout).toContain('photos');
    expect(matching(modules, /(@stowage\/|packages\/)local\//).length).toBeGreaterThan(0);
    expect(matching(modules, /(@stowage\/|packages\/)(memory|s3)\/|@aws-sdk|sorted-btree|\/memfs\//)).toEqual([]);
    // Loaded on first use: the layers when a flag or URL asks for one, hash-wasm and node:crypto
    // with the first write, mime-types with the first content-type guess.
    expect(matching(modules, /(@stowage\/|packages\/)layers\/|hash-wasm|mime-types|^node:crypto$/)).toEqual([]);
  });
});
