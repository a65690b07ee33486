import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStorage } from '../src/index.js';

// Conditional writes from several processes sharing one root: each round, every process makes the
// same conditional put of one key at once, and exactly one may win.

const PROCESSES = 8;
const ROUNDS = 100;

interface Answer {
  won: boolean;
  body?: string;
  code?: string;
}

let base: string;
let root: string;
let children: ChildProcess[] = [];

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'stowage-race-'));
  root = path.join(base, 'store');
  await new LocalStorage({ root }).createBucket('race');
  const script = path.join(base, 'race-child.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./fixtures/race-child.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: script,
    alias: { '@stowage/core': fileURLToPath(new URL('../../core/src/index.ts', import.meta.url)) },
    logLevel: 'error',
  });
  children = await Promise.all(
    Array.from(
      { length: PROCESSES },
      (_, id) =>
        new Promise<ChildProcess>((resolve, reject) => {
          const child = fork(script, [root, String(id)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
          child.once('error', reject);
          child.once('message', () => resolve(child));
        }),
    ),
  );
}, 60_000);
afterAll(async () => {
  for (const child of children) child.kill();
  await rm(base, { recursive: true, force: true });
});

/** Sends one round to every process at once and collects their answers. */
function race(message: { round: number; key: string; ifMatch?: string }): Promise<Answer[]> {
  return Promise.all(
    children.map(
      (child) =>
        new Promise<Answer>((resolve) => {
          child.once('message', (answer: Answer) => resolve(answer));
          child.send(message);
        }),
    ),
  );
}

function expectOneWinner(answers: Answer[], round: number): Answer {
  const winners = answers.filter((answer) => answer.won);
  expect(winners, `round ${round}: ${JSON.stringify(answers)}`).toHaveLength(1);
  for (const answer of answers) if (!answer.won) expect(answer.code).toBe('PreconditionFailed');
  return winners[0] as Answer;
}

describe(`conditional writes across ${PROCESSES} processes sharing a root`, () => {
  it(`ifMatch: exactly one winner per round, over ${ROUNDS} rounds, and the key holds its body`, async () => {
    const storage = new LocalStorage({ root });
    for (let round = 1; round <= ROUNDS; round++) {
      const { etag } = await storage.putObject('race', 'cas', `base of round ${round}`);
      const winner = expectOneWinner(await race({ round, key: 'cas', ifMatch: etag }), round);
      expect(await (await storage.getObject('race', 'cas')).text()).toBe(winner.body);
    }
  }, 300_000);

  it(`ifNoneMatch "*": exactly one winner per round, over ${ROUNDS} rounds, and the key holds its body`, async () => {
    const storage = new LocalStorage({ root });
    for (let round = 1; round <= ROUNDS; round++) {
      const key = `create-${round % 10}`;
      await storage.deleteObject('race', key);
      const winner = expectOneWinner(await race({ round, key }), round);
      expect(await (await storage.getObject('race', key)).text()).toBe(winner.body);
    }
    expect((await readdir(path.join(root, '.stowage', 'locks'))).filter((name) => name.endsWith('.lock'))).toEqual([]);
  }, 300_000);
});
