/**
 * The local driver on the real disk, in whatever runtime runs this script (Bun, Deno): a round
 * trip of every kind of call in both of its `io` modes, in the folder given as the first argument.
 * Prints one line after the marker: for each mode, the checks that failed (none when it works).
 */
import { LocalStorage } from '@stowage/local';
import { SUMMARY_MARKER } from './runner.ts';

interface Runtime {
  Deno?: { args: string[] };
  process?: { argv: string[] };
}

const g = globalThis as Runtime;
const args = g.Deno ? g.Deno.args : (g.process?.argv.slice(2) ?? []);
const dir = args[0];
if (!dir) throw new Error('usage: local-disk.ts <folder>');

async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'ok';
  } catch (error) {
    return String((error as { code?: unknown }).code ?? error);
  }
}

async function roundTrip(io: 'sync' | 'thread-pool'): Promise<string[]> {
  const failed: string[] = [];
  const check = (what: string, ok: boolean) => {
    if (!ok) failed.push(what);
  };
  const storage = new LocalStorage({ root: `${dir}/${io}`, io });
  await storage.createBucket('bkt');
  await storage.putObject('bkt', 'a/b.txt', 'hello', { contentType: 'text/plain', metadata: { who: 'me' } });
  const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => i % 251);
  await storage.putObject('bkt', 'big.bin', big);
  const head = await storage.headObject('bkt', 'a/b.txt');
  check('head', head.size === 5 && head.contentType === 'text/plain' && head.metadata.who === 'me');
  check('text', (await (await storage.getObject('bkt', 'a/b.txt')).text()) === 'hello');
  const bytes = await (await storage.getObject('bkt', 'big.bin')).bytes();
  check('large get', bytes.length === big.length && bytes.every((b, i) => b === big[i]));
  const range = await (await storage.getObject('bkt', 'big.bin', { range: { offset: 1000, length: 10 } })).bytes();
  check('ranged get', range.length === 10 && range[0] === 1000 % 251);
  await storage.copyObject({ bucket: 'bkt', key: 'a/b.txt' }, { bucket: 'bkt', key: 'c.txt' });
  const keys: string[] = [];
  for await (const entry of storage.listObjects('bkt', { delimiter: '/' })) keys.push(entry.type === 'prefix' ? entry.prefix : entry.key);
  check('list', keys.join(',') === 'a/,big.bin,c.txt');
  check('ifNoneMatch', (await codeOf(storage.putObject('bkt', 'c.txt', 'x', { ifNoneMatch: '*' }))) === 'PreconditionFailed');
  await storage.deleteObject('bkt', 'a/b.txt');
  check('deleted', (await codeOf(storage.headObject('bkt', 'a/b.txt'))) === 'NoSuchKey');
  check('outside', (await codeOf(storage.getObject('bkt', '../../etc/passwd'))) !== 'ok');
  return failed;
}

const results: Record<string, string[]> = {};
for (const io of ['sync', 'thread-pool'] as const) {
  try {
    results[io] = await roundTrip(io);
  } catch (error) {
    results[io] = [`threw: ${String((error as Error)?.stack ?? error)}`];
  }
}
console.log(`${SUMMARY_MARKER}${JSON.stringify(results)}`);
