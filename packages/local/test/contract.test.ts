import { mkdtempSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { describeStorageContract } from '@stowage/contract';
import { LocalStorage } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'stowage-local-contract-'));
afterAll(() => rm(root, { recursive: true, force: true }));

// Flips the first byte of the object's file in place (same inode, same size): bit rot.
const corruptIn = (root: string) => async (bucket: string, key: string) => {
  const file = await open(join(root, bucket, ...key.split('/')), 'r+');
  try {
    const byte = Buffer.alloc(1);
    await file.read(byte, 0, 1, 0);
    byte[0] = (byte[0] as number) ^ 0xff;
    await file.write(byte, 0, 1, 0);
  } finally {
    await file.close();
  }
};

describeStorageContract('local', () => new LocalStorage({ root }), { corruptObject: corruptIn(root) });

// Every call through Node's thread pool (`io: 'thread-pool'`), the choice for slow file systems.
const poolRoot = mkdtempSync(join(tmpdir(), 'stowage-local-pool-contract-'));
afterAll(() => rm(poolRoot, { recursive: true, force: true }));
describeStorageContract('local (thread pool)', () => new LocalStorage({ root: poolRoot, io: 'thread-pool' }), {
  corruptObject: corruptIn(poolRoot),
});
