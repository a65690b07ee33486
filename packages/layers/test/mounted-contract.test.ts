import { describeStorageContract } from '@stowage/contract';
import { MemoryStorage } from '@stowage/memory';
import { mounted } from '../src/mounted.js';

// The suite's buckets have fresh random names, so they live in the fallback: the contract holds
// through the router (names and keys checked before routing, listings, copies inside one store).
let fallback: MemoryStorage | undefined;
describeStorageContract(
  'mounted({ alpha, beta }, { fallback }) over memory',
  () => {
    fallback = new MemoryStorage();
    return mounted({ alpha: new MemoryStorage(), beta: new MemoryStorage() }, { fallback });
  },
  {
    corruptObject: async (bucket, key) => {
      if (!fallback) throw new Error('no store yet');
      fallback.corruptObject(bucket, key);
    },
  },
);
