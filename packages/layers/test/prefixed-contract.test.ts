import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { describeStorageContract } from '@stowage/contract';
import { layered } from '../src/layer.js';
import { prefixed } from '../src/prefixed.js';
import { LocalStorage } from '@stowage/local';
import { MemoryStorage } from '@stowage/memory';
import { flipFirstByte } from '@stowage/testing';

// The layer must keep every promise of the contract, on the store it scopes, with keys as the caller wrote them.
let memory: MemoryStorage | undefined;
describeStorageContract(
  'memory inside prefixed(p/)',
  () => {
    memory = new MemoryStorage();
    return layered(memory, prefixed('p/'));
  },
  {
    corruptObject: async (bucket, key) => {
      if (!memory) throw new Error('no store yet');
      memory.corruptObject(bucket, `p/${key}`);
    },
  },
);

const root = mkdtempSync(join(tmpdir(), 'stowage-prefixed-contract-'));
afterAll(() => rm(root, { recursive: true, force: true }));

describeStorageContract('local inside prefixed(p/)', () => layered(new LocalStorage({ root }), prefixed('p/')), {
  // Bit rot beneath the prefix.
  corruptObject: (bucket, key) => flipFirstByte(join(root, bucket, 'p', ...key.split('/'))),
});
