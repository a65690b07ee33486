import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { describeStorageContract } from '@stowage/contract';
import { flipFirstByte } from '@stowage/testing';
import { LocalStorage } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'stowage-local-contract-'));
afterAll(() => rm(root, { recursive: true, force: true }));

/** Bit rot in the object's file under `root`. */
const corruptIn = (root: string) => (bucket: string, key: string) => flipFirstByte(join(root, bucket, ...key.split('/')));

describeStorageContract('local', () => new LocalStorage({ root }), { corruptObject: corruptIn(root) });

// Every call through Node's thread pool (`io: 'thread-pool'`), the choice for slow file systems.
const poolRoot = mkdtempSync(join(tmpdir(), 'stowage-local-pool-contract-'));
afterAll(() => rm(poolRoot, { recursive: true, force: true }));
describeStorageContract('local (thread pool)', () => new LocalStorage({ root: poolRoot, io: 'thread-pool' }), {
  corruptObject: corruptIn(poolRoot),
});
