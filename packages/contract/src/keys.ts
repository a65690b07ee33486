import { expect } from 'vitest';
import type { Storage } from '@stowage/core';
import type { BooleanCapability, CaseContext, ContractSuite } from './context.js';
import { expectEmptyBucket, expectError, listAll, listKeys, listNames, readAll } from './helpers.js';

/** Keys S3 accepts that trip up URL encoding, file systems or XML; each must round-trip exactly. */
export const WEIRD_KEYS: [label: string, key: string, needs?: BooleanCapability[]][] = [
  ['non-ASCII letters in several scripts', 'ünïcödé/日本語/файл/עברית'],
  ['spaces', 'with space/and  two  spaces'],
  ['a leading and a trailing space', ' lead and trail '],
  ['plus signs', 'a+b+c'],
  ['a percent sign', '100%'],
  ['a lone percent before letters', '%zz%'],
  ['an encoded-looking %2F', 'a%2Fb'],
  ['an encoded-looking %20 and %25', 'a%20b%25c'],
  ['an ampersand', 'a&b'],
  ['a hash', 'a#b'],
  ['a question mark', 'a?b'],
  ['an equals sign', 'a=b'],
  ['a semicolon', 'a;b'],
  ['a colon', 'c:/windows/drive'],
  ['an at sign', 'user@host'],
  ['an exclamation mark', 'wow!'],
  ['an asterisk', 'glob*'],
  ['double quotes', 'say "hi"'],
  ['single quotes', "it's"],
  ['a backslash', 'back\\slash\\'],
  ['emoji', '😀/🎉.txt'],
  ['an emoji ZWJ sequence', 'family-👨‍👩‍👧'],
  ['a combining accent', 'cafe\u0301'],
  ['U+FFFD and a BOM', '\uFFFD\uFEFFbom'],
  ['a tilde and a dollar', '~user/$HOME'],
  ['a comma and parentheses', 'copy (1), final'],
  ['brackets and braces', '[a]{b}'],
  ['a caret, a backtick and a pipe', 'a^b`c|d'],
  ['angle brackets and an XML entity', '<tag>&amp;'],
  ['dots inside names', 'archive.tar.gz'],
  ['a hidden-file name', '.hidden/.config'],
  ['a three-dot segment', '.../x'],
  ['Windows reserved names', 'CON/aux.txt/nul'],
  ['a deep path', 'a/b/c/d/e/f/g/h/i/j/k'],
  ['a 255-byte segment', `seg/${'s'.repeat(255)}`, ['maxLengthSegments']],
  ['a tab', 'tab\tkey', ['controlCharsInKeys']],
  ['a newline and a carriage return', 'line\nbreak\r', ['controlCharsInKeys']],
  ['U+0001 and DEL', 'ctl\u0001\u007f', ['controlCharsInKeys']],
];

/** Keys whose acceptance depends on a capability: accepted when it is declared, `InvalidKey` otherwise. */
const CAPABILITY_KEYS: [capability: 'dotSegments' | 'emptySegments' | 'longSegments' | 'nulInKeys', label: string, key: string][] = [
  ['dotSegments', 'a `..` segment', 'a/../b'],
  ['dotSegments', 'a leading `.` segment', './a'],
  ['dotSegments', 'an inner `.` segment', 'a/./b'],
  ['dotSegments', 'the key `..`', '..'],
  ['dotSegments', 'a trailing `..` segment', 'a/..'],
  ['emptySegments', 'an empty inner segment', 'a//b'],
  ['emptySegments', 'a leading slash', '/a'],
  ['emptySegments', 'only slashes', '//'],
  ['longSegments', 'a 300-byte ASCII segment', `long/${'l'.repeat(300)}`],
  ['longSegments', 'a 300-byte segment of 2-byte characters', `long/${'é'.repeat(150)}`],
  ['nulInKeys', 'U+0000', 'nul\u0000key'],
];

