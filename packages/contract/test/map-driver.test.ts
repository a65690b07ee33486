import { FrontDoor } from '@stowage/core';
import { describeStorageContract } from '@stowage/contract';
import { MapDriver } from './map-driver.js';

// The example driver of docs/architecture.md: a third party's driver behind the front door passes
// the same contract as the built-in ones.
describeStorageContract('example Map driver behind the front door', () => new FrontDoor(new MapDriver()));
