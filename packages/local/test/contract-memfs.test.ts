import { describeStorageContract } from '@stowage/contract';
import { FS_CAPABILITIES, LocalStorage, memoryVolume } from '../src/index.js';

// The local driver on a memfs volume: the local disk's rules, in memory.
const fs = memoryVolume();
const root = '/store';

describeStorageContract(
  'local on memfs',
  () => {
    const storage = new LocalStorage({ root, fs });
    // The same driver, so the same capabilities as on the disk: nothing is skipped for memfs.
    if (storage.capabilities !== FS_CAPABILITIES) throw new Error('the local driver on memfs must declare FS_CAPABILITIES');
    return storage;
  },
  {
    // Flips the first byte of the object's file on the volume, in place (same inode, same size): bit rot in memory.
    corruptObject: async (bucket, key) => {
      const file = [root, bucket, ...key.split('/')].join('/');
      const bytes = fs.volume.readFileSync(file) as Buffer;
      bytes[0] = (bytes[0] as number) ^ 0xff;
      fs.volume.writeFileSync(file, bytes, { flag: 'r+' });
    },
  },
);
