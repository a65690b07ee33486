import { spawn } from 'node:child_process';
import fsPromises, { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isStorageError, type Storage } from '@stowage/core';
import { LocalStorage } from '../src/index.js';
import { versionBody } from './fixtures/crash-body.js';
import { BUCKET, SCENARIOS } from './fixtures/kill-point-scenarios.js';
import { deadJournalLines, recordFiles } from './fixtures/store-files.js';

// Each scenario's operation is run in a child process that SIGKILLs itself right after its 1st file
// system call returns, then after its 2nd, and so on until the operation ends before the kill: every
// point between two calls. After each kill the store is opened again (which recovers), and must
// hold the key's old or new state whole, one record file per object with attributes and no other
// (no orphan), no journal line of the killed write, and no temporary; and a conditional write of the key must go through (a lock the dead process held, in
// the conditional scenarios, is taken over), leaving no lock of the dead process behind.

let base: string;
let child: string;

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'stowage-kill-points-'));
  child = path.join(base, 'kill-point-child.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./fixtures/kill-point-child.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: child,
    alias: { '@stowage/core': fileURLToPath(new URL('../../core/src/index.ts', import.meta.url)) },
    logLevel: 'error',
  });
});
afterAll(() => rm(base, { recursive: true, force: true }));

/** Runs the scenario killed after call `killAfter`: the number of calls if it finished first, else `undefined`. */
function runChild(root: string, scenario: string, killAfter: number): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, root, scenario, String(killAfter)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    proc.once('error', reject);
    proc.once('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(undefined);
      else if (code === 0 && /calls:(\d+)/.test(out)) resolve(Number(/calls:(\d+)/.exec(out)?.[1]));
      else reject(new Error(`${scenario} (kill after ${killAfter}) exited with ${code ?? signal}: ${out}`));
    });
  });
}

/** The state of `key`: its version (by its metadata, checked against its bytes), `'marker'` or `'none'`. */
async function stateOf(storage: Storage, key: string): Promise<number | 'marker' | 'none'> {
  try {
    const got = await storage.getObject(BUCKET, key);
    const bytes = Buffer.from(await got.bytes());
    if (key.endsWith('/')) {
      expect(bytes.byteLength).toBe(0);
      return 'marker';
    }
    // A version put with metadata names itself; a plain one is known by its bytes.
    const v = got.info.metadata.v !== undefined ? Number(got.info.metadata.v) : [1, 2, 3].find((n) => bytes.equals(versionBody(n)));
    expect(v !== undefined && bytes.equals(versionBody(v)), `${key} holds the bytes of version ${v}`).toBe(true);
    return v as number;
  } catch (error) {
    if (isStorageError(error, 'NoSuchKey')) return 'none';
    throw error;
  }
}

describe('LocalStorage killed between any two file system calls of a write or delete', () => {
  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    it(`${name}: after reopening, old or new state whole, no orphaned record, no temporary`, async () => {
      let total: number | undefined;
      let deadLocks = 0; // kills that left the dead process holding a lock
      for (let killAfter = 1; total === undefined; killAfter++) {
        const root = path.join(base, `${name.replace(/\W/g, '-')}-${killAfter}`);
        total = await runChild(root, name, killAfter);
        const storage = new LocalStorage({ root }); // the next open: recovers
        const state = await stateOf(storage, scenario.key);
        expect(scenario.outcomes, `killed after call ${killAfter}`).toContain(state);
        let withRecord = 0; // objects put with metadata, and folder markers
        for await (const entry of storage.listObjects(BUCKET)) {
          if (entry.type !== 'object') continue;
          if (entry.key.endsWith('/') || entry.metadata.v !== undefined) withRecord++;
          expect(await stateOf(storage, entry.key)).not.toBe('none');
        }
        const records = await recordFiles(fsPromises, root, BUCKET);
        expect(records, `killed after call ${killAfter}: one record file per object with attributes`).toHaveLength(withRecord);
        // The killed write's journal line was dropped on open (its temporary named the journal); only
        // the line of the version the operation replaced or deleted, if it got that far, is garbage.
        expect(await deadJournalLines(fsPromises, root, BUCKET), `killed after call ${killAfter}`).toHaveLength(
          typeof scenario.outcomes[0] === 'number' && state !== scenario.outcomes[0] ? 1 : 0,
        );
        expect(await readdir(path.join(root, '.stowage', 'tmp'))).toEqual([]);
        const held = await readdir(path.join(root, '.stowage', 'locks'));
        if (held.some((lock) => lock.endsWith('.lock'))) deadLocks++;
        // A conditional write of the key goes through: a lock the killed process held does not block it.
        const current = state === 'none' ? undefined : (await storage.headObject(BUCKET, scenario.key)).etag;
        await storage.putObject(BUCKET, scenario.key, '', current ? { ifMatch: current } : { ifNoneMatch: '*' });
        const locks = await readdir(path.join(root, '.stowage', 'locks'));
        expect(locks.filter((name) => !name.startsWith(`${process.pid}.`))).toEqual([]);
        await rm(root, { recursive: true, force: true });
      }
      expect(total).toBeGreaterThan(1);
      if (name.includes('ifMatch') || name.includes('ifNoneMatch')) expect(deadLocks).toBeGreaterThan(0);
    }, 120_000);
  }
});
