import { type Storage, nodeOnly } from '@stowage/core';
import type { LocalStorageOptions } from '@stowage/local';

/** The web variant of `open-local.ts`: browsers and workers have no disk. */
export async function openLocal(_options: LocalStorageOptions): Promise<Storage> {
  throw nodeOnly('a file:// store (the local disk)');
}
