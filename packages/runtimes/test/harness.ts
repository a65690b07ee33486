/**
 * What the runtime tests share: finding each runtime's binary in its npm package, running the
 * smoke suite in it, bundling it for Node and workerd, and checking the summary it prints.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire, builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { S3rver } from '@stowage/testing';
import { S3RVER_PROFILE } from '@stowage/testing';
import { expect } from 'vitest';
import { SUMMARY_MARKER, type Summary } from '../src/runner.ts';
import type { SmokeConfig } from '../src/smoke.ts';
import { type DriverName, type RuntimeName, expectedSkipsFor, knownFailuresFor } from './known-failures.ts';

/** packages/runtimes, where the runtimes run (its node_modules link the built packages). */
export const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
/** Bundles and results, ignored by git. */
export const OUT_DIR = join(PACKAGE_DIR, '.out');

const require = createRequire(import.meta.url);

/** A binary to run, or why there is none here. */
export type Found = { path: string; version?: string } | { skip: string };

/**
 * The binary of an npm package that ships it in per-platform optional dependencies (`bun`,
 * `deno`), found directly, so the package's postinstall (which only copies it) need not run.
 */
function platformBinary(pkg: string, platforms: Record<string, [string, string] | undefined>): Found {
  const key = `${process.platform}-${process.arch}`;
  const entry = platforms[key];
  if (!entry) return { skip: `${pkg} ships no binary for ${key} that this test knows` };
  const [platformPkg, file] = entry;
  try {
    const from = createRequire(require.resolve(`${pkg}/package.json`));
    const dir = dirname(from.resolve(`${platformPkg}/package.json`));
    const version = (from(`${platformPkg}/package.json`) as { version: string }).version;
    return { path: join(dir, file), version };
  } catch (error) {
    return { skip: `${pkg}'s binary package ${platformPkg} is not installed (${(error as Error).message.split('\n')[0]})` };
  }
}

/** Bun's binary, from `@oven/bun-<platform>` (an optional dependency of the `bun` package). */
export function bunBinary(): Found {
  return platformBinary('bun', {
    'linux-x64': ['@oven/bun-linux-x64', 'bin/bun'],
    'linux-arm64': ['@oven/bun-linux-aarch64', 'bin/bun'],
    'darwin-x64': ['@oven/bun-darwin-x64', 'bin/bun'],
    'darwin-arm64': ['@oven/bun-darwin-aarch64', 'bin/bun'],
  });
}

/** Deno's binary, from `@deno/<platform>` (an optional dependency of the `deno` package). */
export function denoBinary(): Found {
  return platformBinary('deno', {
    'linux-x64': ['@deno/linux-x64-glibc', 'deno'],
    'linux-arm64': ['@deno/linux-arm64-glibc', 'deno'],
    'darwin-x64': ['@deno/darwin-x64', 'deno'],
    'darwin-arm64': ['@deno/darwin-arm64', 'deno'],
  });
}

const children = new Set<ChildProcess>();

