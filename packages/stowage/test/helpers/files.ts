import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import type { ProgressEvent } from 'stowage';

export const MiB = 1024 * 1024;

/** A scratch folder on the real disk. */
export async function scratchDir(): Promise<{ dir: string; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'stowage-walk-'));
  return { dir, close: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes `size` random bytes to `path`, one MiB at a time. */
export async function writeRandomFile(path: string, size: number): Promise<void> {
  const out = createWriteStream(path);
  for (let left = size; left > 0; left -= MiB) {
    if (!out.write(randomBytes(Math.min(MiB, left)))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** The rules every transfer's events follow (see design/api.md); throws a readable error if not. */
export function checkProgress(events: ProgressEvent[], total: number): void {
  if (events.length === 0) throw new Error('no progress events');
  let previous = 0;
  events.forEach((e, i) => {
    const where = `event ${i} of ${events.length} (${JSON.stringify(e)})`;
    if (e.total !== total) throw new Error(`${where}: total is not ${total}`);
    if (e.loaded > total) throw new Error(`${where}: loaded exceeds the total`);
    if (e.delta !== e.loaded - previous) throw new Error(`${where}: delta does not match loaded`);
    if (i < events.length - 1 && e.loaded === total) throw new Error(`${where}: reached the total before the end`);
    previous = e.loaded;
  });
  if (events.at(-1)?.loaded !== total) throw new Error('the last event does not have loaded === total');
}

/** A stand-in for a terminal's stderr that keeps what is written. */
export function fakeTerminal(): { isTTY: true; columns: number; writes: string[]; write(s: string): boolean } {
  const writes: string[] = [];
  return {
    isTTY: true,
    columns: 100,
    writes,
    write: (s: string) => {
      writes.push(s);
      return true;
    },
  };
}
