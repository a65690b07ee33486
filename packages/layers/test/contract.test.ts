import { describeStorageContract } from '@stowage/contract';
import type { Storage } from '@stowage/core';
import * as layers from '@stowage/layers';
import { MemoryStorage } from '@stowage/memory';

// The shared contract on memory inside each layer that keeps a store's behaviour (all but readOnly
// and faults, which change it on purpose), and inside the whole stack: a layer must not change what
// a store answers, only add its own behaviour around it.
// (logging, tracing, prefixed and mounted run it in their own files, with their own checks.)
const LAYERS: [name: string, layer: () => layers.Layer][] = [
  ['retry', () => layers.retry()],
  ['timeout', () => layers.timeout(60_000)],
  ['concurrencyLimit', () => layers.concurrencyLimit(8)],
];

for (const [name, layer] of LAYERS) {
  describeStorageContract(`memory inside ${name}`, () => layers.layered(new MemoryStorage(), layer()));
}

const WHOLE_STACK: (() => layers.Layer)[] = [
  () => layers.retry(),
  () => layers.timeout(60_000),
  () => layers.concurrencyLimit(8),
  () => layers.logging(() => undefined),
  () => layers.tracing(),
  () => layers.prefixed('p/'),
];

describeStorageContract(
  'memory inside the whole stack',
  (): Storage => layers.layered(new MemoryStorage(), ...WHOLE_STACK.map((layer) => layer())),
);
