import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ListEntry, StorageError } from '@stowage/core';
import { layered, logging, type OperationEvent } from '@stowage/layers';
import { LocalStorage } from '@stowage/local';
import { MemoryStorage } from '@stowage/memory';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { FailingStorage } from './helpers/failing-storage.js';

/** A pino logger (the real one) writing JSON lines into `lines`, parsed. */
function collectingPino(level = 'debug') {
  const raw: string[] = [];
  const logger = pino({ level, base: undefined, timestamp: false }, { write: (line: string) => void raw.push(line) });
  return { logger, raw, lines: () => raw.map((line) => JSON.parse(line) as OperationEvent & { level: number; msg: string }) };
}

const SECRET = 'AKIAIOSFODNN7EXAMPLE/wJalrXUtnFEMI';

async function memory(): Promise<MemoryStorage> {
  const storage = new MemoryStorage();
  await storage.createBucket('bkt');
  return storage;
}

describe('logging with pino', () => {
  it('logs one event per operation with what was done, where, how long and how it ended', async () => {
    const { logger, lines } = collectingPino();
    const storage = layered(await memory(), logging(logger));
    await storage.putObject('bkt', 'a.txt', 'hello');
    await (await storage.getObject('bkt', 'a.txt')).text();
    await (await storage.getObject('bkt', 'a.txt', { range: { offset: 1, length: 2 } })).text();
    await storage.headObject('bkt', 'a.txt');
    await storage.copyObject({ bucket: 'bkt', key: 'a.txt' }, { bucket: 'bkt', key: 'c.txt' });
    await storage.deleteObject('bkt', 'c.txt');
    await storage.bucketExists('bkt');

    const events = lines();
    expect(events.map((e) => [e.operation, e.level, e.outcome, e.size])).toEqual([
      ['putObject', 30, 'ok', 5],
      ['getObject', 30, 'ok', 5],
      ['getObject', 30, 'ok', 2],
      ['headObject', 30, 'ok', 5],
      ['copyObject', 30, 'ok', 5],
      ['deleteObject', 30, 'ok', undefined],
      ['bucketExists', 30, 'ok', undefined],
    ]);
    const [put] = events;
    expect(put).toMatchObject({ operation: 'putObject', driver: 'memory', bucket: 'bkt', key: 'a.txt', msg: 'stowage putObject ok' });
    expect(put?.durationMs).toBeGreaterThanOrEqual(0);
    expect(events[4]).toMatchObject({ bucket: 'bkt', key: 'c.txt', source: { bucket: 'bkt', key: 'a.txt' } });
    expect(events[6]).toMatchObject({ bucket: 'bkt' });
    expect(events[6]).not.toHaveProperty('key');
  });

  it('logs success at debug when asked', async () => {
    const { logger, lines } = collectingPino();
    const storage = layered(await memory(), logging(logger, { level: 'debug' }));
    await storage.putObject('bkt', 'k', 'x');
    expect(lines().map((e) => e.level)).toEqual([20]);
  });

  it("picks the level by outcome: a caller's error warns, server trouble is an error, an abort is no failure", async () => {
    const { logger, lines } = collectingPino();
    const inner = await memory();
    await layered(inner, logging(logger))
      .headObject('bkt', 'missing')
      .catch(() => undefined);
    await layered(new FailingStorage(inner, new StorageError('Unavailable', 'down')), logging(logger))
      .headObject('bkt', 'k')
      .catch(() => undefined);
    await layered(new FailingStorage(inner, new StorageError('Timeout', 'slow')), logging(logger))
      .headObject('bkt', 'k')
      .catch(() => undefined);
    await layered(new FailingStorage(inner, new TypeError('not a StorageError')), logging(logger))
      .headObject('bkt', 'k')
      .catch(() => undefined);
    await layered(inner, logging(logger, { level: 'debug' }))
      .headObject('bkt', 'k', { signal: AbortSignal.abort() })
      .catch(() => undefined);
    await layered(inner, logging(logger, { levels: { NoSuchKey: 'debug' } }))
      .headObject('bkt', 'missing')
      .catch(() => undefined);
    expect(lines().map((e) => [e.outcome, e.level])).toEqual([
      ['NoSuchKey', 40],
      ['Unavailable', 50],
      ['Timeout', 50],
      ['error', 50],
      ['Aborted', 20],
      ['NoSuchKey', 20],
    ]);
  });

  it('never logs a body, a header or metadata value, an error message or anything from its cause', async () => {
    const { logger, raw } = collectingPino('trace');
    const inner = await memory();
    const storage = layered(inner, logging(logger));
    await storage.putObject('bkt', 'k', `body ${SECRET}`, {
      contentType: `text/${SECRET}`,
      cacheControl: SECRET,
      metadata: { token: SECRET },
    });
    await (await storage.getObject('bkt', 'k')).text();
    const cause = Object.assign(new Error(`request signed with ${SECRET}`), { credentials: { secretAccessKey: SECRET } });
    const failing = layered(
      new FailingStorage(inner, new StorageError('AccessDenied', `denied for ${SECRET}`, { bucket: 'bkt', key: 'k', cause }), 1),
      logging(logger),
    );
    await expect(failing.headObject('bkt', 'k')).rejects.toMatchObject({ code: 'AccessDenied' });
    await expect(async () => {
      for await (const _ of failing.listObjects('bkt'));
    }).rejects.toMatchObject({ code: 'AccessDenied' });

    const output = raw.join('');
    expect(raw).toHaveLength(4);
    expect(output).not.toContain(SECRET);
    expect(output).not.toContain('AKIA');
    expect(output).not.toContain('denied for');
    expect(output).toContain('"outcome":"AccessDenied"');
  });

  it('logs a listing once, when its iteration ends, with the number of entries', async () => {
    const { logger, lines } = collectingPino();
    const inner = await memory();
    for (const key of ['a/1', 'a/2', 'b/3', 'c']) await inner.putObject('bkt', key, 'x');
    const storage = layered(inner, logging(logger));

    const listing = storage.listObjects('bkt', { delimiter: '/' });
    expect(lines()).toEqual([]); // nothing happens until it is iterated
    const seen: ListEntry[] = [];
    for await (const entry of listing) seen.push(entry);
    expect(seen).toHaveLength(3);

    for await (const _ of storage.listObjects('bkt', { prefix: 'a/' })) break;

    const failing = layered(new FailingStorage(inner, new StorageError('Unavailable', 'down'), 2), logging(logger));
    await expect(async () => {
      for await (const _ of failing.listObjects('bkt'));
    }).rejects.toMatchObject({ code: 'Unavailable' });

    expect(
      lines().map(({ operation, bucket, prefix, entries, outcome, level }) => ({ operation, bucket, prefix, entries, outcome, level })),
    ).toEqual([
      { operation: 'listObjects', bucket: 'bkt', prefix: undefined, entries: 3, outcome: 'ok', level: 30 },
      { operation: 'listObjects', bucket: 'bkt', prefix: 'a/', entries: 1, outcome: 'ok', level: 30 },
      { operation: 'listObjects', bucket: 'bkt', prefix: undefined, entries: 2, outcome: 'Unavailable', level: 50 },
    ]);
  });
});

