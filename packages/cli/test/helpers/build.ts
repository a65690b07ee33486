import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
// Every package the binary is made of: a change in any of them makes a new build.
const SOURCES = ['cli', 'core', 'layers', 'local', 'memory', 's3', 'stowage', 'progress'].map((p) => join(repo, 'packages', p, 'src'));

async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const dir of SOURCES) {
    const files = (await readdir(dir, { recursive: true }))
      .map(String)
      .filter((f) => f.endsWith('.ts'))
      .sort();
    for (const file of files) hash.update(file).update(await readFile(join(dir, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

let built: Promise<string> | undefined;

/**
 * The `stowage` binary as users run it: `src/bin.ts` bundled by tsup (esbuild) into one JS file,
 * the workspace packages taken from their `src/` (through the root tsconfig's paths) so no prior
 * `pnpm build` is needed, and npm dependencies inlined too so the file runs from a temporary
 * folder. Built once per source state and shared by the test files (renamed into place, so two
 * files building at once do not collide).
 */
export function buildCli(): Promise<string> {
  built ??= (async () => {
    const target = join(tmpdir(), `stowage-cli-test-${await sourceHash()}`);
    const bin = join(target, 'bin.mjs');
    if (existsSync(bin)) return bin;
    const { build } = await import('tsup');
    const work = await mkdtemp(join(tmpdir(), 'stowage-cli-build-'));
    await build({
      entry: { bin: join(repo, 'packages/cli/src/bin.ts') },
      outDir: work,
      format: ['esm'],
      outExtension: () => ({ js: '.mjs' }),
      platform: 'node',
      target: 'node20',
      tsconfig: join(repo, 'tsconfig.json'),
      noExternal: [/.*/],
      // CommonJS dependencies (the AWS SDK's) call require() for Node's modules: give them one.
      banner: { js: "import { createRequire as __stowageRequire } from 'node:module'; const require = __stowageRequire(import.meta.url);" },
      config: false,
      dts: false,
      sourcemap: false,
      splitting: true, // `stowage` is imported lazily: a chunk of its own, loaded when a store opens
      silent: true,
    });
    try {
      await rename(work, target);
    } catch {
      await rm(work, { recursive: true, force: true }); // another test file got there first
    }
    return bin;
  })();
  return built;
}
