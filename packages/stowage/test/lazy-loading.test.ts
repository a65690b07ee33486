import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// Module loading is only real on the build (vitest runs the sources through its own loader), so
// this test runs node on dist/; .ci/run builds before it tests.
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const entry = join(dist, 'index.js');
const s3Entry = join(dist, 's3.js');

// Records every module URL the ES module loader resolves (a resolve hook, in the hooks' thread) and,
// at the end, every file CommonJS loaded (require.cache): the AWS SDK and memfs are CommonJS
// underneath, so between the two nothing loaded escapes.
const HOOKS = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.LAZY_TRACE, result.url + '\\n');
  return result;
}`;

const CHILD = `
import { createRequire, register } from 'node:module';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
register('data:text/javascript,' + encodeURIComponent(process.env.LAZY_HOOKS));
const [entry, root] = process.argv.slice(1);
const stowage = await import(pathToFileURL(entry).href);
const read = async (storage) => {
  await storage.createBucket('photos');
  await storage.putObject('photos', 'k', 'value');
  return (await storage.getObject('photos', 'k')).text();
};
const got = [await read(await stowage.openStorage('memory://')), await read(await stowage.openStorage(pathToFileURL(root).href))];
if (process.env.LAZY_S3 === '1') await import(pathToFileURL(process.env.LAZY_S3_ENTRY).href);
const loaded = [...readFileSync(process.env.LAZY_TRACE, 'utf8').split('\\n'), ...Object.keys(createRequire(import.meta.url).cache)];
process.stdout.write(JSON.stringify({ got, loaded: loaded.filter((m) => m !== '') }));
`;

const FORBIDDEN = ['@aws-sdk', '/memfs/'];

async function loadedModules(options: { s3: boolean }): Promise<{ got: string[]; loaded: string[] }> {
  const work = await mkdtemp(join(tmpdir(), 'stowage-lazy-'));
  try {
    const trace = join(work, 'trace.txt');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '--no-warnings', '-e', CHILD, entry, join(work, 'store')],
      { env: { ...process.env, LAZY_HOOKS: HOOKS, LAZY_TRACE: trace, LAZY_S3: options.s3 ? '1' : '0', LAZY_S3_ENTRY: s3Entry } },
    );
    return JSON.parse(stdout) as { got: string[]; loaded: string[] };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

describe('stowage loads a driver only when its scheme is used (built package)', () => {
  it('dist/ is built (.ci/run builds before the tests)', () => {
    expect(existsSync(entry), `${entry} is missing: run pnpm build first`).toBe(true);
  });

  it('memory:// and file:// load neither the AWS SDK nor memfs', async () => {
    const { got, loaded } = await loadedModules({ s3: false });
    expect(got).toEqual(['value', 'value']);
    // The stores did load their drivers: the trace is not empty by accident.
    expect(loaded.some((m) => m.includes('/local/dist/') || m.includes('@stowage/local'))).toBe(true);
    expect(loaded.filter((m) => FORBIDDEN.some((f) => m.includes(f)))).toEqual([]);
  });

  it('the trace does see the AWS SDK once stowage/s3 is imported', async () => {
    const { loaded } = await loadedModules({ s3: true });
    expect(loaded.some((m) => m.includes('@aws-sdk'))).toBe(true);
  });
});
