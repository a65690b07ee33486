import { describeStorageContract } from '@stowage/contract';
import { MemoryStorage } from '../src/index.js';

describeStorageContract('memory', () => new MemoryStorage());
