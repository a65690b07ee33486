import { expect } from 'vitest';
import type { ContractSuite } from './context.js';
import { expectError, listKeys, listNames, putKeys, readAll } from './helpers.js';

/** Deletes: single and batch, idempotence, siblings, and batch errors. */
export function registerDelete(suite: ContractSuite): void {
  suite.case('deleteObject removes an existing object from head, get and list', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'gone', 'x');
    await storage.deleteObject(bucket, 'gone');
    await expectError(storage.headObject(bucket, 'gone'), 'NoSuchKey', { bucket, key: 'gone' });
    await expectError(storage.getObject(bucket, 'gone'), 'NoSuchKey', { bucket, key: 'gone' });
    expect(await listKeys(storage, bucket)).toEqual([]);
  });

  suite.case('deleteObject of a missing key succeeds', async ({ storage, bucket }) => {
    await expect(storage.deleteObject(bucket, 'never-existed')).resolves.toBeUndefined();
  });

  suite.case('deleteObject twice succeeds both times', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'twice', 'x');
    await storage.deleteObject(bucket, 'twice');
    await expect(storage.deleteObject(bucket, 'twice')).resolves.toBeUndefined();
    expect(await listKeys(storage, bucket)).toEqual([]);
  });

  suite.case('deleteObject leaves siblings and keys sharing its prefix alone', async ({ storage, bucket }) => {
    await putKeys(storage, bucket, ['dir/a', 'dir/ab', 'dir/b', 'dirx', 'dir/a-c']);
    await storage.deleteObject(bucket, 'dir/a');
    expect(await listKeys(storage, bucket)).toEqual(['dir/a-c', 'dir/ab', 'dir/b', 'dirx']);
  });

  suite.case('deleting the last key under a "folder" leaves no empty common prefix behind', async ({ storage, bucket }) => {
    await putKeys(storage, bucket, ['p/q/r', 's']);
    await storage.deleteObject(bucket, 'p/q/r');
    expect(await listNames(storage, bucket, { delimiter: '/' })).toEqual(['s']);
    expect(await listNames(storage, bucket, { prefix: 'p/', delimiter: '/' })).toEqual([]);
  });

  suite.case('deleteObject of a "folder" name does not touch the keys under it', async ({ storage, bucket }) => {
    await putKeys(storage, bucket, ['folder/a', 'folder/b/c']);
    await storage.deleteObject(bucket, 'folder');
    await storage.deleteObject(bucket, 'folder/b');
    expect(await listKeys(storage, bucket)).toEqual(['folder/a', 'folder/b/c']);
  });

  suite.case('an object can be written again after it was deleted', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'again', 'first', { metadata: { v: '1' } });
    await storage.deleteObject(bucket, 'again');
    await storage.putObject(bucket, 'again', 'second');
    expect((await readAll(storage, bucket, 'again')).toString()).toBe('second');
    expect((await storage.headObject(bucket, 'again')).metadata).toEqual({});
  });

  suite.case('deleteObject aborted before it starts rejects Aborted and keeps the object', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'stay', 'x');
    const controller = new AbortController();
    controller.abort();
    await expectError(storage.deleteObject(bucket, 'stay', { signal: controller.signal }), 'Aborted', {
      bucket,
      key: 'stay',
    });
    expect(await listKeys(storage, bucket)).toEqual(['stay']);
  });

  suite.case('deleteObjects with existing, missing and duplicate keys reports all as deleted', async ({ storage, bucket }) => {
    await putKeys(storage, bucket, ['a', 'b', 'c', 'keep']);
    const result = await storage.deleteObjects(bucket, ['a', 'missing', 'b', 'a', 'c', 'missing']);
    expect(result.errors).toEqual([]);
    expect([...new Set(result.deleted)].sort()).toEqual(['a', 'b', 'c', 'missing']);
    expect(await listKeys(storage, bucket)).toEqual(['keep']);
  });

  suite.case('deleteObjects of an empty list does nothing', async ({ storage, bucket }) => {
    await storage.putObject(bucket, 'keep', 'x');
    const result = await storage.deleteObjects(bucket, []);
    expect(result).toEqual({ deleted: [], errors: [] });
    expect(await listKeys(storage, bucket)).toEqual(['keep']);
  });

  suite.case('deleteObjects handles weird keys', async ({ storage, bucket }) => {
    const keys = ['a b', 'ü/日本', 'x+y', 'q?r', '%2F', '<&>', '😀'];
    await putKeys(storage, bucket, [...keys, 'keep']);
    const result = await storage.deleteObjects(bucket, keys);
    expect(result.errors).toEqual([]);
    expect([...result.deleted].sort()).toEqual([...keys].sort());
    expect(await listKeys(storage, bucket)).toEqual(['keep']);
  });

  suite.case(
    'deleteObjects handles keys with control characters (not representable in XML 1.0)',
    async ({ storage, bucket }) => {
      const keys = ['tab\tkey', 'line\nbreak', 'cr\rkey', 'crlf\r\nkey', 'ctl\u0001', 'del\u007f'];
      await putKeys(storage, bucket, [...keys, 'keep']);
      const result = await storage.deleteObjects(bucket, keys);
      expect(result.errors).toEqual([]);
      expect([...result.deleted].sort()).toEqual([...keys].sort());
      expect(await listKeys(storage, bucket)).toEqual(['keep']);
    },
    { needs: ['controlCharsInKeys'] },
  );

  suite.case('deleteObjects reports an invalid key in errors and deletes the valid ones', async ({ storage, bucket }) => {
    await putKeys(storage, bucket, ['ok1', 'ok2', 'keep']);
    const tooLong = 'k'.repeat(1100);
    const result = await storage.deleteObjects(bucket, ['ok1', '', tooLong, 'ok2']);
    expect(result.deleted.sort()).toEqual(['ok1', 'ok2']);
    expect(result.errors.map((e) => [e.key, e.code]).sort()).toEqual([
      ['', 'InvalidKey'],
      [tooLong, 'InvalidKey'],
    ]);
    for (const e of result.errors) expect(e.message.length).toBeGreaterThan(5);
    expect(await listKeys(storage, bucket)).toEqual(['keep']);
  });

  suite.case(
    'deleteObjects of more than 1000 keys deletes them all',
    async ({ storage, bucket }) => {
      const keys = Array.from({ length: 1003 }, (_, i) => `batch/${String(i).padStart(4, '0')}`);
      await putKeys(storage, bucket, [...keys, 'keep'], 32);
      const result = await storage.deleteObjects(bucket, keys);
      expect(result.errors).toEqual([]);
      expect(new Set(result.deleted).size).toBe(keys.length);
      expect(await listKeys(storage, bucket)).toEqual(['keep']);
    },
    { timeout: suite.options.timeout * 3 },
  );

  suite.case('deleteObjects aborted before it starts rejects Aborted and keeps the objects', async ({ storage, bucket }) => {
    await putKeys(storage, bucket, ['a', 'b']);
    const controller = new AbortController();
    controller.abort();
    await expectError(storage.deleteObjects(bucket, ['a', 'b'], { signal: controller.signal }), 'Aborted', { bucket });
    expect(await listKeys(storage, bucket)).toEqual(['a', 'b']);
  });
}
