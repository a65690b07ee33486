// The local driver on the real disk in Bun and Deno (Node runs @stowage/local's own tests): a
// round trip of every kind of call, in both `io` modes, in a folder of the run's own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SUMMARY_MARKER } from '../src/runner.ts';
import { type Found, bunBinary, denoBinary, killChildren, run } from './harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'stowage-runtimes-local-'));
afterAll(() => {
  killChildren();
  rmSync(dir, { recursive: true, force: true });
});

const runtimes: [string, Found, (folder: string) => string[]][] = [
  ['Bun', bunBinary(), (folder) => ['src/local-disk.ts', folder]],
  // Files only in the run's folder (a conditional write's lock then names its holder by pid alone).
  [
    'Deno',
    denoBinary(),
    (folder) => ['run', '--no-prompt', '--no-lock', `--allow-read=${folder}`, `--allow-write=${folder}`, 'src/local-disk.ts', folder],
  ],
];

describe('LocalStorage on the disk', () => {
  it.for(runtimes)('works in %s with io sync and thread-pool', { timeout: 60_000 }, async ([name, found, argsFor], context) => {
    if ('skip' in found) return context.skip(found.skip);
    const folder = join(dir, name.toLowerCase());
    const result = await run(found.path, argsFor(folder), 50_000);
    const line = result.stdout.split('\n').find((l) => l.startsWith(SUMMARY_MARKER));
    expect(line, `${name} printed no summary: ${result.stderr}`).toBeDefined();
    expect(JSON.parse((line as string).slice(SUMMARY_MARKER.length))).toEqual({ sync: [], 'thread-pool': [] });
  });
});
