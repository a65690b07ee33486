import { randomFillSync } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;

/** A block of random bytes that test data is cut from (random, so no layer can compress or dedupe it). */
let block: Buffer | undefined;
export function randomBlock(): Buffer {
  block ??= randomFillSync(Buffer.allocUnsafe(16 * MiB));
  return block;
}

/**
 * `bytes` bytes as a stream of freshly allocated `chunk`-byte Buffers, like a file read stream
 * yields: every chunk is new memory, so a driver that holds on to chunks shows it in RSS.
 */
export function generatedStream(bytes: number, chunk = 64 * KiB): Readable {
  const source = randomBlock();
  let produced = 0;
  return new Readable({
    highWaterMark: chunk,
    read() {
      if (produced >= bytes) {
        this.push(null);
        return;
      }
      const size = Math.min(chunk, bytes - produced);
      const offset = produced % (source.byteLength - chunk);
      const out = Buffer.allocUnsafe(size);
      source.copy(out, 0, offset, offset + size);
      produced += size;
      this.push(out);
    },
  });
}

/** Writes a file of `bytes` random bytes. */
export async function makeFile(path: string, bytes: number): Promise<void> {
  await pipeline(generatedStream(bytes, MiB), createWriteStream(path));
}

/** A Writable that counts and drops what it gets. */
export function sink(): Writable & { bytes: number } {
  const out = new Writable({
    highWaterMark: 64 * KiB,
    write(chunk: Buffer, _encoding, callback) {
      out.bytes += chunk.byteLength;
      callback();
    },
  }) as Writable & { bytes: number };
  out.bytes = 0;
  return out;
}

/** A fresh scratch folder under the OS temp dir. */
export function scratch(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `stowage-bench-${label}-`));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** How long something took: wall-clock milliseconds, and CPU milliseconds of the whole process (all threads). */
export interface Timing {
  ms: number;
  cpuMs: number;
}

export async function timed(fn: () => Promise<unknown>): Promise<Timing> {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000 };
}

/** Runs `fn` on 0..count-1, `concurrency` at a time. */
export async function pool(count: number, concurrency: number, fn: (index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/** Throws when an operation of a peer that reports errors as values failed. */
export function check<T>(result: { value: T | null; error: string | null }, what: string): T {
  if (result.error !== null || result.value === null) throw new Error(`${what}: ${result.error ?? 'no value'}`);
  return result.value;
}

/** Collects a stream into one Buffer. */
export async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  return Buffer.concat(parts);
}

/** Keeps the AWS SDK's Node-version notice (about future releases) out of the bench's output. */
export function quietSdkWarning(): void {
  const emit = process.emitWarning.bind(process);
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (text.includes('NodeVersionSupportWarning') || text.includes('Node.js version')) return;
    (emit as (...args: unknown[]) => void)(warning, ...rest);
  }) as typeof process.emitWarning;
}

export function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** The XXH3-128 hasher of hash-wasm, loaded from the local driver's own dependency. */
export interface Xxh3Hasher {
  init(): void;
  update(data: Uint8Array): void;
  digest(format: 'hex'): string;
}

export async function createXxh3(): Promise<Xxh3Hasher> {
  const { createXXHash128 } = (await import(
    new URL('../../packages/local/node_modules/hash-wasm/dist/index.esm.js', import.meta.url).href
  )) as {
    createXXHash128(): Promise<Xxh3Hasher>;
  };
  return createXXHash128();
}