describe('logging with a function', () => {
  it('hands each event to the function, and the call settles as it would without logging', async () => {
    const events: OperationEvent[] = [];
    const storage = layered(
      await memory(),
      logging((event) => events.push(event)),
    );
    const put = await storage.putObject('bkt', 'k', new Uint8Array(4096));
    expect(put.etag).toMatch(/^"/);
    await expect(storage.getObject('bkt', 'nope')).rejects.toMatchObject({ code: 'NoSuchKey', key: 'nope' });
    expect(events).toEqual([
      { operation: 'putObject', driver: 'memory', bucket: 'bkt', key: 'k', size: 4096, durationMs: expect.any(Number), outcome: 'ok' },
      { operation: 'getObject', driver: 'memory', bucket: 'bkt', key: 'nope', durationMs: expect.any(Number), outcome: 'NoSuchKey' },
    ]);
  });

  it('does not let a logger that throws change an outcome', async () => {
    const storage = layered(
      await memory(),
      logging(() => {
        throw new Error('logger broken');
      }),
    );
    await expect(storage.putObject('bkt', 'k', 'x')).resolves.toMatchObject({ etag: expect.any(String) });
    await expect(storage.headObject('bkt', 'nope')).rejects.toMatchObject({ code: 'NoSuchKey' });
    let n = 0;
    for await (const _ of storage.listObjects('bkt')) n++;
    expect(n).toBe(1);
  });

  it('keeps capabilities, name and presign as the store has them', async () => {
    const inner = await memory();
    const storage = layered(
      inner,
      logging(() => {}),
    );
    expect(storage.name).toBe(inner.name);
    expect(storage.capabilities).toBe(inner.capabilities);
    expect(typeof storage.presign).toBe(typeof inner.presign);
  });
});

describe('logging around the local driver', () => {
  it('logs its operations with driver local', async () => {
    const root = await mkdtemp(join(tmpdir(), 'stowage-logging-'));
    try {
      const { logger, lines } = collectingPino();
      const storage = layered(new LocalStorage({ root }), logging(logger));
      await storage.createBucket('bkt');
      await storage.putObject('bkt', 'dir/k.txt', 'local bytes');
      expect(await (await storage.getObject('bkt', 'dir/k.txt')).text()).toBe('local bytes');
      await storage.deleteObject('bkt', 'dir/k.txt');
      await storage.headObject('bkt', 'dir/k.txt').catch(() => undefined);
      expect(lines().map((e) => [e.driver, e.operation, e.outcome, e.size, e.level])).toEqual([
        ['local', 'createBucket', 'ok', undefined, 30],
        ['local', 'putObject', 'ok', 11, 30],
        ['local', 'getObject', 'ok', 11, 30],
        ['local', 'deleteObject', 'ok', undefined, 30],
        ['local', 'headObject', 'NoSuchKey', undefined, 40],
      ]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
