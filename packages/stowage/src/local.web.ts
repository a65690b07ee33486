import { nodeOnly } from '@stowage/core';

/** The web variant of `local.ts`: the same names, which say they need Node when used. */

export class LocalStorage {
  constructor() {
    throw nodeOnly('LocalStorage (the local disk)');
  }
}

export function memoryVolume(): never {
  throw nodeOnly('memoryVolume (the local driver over memfs)');
}
