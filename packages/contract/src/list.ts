import { expect } from 'vitest';
import type { ListEntry } from '@stowage/core';
import type { ContractSuite } from './context.js';
import { byteOrder, expectError, listAll, listKeys, listNames, putKeys, sortedByBytes } from './helpers.js';
import { WEIRD_KEYS } from './keys.js';

/** Asserts `names` are strictly increasing in S3's byte order (so no entry repeats). */
function expectStrictlyIncreasing(names: string[]): void {
  for (let i = 1; i < names.length; i++) {
    const a = names[i - 1] as string;
    const b = names[i] as string;
    if (byteOrder(a, b) >= 0) expect.fail(`listing out of order or repeated at ${i}: ${JSON.stringify(a)} then ${JSON.stringify(b)}`);
  }
}

const entryName = (e: ListEntry) => (e.type === 'object' ? e.key : e.prefix);

/** Shuffles deterministically, so puts do not happen in listing order. */
function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  let seed = 12345;
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const TREE = ['a', 'b/1', 'b/2', 'b/3/x', 'c', 'd/e/f', 'd/e/g', 'd/h', 'e'];

/** Listings: order, prefixes, delimiters, startAfter, pagination and entry contents. */
export function registerList(suite: ContractSuite): void {
  suite.case('an empty bucket lists nothing, with or without a delimiter', async ({ storage, bucket }) => {
    expect(await listAll(storage, bucket)).toEqual([]);
    expect(await listAll(storage, bucket, { delimiter: '/' })).toEqual([]);
    expect(await listAll(storage, bucket, { prefix: 'x/', delimiter: '/', pageSize: 1 })).toEqual([]);
  });

  for (const [label, options] of [
    ['a prefix that is not a string', { prefix: 42 as unknown as string }],
    ['a delimiter that is not a string', { delimiter: 7 as unknown as string }],
    ['a startAfter that is not a string', { startAfter: {} as unknown as string }],
    ['a pageSize of 0', { pageSize: 0 }],
    ['a pageSize that is not whole', { pageSize: 1.5 }],
  ] as const) {
    suite.case(`listObjects with ${label} rejects InvalidArgument`, async ({ storage, bucket }) => {
      await expectError(() => listAll(storage, bucket, options), 'InvalidArgument', { bucket });
    });
  }

  suite.case("an empty delimiter ('') lists as if none was given, as S3 does", async ({ storage, bucket }) => {
    await putKeys(storage, bucket, ['a/b', 'a/c/d', 'e']);
    expect(await listNames(storage, bucket, { delimiter: '' })).toEqual(await listNames(storage, bucket));
    expect(await listNames(storage, bucket, { delimiter: '', prefix: 'a/' })).toEqual(['a/b', 'a/c/d']);
  });

  suite.case('keys list in the byte order of their UTF-8 encoding', async ({ storage, bucket }) => {
    const keys = ['b', 'B', 'A', '.a', '0', '9', 'a.b', 'a/b', 'a-b', 'aa', 'a+', 'é', 'z', '~', 'Z', '_', 'a b', '中文', '😀', '\uFFFD'];
    await putKeys(storage, bucket, shuffled(keys));
    const listed = await listKeys(storage, bucket);
    expect(listed).toEqual(sortedByBytes(keys));
  });

  suite.case('a character above U+FFFF lists after U+FFFD (JavaScript < gets this wrong)', async ({ storage, bucket }) => {
    const keys = ['x\u{1F600}', 'x\uFFFD', 'x\uE000', 'x\u{10000}'];
    await putKeys(storage, bucket, keys);
    expect(await listKeys(storage, bucket)).toEqual(['x\uE000', 'x\uFFFD', 'x\u{10000}', 'x\u{1F600}']);
  });

  suite.case('digits list before upper case, and upper case before lower case', async ({ storage, bucket }) => {
    await putKeys(storage, bucket, ['lower', 'Upper', '42', 'Zed', 'alpha']);
    expect(await listKeys(storage, bucket)).toEqual(['42', 'Upper', 'Zed', 'alpha', 'lower']);
  });

  suite.case('"-", "." and "/" list by byte value (a-x, a.x, a/x, a0x)', async ({ storage, bucket }) => {
    await putKeys(storage, bucket, ['a0x', 'a/x', 'a.x', 'a-x']);
    expect(await listKeys(storage, bucket)).toEqual(['a-x', 'a.x', 'a/x', 'a0x']);
  });

  suite.case('a key lists before the keys it is a prefix of', async ({ storage, bucket }) => {
    await putKeys(storage, bucket, ['abc', 'ab0', 'ab', 'a']);
    expect(await listKeys(storage, bucket)).toEqual(['a', 'ab', 'ab0', 'abc']);
  });

  suite.case(
    'a key lists before the keys under it as a folder ("ab" < "ab/c" < "abc")',
    async ({ storage, bucket }) => {
      await putKeys(storage, bucket, ['abc', 'ab/c', 'ab']);
      expect(await listKeys(storage, bucket)).toEqual(['ab', 'ab/c', 'abc']);
    },
    { needs: ['fileAndFolderKeys'] },
  );

  suite.case('non-ASCII keys list after ASCII ones, by code point', async ({ storage, bucket }) => {
    const keys = ['中', 'ā', 'ÿ', 'é', 'z', '~', 'Ω'];
    await putKeys(storage, bucket, keys);
    expect(await listKeys(storage, bucket)).toEqual(['z', '~', 'é', 'ÿ', 'ā', 'Ω', '中']);
  });

  suite.case('a prefix that matches nothing lists nothing', async ({ storage, bucket }) => {
    await putKeys(storage, bucket, TREE);
    expect(await listAll(storage, bucket, { prefix: 'zzz' })).toEqual([]);
    expect(await listAll(storage, bucket, { prefix: 'zzz/', delimiter: '/' })).toEqual([]);
  });

  suite.case('a prefix equal to one key lists it and the keys beneath it', async ({ storage, bucket }) => {
    const folder = suite.has('fileAndFolderKeys') ? ['c/d'] : [];
    await putKeys(storage, bucket, ['c', 'c-d', 'cd', 'b', 'x/c', ...folder]);
    expect(await listKeys(storage, bucket, { prefix: 'c' })).toEqual(['c', 'c-d', ...folder, 'cd']);
    expect(await listKeys(storage, bucket, { prefix: 'cd' })).toEqual(['cd']);
  });

  suite.case('a "folder" prefix lists everything under it, recursively', async ({ storage, bucket }) => {
    await putKeys(storage, bucket, TREE);
    expect(await listKeys(storage, bucket, { prefix: 'd/' })).toEqual(['d/e/f', 'd/e/g', 'd/h']);
  });

  suite.case('a prefix ending inside a segment matches keys continuing it', async ({ storage, bucket }) => {
    await putKeys(storage, bucket, ['abc/1', 'abd', 'ab', 'a/b', 'b']);
    expect(await listKeys(storage, bucket, { prefix: 'ab' })).toEqual(['ab', 'abc/1', 'abd']);
  });

  suite.case('a non-ASCII prefix selects by bytes', async ({ storage, bucket }) => {
    await putKeys(storage, bucket, ['ü/1', 'ü/2', 'u/1', 'üx', 'ű']);
    expect(await listKeys(storage, bucket, { prefix: 'ü' })).toEqual(['ü/1', 'ü/2', 'üx']);
  });

  suite.case('a delimiter rolls keys up to common prefixes, each once, in order among the objects', async ({ storage, bucket }) => {
    await putKeys(storage, bucket, TREE);
    expect(await listNames(storage, bucket, { delimiter: '/' })).toEqual(['a', 'prefix:b/', 'c', 'prefix:d/', 'e']);
  });

  suite.case('a delimiter with a folder prefix lists one level of it', async ({ storage, bucket }) => {
    await putKeys(storage, bucket, TREE);
    expect(await listNames(storage, bucket, { prefix: 'b/', delimiter: '/' })).toEqual(['b/1', 'b/2', 'prefix:b/3/']);
    expect(await listNames(storage, bucket, { prefix: 'd/', delimiter: '/' })).toEqual(['prefix:d/e/', 'd/h']);
    expect(await listNames(storage, bucket, { prefix: 'd/e/', delimiter: '/' })).toEqual(['d/e/f', 'd/e/g']);
  });

  suite.case('a delimiter with a prefix inside a segment rolls up after the prefix', async ({ storage, bucket }) => {
    const file = suite.has('fileAndFolderKeys') ? ['d'] : [];
    await putKeys(storage, bucket, [...file, 'd/e', 'd/f/g', 'dx', 'dy/z', 'e']);
    expect(await listNames(storage, bucket, { prefix: 'd', delimiter: '/' })).toEqual([...file, 'prefix:d/', 'dx', 'prefix:dy/']);
  });

  suite.case('prefix entries carry only the prefix; object entries the key', async ({ storage, bucket }) => {
    await putKeys(storage, bucket, ['p/q', 'r']);
    const entries = await listAll(storage, bucket, { delimiter: '/' });
    expect(entries).toHaveLength(2);
    expect(entries[0]).toEqual({ type: 'prefix', prefix: 'p/' });
    expect(entries[1]).toMatchObject({ type: 'object', key: 'r' });
  });

  suite.case(
    'a key equal to prefix plus delimiter ("a/") rolls into that prefix and lists under it',
    async ({ storage, bucket }) => {
      await putKeys(storage, bucket, ['a/', 'a/b', 'a', 'b']);
      expect(await listNames(storage, bucket, { delimiter: '/' })).toEqual(['a', 'prefix:a/', 'b']);
      expect(await listNames(storage, bucket, { prefix: 'a/', delimiter: '/' })).toEqual(['a/', 'a/b']);
      expect(await listKeys(storage, bucket)).toEqual(['a', 'a/', 'a/b', 'b']);
    },
    { needs: ['emptySegments', 'fileAndFolderKeys'] },
  );

  suite.case('characters before the delimiter ("a-b/", "a.b/") give separate prefixes in byte order', async ({ storage, bucket }) => {
    await putKeys(storage, bucket, ['a-b/1', 'a.b/2', 'a/3', 'ab/4', 'a+']);
    expect(await listNames(storage, bucket, { delimiter: '/' })).toEqual(['a+', 'prefix:a-b/', 'prefix:a.b/', 'prefix:a/', 'prefix:ab/']);
  });

  suite.case('a delimiter other than "/" rolls up at that string', async ({ storage, bucket }) => {
    await putKeys(storage, bucket, ['2024-01-01', '2024-01-02', '2025-06-01', '2025', 'x/y']);
    expect(await listNames(storage, bucket, { delimiter: '-' })).toEqual(
      ['2024-', '2025', '2025-', 'x/y'].map((n) => (n.endsWith('-') ? `prefix:${n}` : n)),
    );
    expect(await listNames(storage, bucket, { prefix: '2024-', delimiter: '-' })).toEqual(['prefix:2024-01-']);
  });

  suite.case('startAfter is exclusive of a key that exists', async ({ storage, bucket }) => {
    await putKeys(storage, bucket, ['a', 'b', 'c', 'd']);
    expect(await listKeys(storage, bucket, { startAfter: 'b' })).toEqual(['c', 'd']);
  });

  suite.case('startAfter between keys starts at the next key', async ({ storage, bucket }) => {
    await putKeys(storage, bucket, ['a', 'b', 'c', 'd']);
    expect(await listKeys(storage, bucket, { startAfter: 'bb' })).toEqual(['c', 'd']);
    expect(await listKeys(storage, bucket, { startAfter: 'a~' })).toEqual(['b', 'c', 'd']);
  });

  suite.case('startAfter after every key lists nothing', async ({ storage, bucket }) => {
    await putKeys(storage, bucket, ['a', 'b']);
    expect(await listKeys(storage, bucket, { startAfter: 'zzz' })).toEqual([]);
  });

  suite.case(
    'startAfter compares by bytes, not UTF-16 units',
    async ({ storage, bucket }) => {
      await putKeys(storage, bucket, ['x\uFFFD', 'x\u{1F600}']);
      expect(await listKeys(storage, bucket, { startAfter: 'x\uFFFD' })).toEqual(['x\u{1F600}']);
    },
    { needs: ['startAfterByteOrder'] },
  );

  suite.case('startAfter with a prefix lists the rest of that prefix', async ({ storage, bucket }) => {
    await putKeys(storage, bucket, ['p/1', 'p/2', 'p/3', 'q/1']);
    expect(await listKeys(storage, bucket, { prefix: 'p/', startAfter: 'p/1' })).toEqual(['p/2', 'p/3']);
  });

  suite.case('startAfter before the prefix lists the whole prefix', async ({ storage, bucket }) => {
    await putKeys(storage, bucket, ['a/1', 'p/1', 'p/2', 'q/1']);
    expect(await listKeys(storage, bucket, { prefix: 'p/', startAfter: 'a' })).toEqual(['p/1', 'p/2']);
  });

  suite.case('startAfter past the prefix lists nothing', async ({ storage, bucket }) => {
    await putKeys(storage, bucket, ['p/1', 'p/2', 'q/1']);
    expect(await listKeys(storage, bucket, { prefix: 'p/', startAfter: 'q' })).toEqual([]);
  });

  suite.case('startAfter inside a common prefix yields no key of it and nothing twice', async ({ storage, bucket }) => {
    await putKeys(storage, bucket, ['a/1', 'a/2', 'b', 'c/1']);
    const names = await listNames(storage, bucket, { delimiter: '/', startAfter: 'a/1' });
    // S3 leaves this open: a server may roll the keys after startAfter up to "a/" again (the
    // prefix still has keys after it) or skip the prefix startAfter falls in (Ceph RGW does).
    // Either way no key under it is listed on its own and what follows is complete.
    expect([
      ['prefix:a/', 'b', 'prefix:c/'],
      ['b', 'prefix:c/'],
    ]).toContainEqual(names);
  });

  suite.case('startAfter at the last key of a common prefix skips that prefix', async ({ storage, bucket }) => {
    await putKeys(storage, bucket, ['a/1', 'a/2', 'b']);
    expect(await listNames(storage, bucket, { delimiter: '/', startAfter: 'a/2' })).toEqual(['b']);
  });

  const PAGED = ['a', 'b/1', 'b/2', 'b/3', 'c', 'c0/1', 'd/e/f', 'e', 'é', 'f/1', 'g', '😀'];
  for (const pageSize of [1, 2, 3, 1000]) {
    suite.case(
      `pageSize ${pageSize} lists the same sequence as the default`,
      async ({ storage, bucket }) => {
        await putKeys(storage, bucket, PAGED);
        const all = await listKeys(storage, bucket);
        expect(all).toEqual(sortedByBytes(PAGED));
        expect(await listKeys(storage, bucket, { pageSize })).toEqual(all);
      },
      { needs: ['listPagination'] },
    );
  }

  for (const pageSize of [1, 2]) {
    suite.case(
      `pageSize ${pageSize} with a delimiter yields each common prefix once across page boundaries`,
      async ({ storage, bucket }) => {
        await putKeys(storage, bucket, PAGED);
        const expected = ['a', 'prefix:b/', 'c', 'prefix:c0/', 'prefix:d/', 'e', 'prefix:f/', 'g', 'é', '😀'];
        expect(await listNames(storage, bucket, { delimiter: '/' })).toEqual(expected);
        expect(await listNames(storage, bucket, { delimiter: '/', pageSize })).toEqual(expected);
      },
      { needs: ['listPagination'] },
    );
  }

  suite.case(
    'pageSize 1 with a prefix and startAfter keeps all three rules',
    async ({ storage, bucket }) => {
      await putKeys(storage, bucket, PAGED);
      expect(await listKeys(storage, bucket, { prefix: 'b/', startAfter: 'b/1', pageSize: 1 })).toEqual(['b/2', 'b/3']);
    },
    { needs: ['listPagination'] },
  );

  suite.case(
    'a listing of more than 1000 keys with the default page size returns each once, in order',
    async ({ storage, bucket }) => {
      const keys = Array.from({ length: 1005 }, (_, i) => `k/${String(i).padStart(4, '0')}`);
      await putKeys(storage, bucket, keys, 32);
      const listed = await listKeys(storage, bucket);
      expect(listed.length).toBe(1005);
      expect(listed).toEqual(keys);
    },
    { timeout: suite.options.timeout * 3 },
  );

  suite.case(
    'objects inserted between pages neither duplicate nor skip the other keys',
    async ({ storage, bucket }) => {
      const stable = ['b', 'd', 'f', 'h', 'j', 'l', 'n'];
      await putKeys(storage, bucket, stable);
      const seen: string[] = [];
      for await (const entry of storage.listObjects(bucket, { pageSize: 2 })) {
        seen.push(entryName(entry));
        if (seen.length === 3) {
          // one before the cursor, one at the boundary, one ahead of it
          await putKeys(storage, bucket, ['a', 'e', 'g', 'm']);
        }
      }
      expectStrictlyIncreasing(seen);
      for (const key of stable)
        expect(
          seen.filter((k) => k === key),
          key,
        ).toEqual([key]);
      expect(seen).not.toContain('a');
    },
    { needs: ['listPagination', 'stablePagination'] },
  );

  suite.case(
    'objects deleted between pages neither duplicate nor skip the other keys',
    async ({ storage, bucket }) => {
      const keys = ['b', 'd', 'f', 'h', 'j', 'l', 'n'];
      await putKeys(storage, bucket, keys);
      const seen: string[] = [];
      for await (const entry of storage.listObjects(bucket, { pageSize: 2 })) {
        seen.push(entryName(entry));
        if (seen.length === 3) {
          await storage.deleteObject(bucket, 'b'); // already listed
          await storage.deleteObject(bucket, 'j'); // not yet listed
        }
      }
      expectStrictlyIncreasing(seen);
      for (const key of ['b', 'd', 'f', 'h', 'l', 'n'])
        expect(
          seen.filter((k) => k === key),
          key,
        ).toEqual([key]);
    },
    { needs: ['listPagination', 'stablePagination'] },
  );

  suite.case('weird keys list back exactly, in byte order', async ({ storage, bucket }) => {
    const keys = WEIRD_KEYS.filter(([, , needs]) => (needs ?? []).every((f) => suite.has(f))).map(([, key]) => key);
    await putKeys(storage, bucket, keys);
    expect(await listKeys(storage, bucket)).toEqual(sortedByBytes(keys));
  });

  suite.case('listing entries carry the size, ETag and lastModified that head reports', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'one', 'x');
    await storage.putObject(bucket, 'dir/two', 'twenty bytes of body', { metadata: { m: 'v' } });
    await storage.putObject(bucket, 'empty', '');
    const entries = await listAll(storage, bucket);
    expect(entries.map(entryName)).toEqual(['dir/two', 'empty', 'one']);
    for (const entry of entries) {
      if (entry.type !== 'object') throw new Error('unexpected prefix');
      const info = await storage.headObject(bucket, entry.key);
      expect(entry.size, entry.key).toBe(info.size);
      expect(entry.etag, entry.key).toBe(info.etag);
      expect(entry.lastModified).toBeInstanceOf(Date);
      // S3's listing and HEAD can differ by sub-second precision
      expect(Math.abs(entry.lastModified.getTime() - info.lastModified.getTime()), entry.key).toBeLessThan(1000);
    }
  });

  suite.case('a listing shows only the objects of its own bucket', async ({ storage, bucket, newBucket }) => {
    const other = await newBucket();
    await storage.putObject(bucket, 'mine', 'x');
    await storage.putObject(other, 'theirs', 'x');
    expect(await listKeys(storage, bucket)).toEqual(['mine']);
    expect(await listKeys(storage, other)).toEqual(['theirs']);
  });

  suite.case('stopping a listing early leaves the storage usable', async ({ storage, bucket }) => {
    await putKeys(storage, bucket, ['a', 'b', 'c', 'd', 'e']);
    for await (const entry of storage.listObjects(bucket, { pageSize: 2 })) {
      expect(entryName(entry)).toBe('a');
      break;
    }
    expect(await listKeys(storage, bucket)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  suite.case('a listing aborted before it starts rejects Aborted', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'a', 'x');
    const controller = new AbortController();
    controller.abort();
    await expectError(listAll(storage, bucket, { signal: controller.signal }), 'Aborted', { bucket });
  });
}
