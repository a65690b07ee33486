/**
 * @stowage/contract: the shared, capability-gated test suite every stowage driver passes.
 *
 * @example
 * // packages/my-driver/test/contract.test.ts
 * import { describeStorageContract } from '@stowage/contract';
 * import { MyStorage } from '../src/index.js';
 *
 * describeStorageContract('my-driver', () => new MyStorage());
 *
 * @packageDocumentation
 */
import { describe } from 'vitest';
import type { Storage } from '@stowage/core';
import { registerBadInput } from './bad-input.js';
import { registerBuckets } from './buckets.js';
import { registerConcurrency } from './concurrency.js';
import { ContractSuite, type ContractOptions } from './context.js';
import { registerCopy } from './copy.js';
import { registerDelete } from './delete.js';
import { registerErrors } from './errors.js';
import { registerHostileBodies } from './hostile-bodies.js';
import { registerKeys } from './keys.js';
import { registerList } from './list.js';
import { registerPresign } from './presign.js';
import { registerRead } from './read.js';
import { registerWrite } from './write.js';

export type { BooleanCapability, CapabilityReasons, ContractOptions } from './context.js';

/** The categories of the suite, in the order they are registered (each a nested `describe`). */
export const CONTRACT_CATEGORIES = [
  'buckets',
  'write',
  'keys',
  'read',
  'list',
  'copy',
  'delete',
  'concurrency',
  'errors',
  'presign',
  'hostile-bodies',
  'bad-input',
] as const;

/** One of {@link CONTRACT_CATEGORIES}. */
export type ContractCategory = (typeof CONTRACT_CATEGORIES)[number];

const REGISTER: Record<ContractCategory, (suite: ContractSuite) => void> = {
  buckets: registerBuckets,
  write: registerWrite,
  keys: registerKeys,
  read: registerRead,
  list: registerList,
  copy: registerCopy,
  delete: registerDelete,
  concurrency: registerConcurrency,
  errors: registerErrors,
  presign: registerPresign,
  'hostile-bodies': registerHostileBodies,
  'bad-input': registerBadInput,
};

/**
 * Registers the stowage contract suite with vitest (`describe`/`it`): one nested `describe` per
 * category, each case on a fresh bucket of its own that is emptied and deleted afterwards.
 *
 * `factory` is called once, while vitest collects the tests, because the storage's `capabilities`,
 * and nothing else, decide which cases run: a case needing a capability the storage declares
 * `false` is registered with `it.skip` and a title ending in `[skipped: <reason>]`, the reason
 * taken from `options.reasons` (a server's limitations are declared on the storage, e.g. the S3
 * driver's `capabilities` option, and explained there). Where a missing capability has a defined
 * behaviour (a key with a `..` segment is `InvalidKey` without `dotSegments`, ...), that behaviour
 * is tested instead. Cases whose hook is not given, and the multi-MiB cases with
 * `largeBodies: false`, are skipped the same way.
 *
 * Call it at the top level of a test file.
 *
 * @param name - The title of the outer `describe` (usually the driver's name).
 * @param factory - Makes the storage under test.
 * @param options - Skip reasons, body sizes, bucket prefix and hooks; see {@link ContractOptions}.
 */
export function describeStorageContract(name: string, factory: () => Storage | Promise<Storage>, options: ContractOptions = {}): void {
  describe(`stowage contract: ${name}`, async () => {
    const storage = await factory();
    for (const category of CONTRACT_CATEGORIES) {
      describe(category, () => {
        REGISTER[category](new ContractSuite(storage, options));
      });
    }
  });
}
