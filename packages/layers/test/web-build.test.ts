// The web build (dist/web, the browser/worker/workerd conditions) imports no Node built-in: a
// browser bundle of the layers and memory builds with nothing unresolved, and runs a workload in a
// Node process with no Buffer (helpers/web-workload.mjs), where a Node stream is `NotSupported` and
// the layers that change bodies (faults, prefixed) work on web streams. It tests the built dist,
// so it is skipped until `pnpm --filter @stowage/core --filter @stowage/memory --filter @stowage/layers run build`.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const workload = fileURLToPath(new URL('helpers/web-workload.mjs', import.meta.url));
const webBuilds = ['layers', 'memory', 'core'].map((name) => join(packageDir, '..', name, 'dist', 'web', 'index.js'));
const built = webBuilds.every((file) => existsSync(file));

/** The part of esbuild's API this check calls (its types are not a dependency of this package). */
interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ metafile: { inputs: Record<string, unknown> } }>;
}

/** The esbuild the repository's builds use (tsup's), so the check needs no dependency of its own. */
async function loadEsbuild(): Promise<Esbuild> {
  const tsup = createRequire(import.meta.url).resolve('tsup');
  return import(createRequire(tsup).resolve('esbuild'));
}

describe.skipIf(!built)('the web build (skipped: build core, memory and layers first, their dist/web is missing)', () => {
  it('bundles for the browser with no Node built-in, and runs with no Buffer', { timeout: 60_000 }, async () => {
    const esbuild = await loadEsbuild();
    const dir = await mkdtemp(join(tmpdir(), 'layers-web-'));
    try {
      const outfile = join(dir, 'bundle.mjs');
      // No externals but the optional peer: a Node built-in anywhere would fail the build as unresolved.
      const result = await esbuild.build({
        stdin: {
          contents: "export * from '@stowage/layers'; export { MemoryStorage } from '@stowage/memory';",
          resolveDir: packageDir,
          sourcefile: 'entry.js',
        },
        bundle: true,
        platform: 'browser',
        format: 'esm',
        conditions: ['browser'],
        external: ['@opentelemetry/api'],
        absWorkingDir: packageDir,
        outfile,
        metafile: true,
        logLevel: 'silent',
      });
      const inputs = Object.keys(result.metafile.inputs);
      expect(inputs.filter((input) => input.startsWith('node:'))).toEqual([]);
      // The web builds were taken, through the browser condition.
      expect(inputs).toEqual(expect.arrayContaining(['dist/web/index.js', '../memory/dist/web/index.js', '../core/dist/web/index.js']));

      const { stdout } = await run(process.execPath, [workload, outfile], { timeout: 50_000 });
      expect(JSON.parse(stdout)).toEqual({
        put: 9,
        text: 'hello web',
        bytes: 200_000,
        webStream: 200_000,
        body: 'NotSupported',
        listed: 40,
        stored: ['tenant/k'],
        afterDelete: 'NoSuchKey',
        logged: 48,
        corruptDiffers: 1,
        cut: 'Unavailable big',
        cutBytes: 'Unavailable',
        recovered: 'ok',
        readOnly: 'AccessDenied',
        mountedText: 'only this',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
