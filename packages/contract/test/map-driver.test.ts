import { readFileSync } from 'node:fs';
import { describeStorageContract } from '@stowage/contract';
import { FrontDoor } from '@stowage/core';
import { expect, it } from 'vitest';
import { MapDriver } from './map-driver.js';

// The example driver of docs/architecture.md: a third party's driver behind the front door passes
// the same contract as the built-in ones.
describeStorageContract('example Map driver behind the front door', () => new FrontDoor(new MapDriver()));

it('docs/architecture.md shows the example driver as it is here', () => {
  const source = readFileSync(new URL('./map-driver.ts', import.meta.url), 'utf8');
  const doc = readFileSync(new URL('../../../docs/architecture.md', import.meta.url), 'utf8');
  expect(doc).toContain(`\`\`\`ts\n${source}\`\`\``);
});
