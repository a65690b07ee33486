import { mkdtempSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { describeStorageContract } from '@stowage/contract';
import { LocalStorage } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'stowage-local-contract-'));
afterAll(() => rm(root, { recursive: true, force: true }));

describeStorageContract('local', () => new LocalStorage({ root }), {
  // Flips the first byte of the object's file in place (same inode, same size): bit rot.
  corruptObject: async (bucket, key) => {
    const file = await open(join(root, bucket, ...key.split('/')), 'r+');
    try {
      const byte = Buffer.alloc(1);
      await file.read(byte, 0, 1, 0);
      byte[0] = (byte[0] as number) ^ 0xff;
      await file.write(byte, 0, 1, 0);
    } finally {
      await file.close();
    }
  },
});
