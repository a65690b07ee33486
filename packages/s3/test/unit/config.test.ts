import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { S3Client } from '@aws-sdk/client-s3';
import { S3_CAPABILITIES } from '@stowage/core';
import { S3Storage } from '@stowage/s3';
import { describe, expect, it } from 'vitest';
import { clientConfigFor, createClient, resolveTransferOptions } from '../../src/config.ts';

describe('client configuration', () => {
  it('a custom endpoint gets path style, us-east-1 and WHEN_REQUIRED checksums', () => {
    const config = clientConfigFor({ endpoint: 'http://127.0.0.1:7480' });
    expect(config).toMatchObject({
      endpoint: 'http://127.0.0.1:7480',
      forcePathStyle: true,
      region: 'us-east-1',
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  });

  it('explicit settings win over the endpoint defaults', () => {
    const config = clientConfigFor({
      endpoint: 'https://x.r2.cloudflarestorage.com',
      region: 'auto',
      forcePathStyle: false,
      requestChecksumCalculation: 'WHEN_SUPPORTED',
    });
    expect(config).toMatchObject({ region: 'auto', forcePathStyle: false, requestChecksumCalculation: 'WHEN_SUPPORTED' });
  });

  it('AWS itself keeps the SDK defaults (no region, checksums or credentials forced)', () => {
    const config = clientConfigFor({});
    expect(config.endpoint).toBeUndefined();
    expect(config.region).toBeUndefined();
    expect(config.forcePathStyle).toBeUndefined();
    expect(config.requestChecksumCalculation).toBeUndefined();
    expect(config.credentials).toBeUndefined();
  });

  it('uses keep-alive agents with TCP_NODELAY unless a request handler is given', () => {
    const config = clientConfigFor({ endpoint: 'http://127.0.0.1:1' });
    const handler = config.requestHandler as { httpAgent: { keepAlive: boolean; options: { noDelay?: boolean } } };
    expect(handler.httpAgent.keepAlive).toBe(true);
    expect(handler.httpAgent.options.noDelay).toBe(true);
    const own = { requestTimeout: 5 };
    expect(clientConfigFor({ clientConfig: { requestHandler: own } }).requestHandler).toBe(own);
  });

  it('exposes the client it was given, and refuses a client together with client options', () => {
    // Built through the driver's helper only to keep the SDK's Node-version warning out of the output.
    const client: S3Client = createClient({ region: 'us-east-1' });
    const storage = new S3Storage({ client });
    expect(storage.client).toBe(client);
    storage.destroy(); // leaves a given client alone
    expect(() => new S3Storage({ client, endpoint: 'http://x' })).toThrow(/either an S3Client or client options/);
    client.destroy();
  });

  it('declares S3 capabilities, narrowed by the caller for servers that lack features', () => {
    const storage = new S3Storage({
      endpoint: 'http://127.0.0.1:1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      capabilities: { conditionalPut: false },
    });
    expect(storage.name).toBe('s3');
    expect(storage.capabilities).toEqual({ ...S3_CAPABILITIES, conditionalPut: false });
    storage.destroy();
  });

  it('checks transfer settings', () => {
    expect(resolveTransferOptions({})).toEqual({
      multipartThreshold: 8 * 1024 * 1024,
      partSize: 8 * 1024 * 1024,
      queueSize: 4,
      multipartCopyThreshold: 5 * 1024 ** 3,
      copyPartSize: 512 * 1024 * 1024,
    });
    expect(() => resolveTransferOptions({ partSize: 1024 })).toThrow(/partSize/);
    expect(() => resolveTransferOptions({ queueSize: 0 })).toThrow(/queueSize/);
  });

  it('keeps the SDK NodeVersionSupportWarning out of the output', () => {
    // In a child process: the SDK warns once per process, so this process may have used it up.
    const root = fileURLToPath(new URL('../../../../', import.meta.url));
    const tsx = join(root, 'node_modules', '.bin', 'tsx');
    const script = fileURLToPath(new URL('../fixtures/construct-client.ts', import.meta.url));
    const run = (...args: string[]) =>
      spawnSync(tsx, [script, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    const ours = run();
    expect(ours.status).toBe(0);
    expect(ours.stderr).not.toContain('NodeVersionSupportWarning');
    const major = Number(process.versions.node.split('.')[0]);
    // The control: the SDK itself does warn on this Node version, so the check above means something.
    if (major < 22) expect(run('raw').stderr).toContain('NodeVersionSupportWarning');
  });
});
