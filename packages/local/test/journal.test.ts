import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import fsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FsPromises } from '../src/fs-api.js';
import { Journals } from '../src/journal.js';
import { Layout } from '../src/layout.js';
import type { SidecarRecord } from '../src/sidecar.js';

const record = (digest: string): SidecarRecord => ({ v: 2, size: 1, digest, headers: {}, metadata: {} });

describe('Journals', () => {
  let root: string;
  let layout: Layout;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'stowage-journal-'));
    layout = new Layout(root);
    await mkdir(layout.metaDir('b1b'), { recursive: true });
    await mkdir(layout.bucketDir('b1b'), { recursive: true });
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it("still knows a key's replaced version after reading back the line that replaced it", async () => {
    const journals = new Journals(fsPromises as unknown as FsPromises);
    const file = path.join(layout.bucketDir('b1b'), 'k');
    await writeFile(file, '1');
    const v1 = await stat(file);
    await journals.append(layout, 'b1b', 'k', v1, { record: record('a'.repeat(32)), sidecar: false });
    expect(await journals.lookup(layout, 'b1b', 'k', v1)).toBeDefined(); // reads the journal
    // A write of a new version appends its line before its rename: the key's file is still v1.
    const temp = path.join(root, 'temp');
    await writeFile(temp, '2');
    const v2 = await stat(temp);
    await journals.append(layout, 'b1b', 'k', v2, { record: record('b'.repeat(32)), sidecar: false });
    // Another lookup in the folder reads on, parsing that line again.
    expect(await journals.lookup(layout, 'b1b', 'other', v2)).toBeUndefined();
    expect(journals.known(layout, 'b1b', 'k', v1)?.record.digest).toBe('a'.repeat(32));
    expect(journals.known(layout, 'b1b', 'k', v2)?.record.digest).toBe('b'.repeat(32));
  });
});
