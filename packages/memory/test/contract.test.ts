import { describeStorageContract } from '@stowage/contract';
import { MemoryStorage } from '../src/index.js';

let current: MemoryStorage | undefined;

describeStorageContract(
  'memory',
  () => {
    current = new MemoryStorage();
    return current;
  },
  {
    corruptObject: async (bucket, key) => {
      if (!current) throw new Error('no store yet');
      current.corruptObject(bucket, key);
    },
  },
);