/** A key of exactly `bytes` UTF-8 bytes made of `unit` (1–4 bytes), in segments of at most 200 bytes. */
export function keyOfBytes(bytes: number, unit = 'k'): string {
  const unitBytes = Buffer.byteLength(unit, 'utf8');
  let key = '';
  let length = 0;
  let segment = 0;
  while (length < bytes) {
    const left = bytes - length;
    if (segment + unitBytes > 200 && left > unitBytes + 1) {
      key += '/';
      length += 1;
      segment = 0;
    } else if (left >= unitBytes) {
      key += unit;
      length += unitBytes;
      segment += unitBytes;
    } else {
      key += 'k';
      length += 1;
      segment += 1;
    }
  }
  return key;
}

/** Puts `key`, then checks it through head, get, list (with and without prefix) and delete. */
export async function expectRoundTrip(storage: Storage, bucket: string, key: string): Promise<void> {
  const body = `body of ${JSON.stringify(key)}`;
  const put = await storage.putObject(bucket, key, body, { metadata: { k: 'v' } });
  const info = await storage.headObject(bucket, key);
  expect(info.key).toBe(key);
  expect(info.size).toBe(Buffer.byteLength(body));
  expect(info.etag).toBe(put.etag);
  expect(info.metadata).toEqual({ k: 'v' });
  const got = await storage.getObject(bucket, key);
  expect(got.info.key).toBe(key);
  expect(await got.text()).toBe(body);
  expect(await listKeys(storage, bucket)).toEqual([key]);
  expect(await listKeys(storage, bucket, { prefix: key })).toEqual([key]);
  await storage.deleteObject(bucket, key);
  await expectError(storage.headObject(bucket, key), 'NoSuchKey', { bucket, key });
  expect(await listKeys(storage, bucket)).toEqual([]);
}

/** Methods that take a key, called with `key`. */
const KEY_METHODS: [method: string, call: (ctx: CaseContext, key: string) => Promise<unknown>][] = [
  ['putObject', (c, k) => c.storage.putObject(c.bucket, k, 'x')],
  ['getObject', (c, k) => c.storage.getObject(c.bucket, k)],
  ['headObject', (c, k) => c.storage.headObject(c.bucket, k)],
  ['deleteObject', (c, k) => c.storage.deleteObject(c.bucket, k)],
  ['copyObject (source)', (c, k) => c.storage.copyObject({ bucket: c.bucket, key: k }, { bucket: c.bucket, key: 'ok' })],
  ['copyObject (target)', (c, k) => c.storage.copyObject({ bucket: c.bucket, key: 'ok' }, { bucket: c.bucket, key: k })],
];

