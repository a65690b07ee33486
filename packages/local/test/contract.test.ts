import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { rm } from 'node:fs/promises';
import { describeStorageContract } from '@stowage/contract';
import { LocalStorage } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'stowage-local-contract-'));
afterAll(() => rm(root, { recursive: true, force: true }));

describeStorageContract('local', () => new LocalStorage({ root }));
