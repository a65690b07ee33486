// The browser bundles issue 17 names, as a web app's bundler makes them: esbuild bundles core +
// memory and core + s3 with `--platform=browser --bundle --minify` (the `browser` condition: the
// packages' web builds, the AWS SDK's browser files). Each must build with nothing unresolved (a
// Node built-in it cannot find is named with the source file and line that imports it, through the
// dist's source map) and stay within its size budget, gzipped (docs/runtimes.md has the numbers).
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { SourceMap } from 'node:module';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { OUT_DIR, PACKAGE_DIR } from './harness.ts';

const REPO = join(PACKAGE_DIR, '..', '..');

/** The two bundles issue 17 names, as a browser app would import them. */
const BUNDLES = {
  'core+memory': "export * from '@stowage/core'; export { MemoryStorage } from '@stowage/memory';",
  'core+s3': "export * from '@stowage/core'; export { S3Storage } from '@stowage/s3';",
} as const;

/** Each bundle's budget, gzipped bytes: what it measured on 2026-12-03 with 8–17 % room (docs/runtimes.md). */
export const GZIP_BUDGET: Record<keyof typeof BUNDLES, number> = {
  'core+memory': 24 * 1024,
  'core+s3': 140 * 1024,
};

/** An import a browser bundle cannot resolve, and who imports it. */
interface Blocker {
  /** The module, as imported. */
  module: string;
  /** The importing file (a package's source file, through its dist's source map; else the file itself) and line. */
  importer: string;
}

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
  try {
    const built = await esbuild.build({
      stdin: { contents: BUNDLES[name], resolveDir: PACKAGE_DIR, sourcefile: `${name}.js` },
      bundle: true,
      minify: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
      logLimit: 0,
      absWorkingDir: PACKAGE_DIR,
    });
    const bytes = built.outputFiles[0]?.contents ?? new Uint8Array(0);
    return { blockers: [], minified: bytes.byteLength, gzipped: gzipSync(bytes).byteLength };
  } catch (error) {
    const blockers: Blocker[] = [];
    for (const e of (error as { errors: import('esbuild').Message[] }).errors) {
      const module = /^Could not resolve "([^"]+)"/.exec(e.text)?.[1];
      if (!module || !e.location) throw error;
      blockers.push({ module, importer: await original(e.location.file, e.location.line, e.location.column) });
    }
    return { blockers };
  }
}

describe('a browser bundle (esbuild --platform=browser --bundle --minify)', () => {
  it.for(Object.keys(BUNDLES) as (keyof typeof BUNDLES)[])('of %s: builds with no Node built-in, within its budget', async (name) => {
    const { blockers, minified, gzipped } = await measure(name);
    await mkdir(OUT_DIR, { recursive: true });
    await writeFile(join(OUT_DIR, `browser-${name}.json`), `${JSON.stringify({ blockers, minified, gzipped }, null, 2)}\n`);
    console.log(
      blockers.length
        ? `${name}: ${blockers.length} imports cannot be resolved${blockers.map((b) => `\n  ${b.module} ← ${b.importer}`).join('')}`
        : `${name}: ${minified} B minified, ${gzipped} B gzipped (budget ${GZIP_BUDGET[name]} B)`,
    );
    expect(blockers.map((b) => `${b.module} ← ${b.importer}`)).toEqual([]);
    expect(gzipped).toBeLessThanOrEqual(GZIP_BUDGET[name]);
  });
});
