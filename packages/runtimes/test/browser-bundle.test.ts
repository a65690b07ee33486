// Measures (does not fix) what keeps the built packages out of a browser: esbuild bundles core +
// memory and core + s3 with `--platform=browser --bundle --minify` and lists every Node built-in
// it cannot resolve, with the source file and line that imports it (through the dist's source
// map). The list is in docs/runtimes.md; this test fails when a NEW blocker appears, and says
// which documented ones are gone (so the doc can be updated).
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { SourceMap } from 'node:module';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { NODE_BUILTINS, OUT_DIR, PACKAGE_DIR } from './harness.ts';

const REPO = join(PACKAGE_DIR, '..', '..');

/** The two bundles issue 17 names, as a browser app would import them. */
const BUNDLES = {
  'core+memory': "export * from '@stowage/core'; export { MemoryStorage } from '@stowage/memory';",
  'core+s3': "export * from '@stowage/core'; export { S3Storage } from '@stowage/s3';",
} as const;

/** One Node built-in a browser bundle cannot resolve, and who imports it. */
export interface Blocker {
  /** The built-in, as imported. */
  module: string;
  /** The importing file (a package's source file, through its dist's source map; else the file itself) and line. */
  importer: string;
}

/** What was measured on 2026-12-02 (docs/runtimes.md); each bundle's blockers must be among these. Each dist imports a built-in once, so a line names the first source file that imports it (docs/runtimes.md lists them all). */
export const DOCUMENTED_BLOCKERS: Record<keyof typeof BUNDLES, readonly Blocker[]> = {
  'core+memory': [
    { module: 'path', importer: 'node_modules/mime-types@3.0.2/index.js:16' },
    { module: 'stream', importer: 'packages/core/src/body.ts:1' },
    { module: 'fs', importer: 'packages/core/src/upload-file.ts:1' },
    { module: 'fs/promises', importer: 'packages/core/src/upload-file.ts:2' },
    { module: 'events', importer: 'packages/core/src/download-file.ts:1' },
    { module: 'path', importer: 'packages/core/src/download-file.ts:3' },
    { module: 'crypto', importer: 'packages/core/src/download-file.ts:59' },
    { module: 'crypto', importer: 'packages/memory/src/digests.ts:1' },
    { module: 'stream', importer: 'packages/memory/src/read.ts:1' },
  ],
  'core+s3': [
    { module: 'path', importer: 'node_modules/mime-types@3.0.2/index.js:16' },
    { module: 'stream', importer: 'packages/core/src/body.ts:1' },
    { module: 'fs', importer: 'packages/core/src/upload-file.ts:1' },
    { module: 'fs/promises', importer: 'packages/core/src/upload-file.ts:2' },
    { module: 'events', importer: 'packages/core/src/download-file.ts:1' },
    { module: 'path', importer: 'packages/core/src/download-file.ts:3' },
    { module: 'crypto', importer: 'packages/core/src/download-file.ts:59' },
    { module: 'http', importer: 'packages/s3/src/config.ts:1' },
    { module: 'https', importer: 'packages/s3/src/config.ts:2' },
    { module: 'stream', importer: 'packages/s3/src/get.ts:1' },
    { module: 'crypto', importer: 'packages/s3/src/integrity.ts:1' },
    { module: 'events', importer: 'packages/s3/src/upload.ts:1' },
  ],
};

const maps = new Map<string, SourceMap>();

/** `file:line` of the source a dist line came from (the dist's own when it has no map). */
async function original(file: string, line: number, column: number): Promise<string> {
  const absolute = join(PACKAGE_DIR, file);
  const pnpm = /node_modules\/\.pnpm\/([^/]+)\/node_modules\/(?:@[^/]+\/)?[^/]+\/(.*)$/.exec(absolute);
  if (pnpm) return `node_modules/${pnpm[1]}/${pnpm[2]}:${line}`;
  let map = maps.get(absolute);
  if (!map) {
    try {
      map = new SourceMap(JSON.parse(await readFile(`${absolute}.map`, 'utf8')));
      maps.set(absolute, map);
    } catch {
      return `${relative(REPO, absolute)}:${line}`;
    }
  }
  const entry = map.findEntry(line - 1, column) as { originalSource?: string; originalLine?: number };
  if (!entry.originalSource || entry.originalLine === undefined) return `${relative(REPO, absolute)}:${line}`;
  const source = entry.originalSource.startsWith('file://')
    ? new URL(entry.originalSource).pathname
    : join(absolute, '..', entry.originalSource);
  return `${relative(REPO, source)}:${entry.originalLine + 1}`;
}

async function measure(name: keyof typeof BUNDLES): Promise<{ blockers: Blocker[]; minified?: number; gzipped?: number }> {
  const esbuild = await import('esbuild');
  const common = {
    stdin: { contents: BUNDLES[name], resolveDir: PACKAGE_DIR, sourcefile: `${name}.js` },
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
    logLimit: 0,
    absWorkingDir: PACKAGE_DIR,
  } as const;
  const blockers: Blocker[] = [];
  try {
    await esbuild.build(common);
  } catch (error) {
    for (const e of (error as { errors: import('esbuild').Message[] }).errors) {
      const module = /^Could not resolve "([^"]+)"/.exec(e.text)?.[1];
      if (!module || !e.location) throw error;
      blockers.push({ module, importer: await original(e.location.file, e.location.line, e.location.column) });
    }
  }
  // The size it would have with the built-ins left out (not a browser bundle yet: an indication).
  const external = await esbuild.build({ ...common, external: NODE_BUILTINS });
  const bytes = external.outputFiles[0]?.contents;
  return { blockers, ...(bytes ? { minified: bytes.byteLength, gzipped: gzipSync(bytes).byteLength } : {}) };
}

describe('a browser bundle (esbuild --platform=browser --bundle --minify)', () => {
  it.for(Object.keys(BUNDLES) as (keyof typeof BUNDLES)[])('of %s: its Node built-ins are the documented ones', async (name) => {
    const { blockers, minified, gzipped } = await measure(name);
    await mkdir(OUT_DIR, { recursive: true });
    await writeFile(join(OUT_DIR, `browser-${name}.json`), `${JSON.stringify({ blockers, minified, gzipped }, null, 2)}\n`);
    const key = (b: Blocker) => `${b.module} ← ${b.importer}`;
    const documented = new Set(DOCUMENTED_BLOCKERS[name].map(key));
    const measured = new Set(blockers.map(key));
    const gone = [...documented].filter((k) => !measured.has(k));
    console.log(
      `${name}: ${blockers.length} Node built-in imports block it; with them left out it is ${minified} B minified, ${gzipped} B gzipped` +
        blockers.map((b) => `\n  ${key(b)}`).join('') +
        (gone.length ? `\n  gone since docs/runtimes.md was written (update it): ${gone.join('; ')}` : ''),
    );
    expect([...measured].filter((k) => !documented.has(k))).toEqual([]);
  });
});
