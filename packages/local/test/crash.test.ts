import { spawn } from 'node:child_process';
import fsPromises, { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStorage } from '@stowage/local';
import { versionBody } from './fixtures/crash-body.js';
import { recordFiles } from './fixtures/store-files.js';

const KILLS = 200;

let root: string;
let writer: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'stowage-crash-'));
  await new LocalStorage({ root: path.join(root, 'store') }).createBucket('crash');
  // One bundled file, so each of the many writer processes starts in milliseconds, from src/.
  writer = path.join(root, 'crash-writer.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: writer,
    alias: { '@stowage/core': fileURLToPath(new URL('../../core/src/index.ts', import.meta.url)) },
    logLevel: 'error',
  });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Starts the writer, waits until it is busy, then kills it with SIGKILL after a random delay. */
function runAndKill(round: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, path.join(root, 'store'), String(round)], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.once('error', reject);
    child.stdout.once('data', () => {
      setTimeout(() => child.kill('SIGKILL'), Math.random() * 40);
    });
    child.once('exit', (_code, signal) =>
      signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited without being killed (${signal})`)),
    );
  });
}

describe('LocalStorage after a writer is killed with SIGKILL', () => {
  it(`never shows a torn object, mismatched metadata, a temporary file or an orphaned record (${KILLS} kills)`, async () => {
    for (let round = 1; round <= KILLS; round++) {
      await runAndKill(round);
      const storage = new LocalStorage({ root: path.join(root, 'store') }); // the next open: recovers
      let objects = 0;
      for await (const entry of storage.listObjects('crash')) {
        objects++;
        expect(entry.type).toBe('object');
        if (entry.type !== 'object') continue;
        expect(entry.key).toMatch(/^k[0-3]$/);
        const got = await storage.getObject('crash', entry.key);
        const version = Number(got.info.metadata.v);
        expect(Number.isInteger(version)).toBe(true);
        expect(Buffer.from(await got.bytes()).equals(versionBody(version))).toBe(true);
      }
      expect(await readdir(path.join(root, 'store', '.stowage', 'tmp'))).toEqual([]);
      // One record per object: none orphaned by a kill between an overwrite or delete and its record's removal.
      expect(await recordFiles(fsPromises, path.join(root, 'store'), 'crash')).toHaveLength(objects);
    }
  }, 300_000);
});