/** Keys: special characters, lengths in UTF-8 bytes, invalid keys and capability-dependent shapes. */
export function registerKeys(suite: ContractSuite): void {
  for (const [label, key, needs] of WEIRD_KEYS) {
    suite.case(
      `a key with ${label} round-trips through put, head, get, list and delete`,
      async ({ storage, bucket }) => {
        await expectRoundTrip(storage, bucket, key);
      },
      { needs: needs ?? [] },
    );
  }

  for (const [capability, label, key] of CAPABILITY_KEYS) {
    if (suite.has(capability)) {
      suite.case(`a key with ${label} round-trips (${capability})`, async ({ storage, bucket }) => {
        await expectRoundTrip(storage, bucket, key);
      });
    } else {
      suite.case(`a key with ${label} rejects InvalidKey and leaves nothing (no ${capability})`, async ({ storage, bucket }) => {
        await expectError(storage.putObject(bucket, key, 'x'), 'InvalidKey', { bucket, key });
        await expectEmptyBucket(storage, bucket);
      });
    }
  }

  suite.case(
    'a key with a 300-byte segment next to a short one lists in order',
    async ({ storage, bucket }) => {
      const long = `long/${'l'.repeat(300)}`;
      await storage.putObject(bucket, 'long/a', 'x');
      await storage.putObject(bucket, long, 'y');
      expect(await listKeys(storage, bucket, { prefix: 'long/' })).toEqual(['long/a', long]);
    },
    { needs: ['longSegments'] },
  );

  for (const [first, second] of [
    ['a/b', 'a/b/c'],
    ['a/b/c', 'a/b'],
  ] as const) {
    if (suite.has('fileAndFolderKeys')) {
      suite.case(`${first} then ${second}: both keys exist (fileAndFolderKeys)`, async ({ storage, bucket }) => {
        await storage.putObject(bucket, first, 'first');
        await storage.putObject(bucket, second, 'second');
        expect((await readAll(storage, bucket, first)).toString()).toBe('first');
        expect((await readAll(storage, bucket, second)).toString()).toBe('second');
        expect(await listKeys(storage, bucket)).toEqual(['a/b', 'a/b/c']);
        expect(await listAll(storage, bucket, { prefix: 'a/', delimiter: '/' })).toEqual([
          expect.objectContaining({ type: 'object', key: 'a/b' }),
          { type: 'prefix', prefix: 'a/b/' },
        ]);
        await storage.deleteObject(bucket, 'a/b');
        expect(await listKeys(storage, bucket)).toEqual(['a/b/c']);
      });
    } else {
      suite.case(
        `${first} then ${second}: the second rejects InvalidKey, the first is intact (no fileAndFolderKeys)`,
        async ({ storage, bucket }) => {
          await storage.putObject(bucket, first, 'first');
          await expectError(storage.putObject(bucket, second, 'second'), 'InvalidKey', { bucket, key: second });
          expect((await readAll(storage, bucket, first)).toString()).toBe('first');
          expect(await listKeys(storage, bucket)).toEqual([first]);
        },
      );
    }
  }

  if (suite.has('folderMarkers')) {
    suite.case(
      'a folder marker (`photos/`, empty body) is stored, headed, read, listed, copied and deleted',
      async ({ storage, bucket }) => {
        const put = await storage.putObject(bucket, 'photos/', '', { metadata: { k: 'v' } });
        const info = await storage.headObject(bucket, 'photos/');
        expect(info).toMatchObject({ key: 'photos/', size: 0, etag: put.etag, metadata: { k: 'v' } });
        const got = await storage.getObject(bucket, 'photos/');
        expect(got.info.key).toBe('photos/');
        expect(await got.text()).toBe('');
        expect(await listKeys(storage, bucket)).toEqual(['photos/']);
        expect(await listAll(storage, bucket, { delimiter: '/' })).toEqual([{ type: 'prefix', prefix: 'photos/' }]);
        await storage.copyObject({ bucket, key: 'photos/' }, { bucket, key: 'albums/' });
        expect((await storage.headObject(bucket, 'albums/')).size).toBe(0);
        await storage.deleteObject(bucket, 'photos/');
        await storage.deleteObject(bucket, 'albums/');
        await expectEmptyBucket(storage, bucket);
      },
    );
    if (suite.has('folderMarkerBodies')) {
      suite.case('a folder marker may hold bytes (folderMarkerBodies)', async ({ storage, bucket }) => {
        await storage.putObject(bucket, 'photos/', 'a note about the folder');
        expect(await (await storage.getObject(bucket, 'photos/')).text()).toBe('a note about the folder');
      });
    } else {
      suite.case(
        'bytes under a folder marker are InvalidKey saying why, and leave nothing (no folderMarkerBodies)',
        async ({ storage, bucket }) => {
          const error = await expectError(storage.putObject(bucket, 'photos/', 'bytes'), 'InvalidKey', { bucket, key: 'photos/' });
          expect(error.message).toMatch(/folder/);
          async function* streamed(): AsyncGenerator<Uint8Array> {
            yield new Uint8Array(0);
            yield Buffer.from('late bytes');
          }
          await expectError(storage.putObject(bucket, 'photos/', streamed()), 'InvalidKey', { bucket, key: 'photos/' });
          await expectEmptyBucket(storage, bucket);
        },
      );
    }
  } else {
    suite.case('a key ending in "/" rejects InvalidKey and leaves nothing (no folderMarkers)', async ({ storage, bucket }) => {
      await expectError(storage.putObject(bucket, 'a/', ''), 'InvalidKey', { bucket, key: 'a/' });
      await expectEmptyBucket(storage, bucket);
    });
  }

  suite.case(
    'a folder marker (`folder/`, empty body, as the AWS console makes) beside `folder/x` lists as S3 lists it',
    async ({ storage, bucket }) => {
      await storage.putObject(bucket, 'folder/', '');
      await storage.putObject(bucket, 'folder/x', 'x');
      expect((await storage.headObject(bucket, 'folder/')).size).toBe(0);
      expect(await listKeys(storage, bucket)).toEqual(['folder/', 'folder/x']);
      expect(await listAll(storage, bucket, { delimiter: '/' })).toEqual([{ type: 'prefix', prefix: 'folder/' }]);
      expect(await listNames(storage, bucket, { prefix: 'folder/', delimiter: '/' })).toEqual(['folder/', 'folder/x']);
      await storage.deleteObject(bucket, 'folder/');
      expect(await listKeys(storage, bucket)).toEqual(['folder/x']);
    },
    { needs: ['folderMarkers'] },
  );

  // On a file-system engine, folders emptied by deletes must go, or the parent's name stays unwritable.
  suite.case(
    'deleteObject(a), put a/b/c (ifNoneMatch *), put a/b/c, deleteObjects [a/b/c, z/y/x], then put a/b succeeds',
    async ({ storage, bucket }) => {
      await storage.deleteObject(bucket, 'a');
      await storage.putObject(bucket, 'a/b/c', 'one', { ifNoneMatch: '*' });
      await storage.putObject(bucket, 'a/b/c', 'two');
      await storage.deleteObjects(bucket, ['a/b/c', 'z/y/x']);
      await expectEmptyBucket(storage, bucket);
      await storage.putObject(bucket, 'a/b', 'file');
      expect((await readAll(storage, bucket, 'a/b')).toString()).toBe('file');
      expect(await listKeys(storage, bucket)).toEqual(['a/b']);
    },
  );

  suite.case('overwrite a/b/c, delete it, then write a/b: the emptied folders are gone', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'a/b/c', 'one');
    await storage.putObject(bucket, 'a/b/c', 'two');
    await storage.deleteObject(bucket, 'a/b/c');
    await storage.putObject(bucket, 'a/b', 'file');
    expect((await readAll(storage, bucket, 'a/b')).toString()).toBe('file');
  });

  suite.case(
    'keys differing only in letter case are distinct',
    async ({ storage, bucket }) => {
      await storage.putObject(bucket, 'Case', 'upper');
      await storage.putObject(bucket, 'case', 'lower');
      expect((await readAll(storage, bucket, 'Case')).toString()).toBe('upper');
      expect((await readAll(storage, bucket, 'case')).toString()).toBe('lower');
      expect(await listKeys(storage, bucket)).toEqual(['Case', 'case']);
    },
    { needs: ['caseSensitiveKeys'] },
  );

  suite.case(
    'keys in NFC and NFD are distinct (keys are bytes, not normalised)',
    async ({ storage, bucket }) => {
      const nfc = 'caf\u00e9';
      const nfd = 'cafe\u0301';
      await storage.putObject(bucket, nfc, 'composed');
      await storage.putObject(bucket, nfd, 'decomposed');
      expect((await readAll(storage, bucket, nfc)).toString()).toBe('composed');
      expect((await readAll(storage, bucket, nfd)).toString()).toBe('decomposed');
      expect(await listKeys(storage, bucket)).toEqual([nfd, nfc]);
    },
    { needs: ['normalizationSensitiveKeys'] },
  );

  // Lengths, counted in UTF-8 bytes.
  const max = suite.capabilities.maxKeyBytes;
  if (max >= 1024) {
    suite.case('a 1024-byte ASCII key is accepted', async ({ storage, bucket }) => {
      const key = keyOfBytes(1024);
      expect(Buffer.byteLength(key)).toBe(1024);
      await expectRoundTrip(storage, bucket, key);
    });
    suite.case('a 1024-byte key of 4-byte characters (512 UTF-16 units) is accepted', async ({ storage, bucket }) => {
      const key = keyOfBytes(1024, '😀');
      expect(Buffer.byteLength(key)).toBe(1024);
      await expectRoundTrip(storage, bucket, key);
    });
  } else {
    suite.case(`a 1024-byte key rejects InvalidKey (maxKeyBytes is ${max})`, async ({ storage, bucket }) => {
      const key = keyOfBytes(1024);
      await expectError(storage.putObject(bucket, key, 'x'), 'InvalidKey', { bucket, key });
      await expectEmptyBucket(storage, bucket);
    });
    suite.case(`a key of maxKeyBytes (${max}) UTF-8 bytes is accepted`, async ({ storage, bucket }) => {
      await expectRoundTrip(storage, bucket, keyOfBytes(max));
    });
  }

  suite.case(`a key of maxKeyBytes + 1 (${max + 1}) ASCII bytes rejects InvalidKey`, async ({ storage, bucket }) => {
    const key = keyOfBytes(max + 1);
    expect(Buffer.byteLength(key)).toBe(max + 1);
    await expectError(storage.putObject(bucket, key, 'x'), 'InvalidKey', { bucket, key });
    await expectEmptyBucket(storage, bucket);
  });

  suite.case('a 1025-byte key that is under 1024 UTF-16 units rejects InvalidKey (bytes count, not chars)', async ({ storage, bucket }) => {
    const key = keyOfBytes(1025, '€');
    expect(Buffer.byteLength(key)).toBe(1025);
    expect(key.length).toBeLessThan(1024);
    await expectError(storage.putObject(bucket, key, 'x'), 'InvalidKey', { bucket, key });
    await expectEmptyBucket(storage, bucket);
  });

  suite.case('an empty key rejects InvalidKey', async ({ storage, bucket }) => {
    await expectError(storage.putObject(bucket, '', 'x'), 'InvalidKey', { bucket, key: '' });
    await expectEmptyBucket(storage, bucket);
  });

  suite.case('a key with a lone high surrogate rejects InvalidKey', async ({ storage, bucket }) => {
    const key = 'bad\uD800key';
    await expectError(storage.putObject(bucket, key, 'x'), 'InvalidKey', { bucket, key });
    await expectEmptyBucket(storage, bucket);
  });

  suite.case('a key with a lone low surrogate rejects InvalidKey', async ({ storage, bucket }) => {
    const key = 'bad\uDC00';
    await expectError(storage.putObject(bucket, key, 'x'), 'InvalidKey', { bucket, key });
    await expectEmptyBucket(storage, bucket);
  });

  suite.case('the key is checked before the bucket is looked up (InvalidKey on a missing bucket)', async ({ storage, missingBucket }) => {
    const missing = missingBucket();
    await expectError(storage.putObject(missing, '', 'x'), 'InvalidKey', { bucket: missing, key: '' });
  });

  for (const [method, call] of KEY_METHODS) {
    suite.case(`${method} rejects an empty key with InvalidKey`, async (ctx) => {
      await ctx.storage.putObject(ctx.bucket, 'ok', 'x');
      await expectError(call(ctx, ''), 'InvalidKey', { key: '' });
      expect(await listKeys(ctx.storage, ctx.bucket)).toEqual(['ok']);
    });
  }
}
