import { describeStorageContract } from '@stowage/contract';
import { MEMORY_ROOT, MemoryStorage } from '../src/index.js';

let current: MemoryStorage | undefined;

describeStorageContract(
  'memory',
  () => {
    current = new MemoryStorage();
    return current;
  },
  {
    // Flips the first byte of the object's file on the volume, in place: bit rot in memory.
    corruptObject: async (bucket, key) => {
      if (!current) throw new Error('no store yet');
      const path = [MEMORY_ROOT, bucket, ...key.split('/')].join('/');
      const bytes = current.volume.readFileSync(path) as Buffer;
      bytes[0] = (bytes[0] as number) ^ 0xff;
      current.volume.writeFileSync(path, bytes, { flag: 'r+' });
    },
  },
);
