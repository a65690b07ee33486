import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStorage } from '@stowage/local';
import { versionBody } from './fixtures/crash-body.js';

const require = createRequire(import.meta.url);
// tsx as a loader inside one node process (its CLI would run the script in a grandchild that SIGKILL misses).
const tsxLoader = pathToFileURL(path.join(path.dirname(require.resolve('tsx/package.json')), 'dist', 'loader.mjs')).href;
const writer = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));
const KILLS = 20;

let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'stowage-crash-'));
  await new LocalStorage({ root }).createBucket('crash');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Starts the writer, waits until it is busy, then kills it with SIGKILL after a random delay. */
function runAndKill(round: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsxLoader, writer, root, String(round)], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.once('error', reject);
    child.stdout.once('data', () => {
      setTimeout(() => child.kill('SIGKILL'), Math.random() * 40);
    });
    child.once('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited without being killed (${signal})`))));
  });
}

describe('LocalStorage after a writer is killed with SIGKILL', () => {
  it(`never shows a torn object, mismatched metadata or a temporary file (${KILLS} kills)`, async () => {
    for (let round = 1; round <= KILLS; round++) {
      await runAndKill(round);
      const storage = new LocalStorage({ root }); // the next open: recovers
      for await (const entry of storage.listObjects('crash')) {
        expect(entry.type).toBe('object');
        if (entry.type !== 'object') continue;
        expect(entry.key).toMatch(/^k[0-3]$/);
        const got = await storage.getObject('crash', entry.key);
        const version = Number(got.info.metadata.v);
        expect(Number.isInteger(version)).toBe(true);
        expect(Buffer.from(await got.bytes()).equals(versionBody(version))).toBe(true);
      }
      expect(await readdir(path.join(root, '.stowage', 'tmp'))).toEqual([]);
    }
  }, 120_000);
});
