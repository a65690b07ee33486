// @opentelemetry/api is an optional peer dependency: `import '@stowage/layers'` must load without
// it, and `tracing()` must then pass calls through. Each check makes the package impossible to
// resolve, so a static import of it anywhere in the module graph of index.ts would fail the load.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';

const run = promisify(execFile);
const repoDir = fileURLToPath(new URL('../../../', import.meta.url));

describe('without @opentelemetry/api', () => {
  it('loads the package in vitest and passes calls through tracing()', async () => {
    vi.resetModules();
    vi.doMock('@opentelemetry/api', () => {
      throw new Error("Cannot find module '@opentelemetry/api'");
    });
    try {
      // The control: the package really cannot be imported now.
      await expect(import('@opentelemetry/api')).rejects.toThrow();
      const { layered, tracing } = await import('../src/index.js');
      const { MemoryStorage } = await import('@stowage/memory');
      const storage = layered(new MemoryStorage(), tracing());
      await storage.createBucket('bkt');
      await storage.putObject('bkt', 'k', 'abc');
      expect(await (await storage.getObject('bkt', 'k')).text()).toBe('abc');
      await expect(storage.headObject('bkt', 'nope')).rejects.toMatchObject({ code: 'NoSuchKey' });
      let n = 0;
      for await (const _ of storage.listObjects('bkt')) n++;
      expect(n).toBe(1);
    } finally {
      vi.doUnmock('@opentelemetry/api');
      vi.resetModules();
    }
  });

  it('loads in a plain Node process where the package cannot be resolved', { timeout: 60_000 }, async () => {
    // A resolve hook that refuses @opentelemetry/api, as if it were not installed.
    const refuse = `data:text/javascript,${encodeURIComponent(
      `export async function resolve(specifier, context, next) {
        if (specifier === '@opentelemetry/api' || specifier.startsWith('@opentelemetry/api/')) {
          throw Object.assign(new Error('Cannot find package @opentelemetry/api'), { code: 'ERR_MODULE_NOT_FOUND' });
        }
        return next(specifier, context);
      }`,
    )}`;
    const script = `
      import { register } from 'node:module';
      register(${JSON.stringify(refuse)});
      let control = 'loaded';
      try { await import('@opentelemetry/api'); } catch { control = 'refused'; }
      const { layered, tracing } = await import('@stowage/layers');
      const { MemoryStorage } = await import('@stowage/memory');
      const storage = layered(new MemoryStorage(), tracing());
      await storage.createBucket('bkt');
      await storage.putObject('bkt', 'k', 'abc');
      const text = await (await storage.getObject('bkt', 'k')).text();
      console.log(JSON.stringify({ control, text }));
    `;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: repoDir,
      env: { ...process.env, TSX_TSCONFIG_PATH: `${repoDir}tsconfig.json` },
    });
    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}')).toEqual({ control: 'refused', text: 'abc' });
  });
});
