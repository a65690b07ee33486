// Counts the file system calls stowage's fs engine (LocalStorage) makes per operation, by running
// LocalStorage on a counting proxy of node:fs or of a memfs volume (`memoryVolume()`, the one
// `new LocalStorage({ root, fs: memoryVolume() })` uses). Each call is a libuv thread-pool round
// trip on disk (a path walk plus permission checks on memfs), so this is the cost model behind the
// local driver's small-object and listing numbers. (MemoryStorage has its own engine, no files.)
//
//   tsx src/diagnose.ts [fs|memfs] [operations per kind]     (`memory` is the same as `memfs`)
// Prints calls per operation and the time awaited in each kind of call.
import * as nodeFs from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStorage, memoryVolume, type FileSystem } from '@stowage/local';

const which = process.argv[2] === 'memfs' || process.argv[2] === 'memory' ? 'memfs' : 'fs';
const counts = new Map<string, number>();
/** Microseconds spent awaiting each kind of call (operations run one at a time, so they add up). */
const micros = new Map<string, number>();

async function count<T>(name: string, call: () => Promise<T>): Promise<T> {
  counts.set(name, (counts.get(name) ?? 0) + 1);
  const started = performance.now();
  try {
    return await call();
  } finally {
    micros.set(name, (micros.get(name) ?? 0) + (performance.now() - started) * 1000);
  }
}

function counting(fs: FileSystem): FileSystem {
  const wrapHandle = (handle: object): object =>
    new Proxy(handle, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) =>
          count(`handle.${String(prop)}`, async () => (value as (...a: unknown[]) => unknown).apply(target, args));
      },
    });
  const promises = new Proxy(fs.promises, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const result = await count(String(prop), () => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args));
        return prop === 'open' && typeof result === 'object' && result !== null ? wrapHandle(result) : result;
      };
    },
  });
  return { promises, constants: fs.constants };
}

async function main(): Promise<void> {
  let fs: FileSystem;
  let root: string;
  let cleanup = () => {};
  if (which === 'memfs') {
    fs = memoryVolume();
    root = '/store';
  } else {
    fs = nodeFs as unknown as FileSystem;
    root = mkdtempSync(join(tmpdir(), 'stowage-diagnose-'));
    cleanup = () => rmSync(root, { recursive: true, force: true });
  }
  const storage = new LocalStorage({ fs: counting(fs), root });
  await storage.createBucket('bench');
  const body = Buffer.alloc(4096, 1);
  // Warm: the layout is prepared once per storage.
  await storage.putObject('bench', 'small/warm.bin', body);
  const n = Number(process.argv[3] ?? 500);
  const measure = async (label: string, fn: (i: number) => Promise<unknown>) => {
    counts.clear();
    micros.clear();
    const started = performance.now();
    for (let i = 0; i < n; i++) await fn(i);
    const perOp = ((performance.now() - started) * 1000) / n;
    const calls = [...counts].map(([k, v]) => `${k} ${(v / n).toFixed(1)} (${Math.round((micros.get(k) ?? 0) / n)} µs)`).join(', ');
    const total = [...counts.values()].reduce((a, b) => a + b, 0) / n;
    console.log(`${label.padEnd(22)} ${total.toFixed(1).padStart(5)} calls, ${Math.round(perOp)} µs: ${calls}`);
  };
  const key = (i: number) => `small/k${i}.bin`;
  await measure('putObject 4 KiB', (i) => storage.putObject('bench', key(i), body));
  await measure('getObject + bytes()', async (i) => (await storage.getObject('bench', key(i))).bytes());
  await measure('headObject', (i) => storage.headObject('bench', key(i)));
  await measure('deleteObject', (i) => storage.deleteObject('bench', key(i)));
  for (let i = 0; i < n; i++) await storage.putObject('bench', `list/d${i % 10}/k${i}.txt`, 'x');
  counts.clear();
  let listed = 0;
  for await (const entry of storage.listObjects('bench', { prefix: 'list/' })) if (entry.type === 'object') listed++;
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  console.log(
    `${'listObjects, per key'.padEnd(22)} ${(total / listed).toFixed(1).padStart(5)} calls: ${[...counts].map(([k, v]) => `${k} ${(v / listed).toFixed(2)}`).join(', ')}`,
  );
  console.log(
    `(raw baselines: writeFile ≈ open+write+close, readFile ≈ open+fstat+read+close, stat 1, unlink 1, listing: readdir per folder)`,
  );
  cleanup();
}

await main();
