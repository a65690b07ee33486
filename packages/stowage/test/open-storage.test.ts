import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bucket, LocalStorage, MemoryStorage, isStorageError, openStorage } from 'stowage';
import { S3Storage } from '@stowage/s3';
import { type S3rver, startS3rver } from '@stowage/testing';
import { rejection } from './helpers/errors.js';
import { s3Url } from './helpers/targets.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: SECRET, sessionToken: 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN' };

/** Everything a log could show of an error: message, JSON form, and Node's inspection of it with its cause. */
function everythingShown(error: unknown): string {
  return [String(error), JSON.stringify(error), inspect(error, { depth: 20 })].join('\n');
}

describe('openStorage: memory', () => {
  it('memory:// opens a fresh store each time', async () => {
    const a = await openStorage('memory://');
    const b = await openStorage('memory://');
    expect(a).toBeInstanceOf(MemoryStorage);
    expect(a).not.toBe(b);
    await a.createBucket('only-in-a');
    expect(await b.bucketExists('only-in-a')).toBe(false);
  });

  it('memory://name shares one store per name in the process', async () => {
    const a = await openStorage('memory://shared-test');
    const b = await openStorage('memory://shared-test');
    const c = await openStorage('memory://other-test');
    expect(a).toBe(b);
    await a.createBucket('shared');
    expect(await b.bucketExists('shared')).toBe(true);
    expect(await c.bucketExists('shared')).toBe(false);
  });

  it('two opens of one name at once (the driver still loading) share the store', async () => {
    const [a, b] = await Promise.all([openStorage('memory://racing-test'), openStorage('memory://racing-test')]);
    expect(a).toBe(b);
  });
});

describe('openStorage: file', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'stowage-open-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('file:///abs/root opens LocalStorage on that folder', async () => {
    const storage = await openStorage(pathToFileURL(root).href);
    expect(storage).toBeInstanceOf(LocalStorage);
    expect((storage as LocalStorage).root).toBe(root);
    await new Bucket(storage, 'docs').create();
    await storage.putObject('docs', 'a/b.txt', 'hello');
    expect(await readFile(join(root, 'docs', 'a', 'b.txt'), 'utf8')).toBe('hello');
  });

  it('takes a URL object and ?fsync=true', async () => {
    const url = pathToFileURL(join(root, 'synced'));
    url.searchParams.set('fsync', 'true');
    const storage = await openStorage(url);
    await storage.createBucket('b-synced');
    expect(existsSync(join(root, 'synced', 'b-synced'))).toBe(true);
  });

  it('takes ?io=thread-pool', async () => {
    const url = pathToFileURL(join(root, 'pooled'));
    url.searchParams.set('io', 'thread-pool');
    const storage = await openStorage(url);
    await storage.createBucket('b-pooled');
    await storage.putObject('b-pooled', 'k', 'v');
    expect(await readFile(join(root, 'pooled', 'b-pooled', 'k'), 'utf8')).toBe('v');
  });
});

describe('openStorage: s3 on s3rver', () => {
  let server: S3rver;
  beforeAll(async () => {
    server = await startS3rver();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('s3://?region=&endpoint=&forcePathStyle= opens S3Storage with those settings', async () => {
    const storage = await openStorage(s3Url(server.endpoint), { credentials: server.credentials });
    expect(storage).toBeInstanceOf(S3Storage);
    const { config } = (storage as S3Storage).client;
    expect(await config.region()).toBe('us-east-1');
    expect(config.forcePathStyle).toBe(true);
    const endpoint = await config.endpoint?.();
    expect(`${endpoint?.protocol}//${endpoint?.hostname}:${endpoint?.port}`).toBe(server.endpoint);
    await new Bucket(storage, 'from-url').create();
    await storage.putObject('from-url', 'k', 'v');
    expect(await (await storage.getObject('from-url', 'k')).text()).toBe('v');
    (storage as S3Storage).destroy();
  });

  it('keeps given credentials out of errors, their JSON and their inspection', async () => {
    const storage = await openStorage(s3Url(server.endpoint), { credentials: CREDENTIALS });
    const missing = await rejection(storage.headObject('no-such-bucket', 'k'));
    expect(isStorageError(missing)).toBe(true);
    // A server that is not there: the error goes through the SDK's connection failure path.
    const closed = await openStorage(s3Url('http://127.0.0.1:9'), { credentials: CREDENTIALS, s3: { maxAttempts: 1 } });
    const unavailable = await rejection(closed.listBuckets());
    expect(isStorageError(unavailable, 'Unavailable')).toBe(true);
    for (const error of [missing, unavailable]) {
      const shown = everythingShown(error);
      expect(shown).not.toContain(SECRET);
      expect(shown).not.toContain(CREDENTIALS.sessionToken);
    }
    (storage as S3Storage).destroy();
    (closed as S3Storage).destroy();
  });

  it('inspect(storage) never shows the secret key', async () => {
    const storage = await openStorage(s3Url(server.endpoint), { credentials: CREDENTIALS });
    expect(inspect(storage, { depth: 20 })).not.toContain(SECRET);
  });
});

describe('openStorage: errors', () => {
  it('an unknown scheme is InvalidArgument naming the scheme', async () => {
    const error = await rejection(openStorage('gs://bucket'));
    expect(isStorageError(error, 'InvalidArgument')).toBe(true);
    expect((error as Error).message).toMatch(/unknown storage URL scheme "gs:"/);
  });

  it('a malformed URL is InvalidArgument naming what is wrong, quoting no secret', async () => {
    const error = await rejection(openStorage(`s3://AKIAIOSFODNN7EXAMPLE:${SECRET}@/?region=x`));
    expect(isStorageError(error, 'InvalidArgument')).toBe(true);
    expect((error as Error).message).toMatch(/must not hold credentials/);
    expect(everythingShown(error)).not.toContain(SECRET);
  });
});
