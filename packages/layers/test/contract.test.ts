import { describeStorageContract } from '@stowage/contract';
import type { Storage } from '@stowage/core';
import * as layers from '@stowage/layers';
import { MemoryStorage } from '@stowage/memory';

// The shared contract on memory inside each layer that keeps a store's behaviour (all but readOnly
// and faults, which change it on purpose), and inside the whole stack: a layer must not change what
// a store answers, only add its own behaviour around it.
const LAYERS: [name: string, layer: () => layers.Layer][] = [
  ['timeout', () => layers.timeout(60_000)],
  ['concurrencyLimit', () => layers.concurrencyLimit(8)],
];

for (const [name, layer] of LAYERS) {
  describeStorageContract(`memory inside ${name}`, () => layers.layered(new MemoryStorage(), layer()));
}

describeStorageContract(
  'memory inside the whole stack',
  (): Storage => layers.layered(new MemoryStorage(), ...LAYERS.map(([, layer]) => layer())),
);