/** Kills (SIGKILL, by PID) every process {@link run} started that is still running; for afterAll. */
export function killChildren(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  }
  children.clear();
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command in packages/runtimes to its end (SIGKILL after `timeoutMs`). */
export function run(command: string, args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: PACKAGE_DIR, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
    const timer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      children.delete(child);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The summary a runtime printed after {@link SUMMARY_MARKER}; fails with what it printed when there is none. */
export function parseSummary(result: RunResult, what: string): Summary {
  const line = result.stdout.split('\n').find((l) => l.startsWith(SUMMARY_MARKER));
  if (!line) {
    throw new Error(
      `${what} printed no summary (exit ${result.code ?? result.signal}):\n--- stdout\n${result.stdout.slice(-4000)}\n--- stderr\n${result.stderr.slice(-4000)}`,
    );
  }
  return JSON.parse(line.slice(SUMMARY_MARKER.length)) as Summary;
}

/** A fresh run id: names the run's buckets, so runs sharing one s3rver never meet. */
/** The runtimes that have a disk (and run the Node build, with its file transfers). */
const DISK_RUNTIMES: ReadonlySet<RuntimeName> = new Set(['node', 'bun', 'deno']);

export function runId(runtime: RuntimeName, driver: DriverName): string {
  return `${runtime}-${driver === 'memory' ? 'mem' : 's3'}-${randomBytes(4).toString('hex')}`;
}

/** The config of a run on memory, or on `server` with what s3rver lacks declared. */
export function smokeConfig(runtime: RuntimeName, driver: DriverName, server?: S3rver): SmokeConfig {
  // Runtimes with a disk get a folder of their own for the file transfers (the suite removes it).
  const fileDir = DISK_RUNTIMES.has(runtime) ? mkdtempSync(join(tmpdir(), `stowage-smoke-${runtime}-`)) : undefined;
  const files = fileDir ? { fileDir } : {};
  if (driver === 'memory') return { driver: 'memory', runId: runId(runtime, driver), ...files };
  if (!server) throw new Error('s3rver did not start');
  return {
    ...files,
    driver: 's3',
    runId: runId(runtime, driver),
    endpoint: server.endpoint,
    credentials: server.credentials,
    capabilities: { ...S3RVER_PROFILE.capabilities },
  };
}

/**
 * Asserts the summary: at least 30 cases, each passed, except the known failures (which must
 * still fail) and the expected skips (whose reason must name the expected capability).
 */
export function expectAllPassed(summary: Summary, runtime: RuntimeName, driver: DriverName): void {
  const known = new Map(knownFailuresFor(runtime, driver).map((k) => [k.case, k.reason]));
  const skips = new Map(expectedSkipsFor(runtime, driver).map((s) => [s.case, s.reasonIncludes]));
  const failures = summary.cases.filter((c) => c.status === 'failed');
  console.log(
    `${summary.runtime} on ${driver}: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped of ${summary.total}` +
      failures.map((c) => `\n  ✗ ${c.name}: ${c.reason}${known.has(c.name) ? ' (known failure)' : ''}`).join('') +
      summary.cases
        .filter((c) => c.status === 'skipped')
        .map((c) => `\n  - ${c.name}: ${c.reason}`)
        .join(''),
  );
  expect(summary.total).toBeGreaterThanOrEqual(30);
  const unexpected = summary.cases.flatMap((c) => {
    if (known.has(c.name))
      return c.status === 'failed' ? [] : [`${c.name}: a known failure that now ${c.status}: remove it from KNOWN_FAILURES`];
    if (c.status === 'skipped') {
      const needs = skips.get(c.name);
      return needs !== undefined && c.reason?.includes(needs) ? [] : [`${c.name}: skipped unexpectedly (${c.reason})`];
    }
    return c.status === 'passed' ? [] : [`${c.name}: ${c.reason}`];
  });
  expect(unexpected).toEqual([]);
  // Every known failure and expected skip names a case that exists.
  const names = new Set(summary.cases.map((c) => c.name));
  expect([...known.keys(), ...skips.keys()].filter((n) => !names.has(n))).toEqual([]);
}

/** Every Node built-in, bare and with `node:`, for esbuild's `external`. */
export const NODE_BUILTINS = [...builtinModules.filter((m) => !m.startsWith('_')), 'node:*'].flatMap((m) =>
  m.startsWith('node:') ? [m] : [m, `node:${m}`],
);

/**
 * The one file swap of the AWS SDK's browser build that workerd cannot take: `@aws-sdk/xml-builder`
 * maps its XML parser to `xml-parser.browser.js`, which needs `DOMParser` (a browser's, not
 * workerd's: every S3 answer then fails with `ReferenceError: DOMParser is not defined`). Its
 * default `xml-parser.js` is plain JavaScript, so the worker bundle takes that one.
 */
export const awsXmlParserWithoutDomParser: import('esbuild').Plugin = {
  name: 'aws-xml-parser-without-domparser',
  setup(build) {
    build.onResolve({ filter: /^\.\/xml-parser(\.js)?$/ }, (args) =>
      /[/\\]@aws-sdk[/\\]xml-builder[/\\]/.test(args.importer) ? { path: join(dirname(args.importer), 'xml-parser.js') } : undefined,
    );
  },
};

/**
 * Bundles an entry of src/ into .out with esbuild, resolving the packages from packages/runtimes'
 * node_modules (their dist). Returns the file and the bundle's inputs, relative to the repository.
 */
export async function bundle(
  entry: string,
  outfile: string,
  options: { target: 'node' | 'workerd' | 'browser' },
): Promise<{ file: string; inputs: string[]; externals: { importer: string; path: string }[] }> {
  const esbuild = await import('esbuild');
  await mkdir(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, outfile);
  const result = await esbuild.build({
    entryPoints: [join(PACKAGE_DIR, 'src', entry)],
    outfile: file,
    bundle: true,
    format: 'esm',
    logLevel: 'silent',
    metafile: true,
    absWorkingDir: PACKAGE_DIR,
    ...(options.target === 'node'
      ? // Node: only the suite is bundled; every package is imported from node_modules as Node resolves it.
        { platform: 'node', packages: 'external' }
      : options.target === 'browser'
        ? // A browser, as a web app's bundler sees it: the `browser` condition and field (the packages'
          // web builds, the AWS SDK's fetch runtime; a bare `buffer` is the npm package the SDK
          // depends on). `node:` built-ins stay out, imported only by the suite's own Node-only
          // case: the test checks that no package imports one.
          {
            platform: 'browser',
            conditions: ['browser'],
            mainFields: ['browser', 'module', 'main'],
            external: ['node:*'],
          }
        : // workerd, as wrangler bundles for it: the browser platform (so the `browser` field's file
          // swaps apply: the AWS SDK's fetch-based runtime config) with the workerd and worker
          // conditions first, Node built-ins left to nodejs_compat. CommonJS code that requires a built-in (mime-types requires `path`) gets a
          // `require` made by node:module's createRequire, which workerd's nodejs_compat provides.
          {
            platform: 'browser',
            conditions: ['workerd', 'worker', 'browser'],
            mainFields: ['browser', 'module', 'main'],
            external: NODE_BUILTINS,
            plugins: [awsXmlParserWithoutDomParser],
            banner: {
              js: "import { createRequire as __smokeCreateRequire } from 'node:module'; const require = __smokeCreateRequire('/');",
            },
          }),
  });
  const repo = join(PACKAGE_DIR, '..', '..');
  const inputs = Object.keys(result.metafile.inputs).map((i) => relative(repo, join(PACKAGE_DIR, i)));
  const externals = Object.entries(result.metafile.inputs).flatMap(([input, { imports }]) =>
    imports.filter((i) => i.external).map((i) => ({ importer: relative(repo, join(PACKAGE_DIR, input)), path: i.path })),
  );
  return { file, inputs, externals };
}

/** The inputs of a bundle that come from a package's sources instead of its dist (the suite's own aside). */
export function sourceInputs(inputs: string[]): string[] {
  return inputs.filter((i) => /^packages\/[^/]+\/src\//.test(i) && !i.startsWith('packages/runtimes/'));
}

/** Debian's Chromium (`apt-get install chromium`): the only browser the tests use; none is downloaded. */
export const CHROMIUM = '/usr/bin/chromium';

/** Why the browser tests cannot run here, or `undefined`. */
export const chromiumSkip = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing (install Debian's chromium package)`;

/** Headless Chromium through playwright-core, with a fresh profile of its own (removed when it closes). */
export async function launchChromium(): Promise<import('playwright-core').Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
