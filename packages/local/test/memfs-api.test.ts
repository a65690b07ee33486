import { Volume, createFsFromVolume } from 'memfs';
import { describe, expect, it } from 'vitest';
import { isStorageError } from '@stowage/core';
import { LocalStorage, memoryVolume, type FsPromises } from '@stowage/local';
import { memfsFileSystem } from '../src/memfs-api.js';

function volumeWithFiles(): InstanceType<typeof Volume> {
  return Volume.fromJSON({ '/d/a': 'old bytes', '/d/b': 'new', '/d/sub/x': '1', '/empty/.keep': '' });
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('memfsFileSystem (memfs sync calls as promises)', () => {
  it('fails with the same error codes as memfs promise API', async () => {
    const ours = memfsFileSystem(volumeWithFiles()).promises;
    const theirs = createFsFromVolume(volumeWithFiles()).promises as unknown as FsPromises;
    const cases: ((fs: FsPromises) => Promise<unknown>)[] = [
      (fs) => fs.lstat('/d/missing'),
      (fs) => fs.stat('/d/a/below-a-file'),
      (fs) => fs.mkdir('/d/sub'),
      (fs) => fs.mkdir('/nowhere/x'),
      (fs) => fs.rmdir('/d'),
      (fs) => fs.rmdir('/d/a'),
      (fs) => fs.open('/d/a', 'wx'),
      (fs) => fs.open('/d/missing', 'r'),
      (fs) => fs.rename('/d/missing', '/d/c'),
      (fs) => fs.rename('/d/a', '/nowhere/a'),
      (fs) => fs.link('/d/a', '/d/b'),
      (fs) => fs.unlink('/d/sub'),
      (fs) => fs.realpath('/d/missing'),
      (fs) => fs.readdir('/d/a', { withFileTypes: true }),
      (fs) => fs.readFile('/d/missing'),
      (fs) => fs.writeFile('/nowhere/x', 'y'),
    ];
    for (const run of cases) {
      const expected = await codeOf(run(theirs));
      expect(`${run.toString()} → ${String(expected)}`).toMatch(/→ E[A-Z]+$/);
      expect(await codeOf(run(ours))).toBe(expected);
    }
  });

  it('keeps reading the open version after the file is renamed over and unlinked', async () => {
    const fs = memfsFileSystem(volumeWithFiles()).promises;
    const handle = await fs.open('/d/a', 'r');
    await fs.rename('/d/b', '/d/a');
    await fs.unlink('/d/a');
    const buffer = Buffer.alloc(16);
    const { bytesRead } = await handle.read(buffer, 0, 16, 0);
    expect(buffer.subarray(0, bytesRead).toString()).toBe('old bytes');
    expect((await handle.stat()).size).toBe(9);
    await handle.close();
    await handle.close(); // a second close is a no-op, as on memfs and Node
    expect(await codeOf(handle.read(buffer, 0, 1, 0))).toBe('EBADF');
  });

  it('writes with write and writev at positions, and lists folders with their types', async () => {
    const volume = volumeWithFiles();
    const fs = memfsFileSystem(volume).promises;
    const handle = await fs.open('/d/new', 'wx');
    await handle.writev([Buffer.from('ab'), Buffer.from('cd')], 0);
    await handle.write(Buffer.from('xyz'), 1, 2, 4);
    await handle.sync();
    await handle.close();
    expect(volume.readFileSync('/d/new', 'utf8')).toBe('abcdyz');
    const entries = await fs.readdir('/d', { withFileTypes: true });
    expect(entries.map((e) => [String(e.name), e.isDirectory()])).toEqual([
      ['a', false],
      ['b', false],
      ['new', false],
      ['sub', true],
    ]);
  });

  it('lets timers run while an endless body streams in, so a timed abort stops it', async () => {
    const storage = new LocalStorage({ root: '/store', fs: memoryVolume() });
    await storage.createBucket('b1b');
    const piece = Buffer.alloc(256 * 1024, 1);
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) yield piece;
    }
    const error = await storage.putObject('b1b', 'k', endless(), { signal: AbortSignal.timeout(50) }).catch((e: unknown) => e);
    expect(isStorageError(error, 'Aborted')).toBe(true);
    const keys: string[] = [];
    for await (const entry of storage.listObjects('b1b')) keys.push(entry.type === 'object' ? entry.key : entry.prefix);
    expect(keys).toEqual([]);
  });
});
