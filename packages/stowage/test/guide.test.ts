// Runs the stowage walkthrough of docs/boto3-guide.md as it is written there, on memory, the
// local disk and s3rver (credentials from the AWS default chain: environment variables).
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type S3rver, startS3rver } from '@stowage/testing';
import { s3Url } from './helpers/targets.js';

const guidePath = fileURLToPath(new URL('../../../docs/boto3-guide.md', import.meta.url));
// Ignored by git (.tmp/): the guide's code is written here so vitest can import it with the aliases.
const workDir = fileURLToPath(new URL('./.tmp/', import.meta.url));

/** The TypeScript block under "## The seed, in stowage". */
async function guideExample(): Promise<string> {
  const text = await readFile(guidePath, 'utf8');
  const section = text.split('## The seed, in stowage')[1] ?? '';
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error('no ts block under "## The seed, in stowage" in docs/boto3-guide.md');
  return code;
}

/** Runs the example with `env` set, returning what it logged. */
async function runExample(name: string, env: Record<string, string>): Promise<string[]> {
  await mkdir(workDir, { recursive: true });
  const file = join(workDir, `guide-${name}.ts`);
  await writeFile(file, await guideExample());
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await import(/* @vite-ignore */ pathToFileURL(file).href);
    return log.mock.calls.map((args) => format(...args));
  } finally {
    log.mockRestore();
    stderr.mockRestore();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

function expectWalkthroughOutput(lines: string[]): void {
  expect(lines).toContain('archive/backup.tar 20971520');
  expect(lines).toContain('same bytes: true');
  expect(lines).toContain('first bytes: 512 20971520');
  expect(lines).toContain('exists after delete: false');
  expect(lines.some((l) => l.startsWith('20971520 "') && l.includes('application/x-tar') && l.includes('seed'))).toBe(true);
}

describe('docs/boto3-guide.md', () => {
  let server: S3rver;
  let root: string;
  beforeAll(async () => {
    server = await startS3rver();
    root = await mkdtemp(join(tmpdir(), 'stowage-guide-root-'));
  });
  afterAll(async () => {
    await server?.stop();
    await rm(root, { recursive: true, force: true });
    await rm(workDir, { recursive: true, force: true });
  });

  it('its stowage walkthrough runs on memory://', async () => {
    expectWalkthroughOutput(await runExample('memory', { STORAGE_URL: 'memory://' }));
  }, 60_000);

  it('its stowage walkthrough runs on file:///', async () => {
    expectWalkthroughOutput(await runExample('local', { STORAGE_URL: pathToFileURL(root).href }));
  }, 60_000);

  it('its stowage walkthrough runs on s3:// with credentials from the default chain', async () => {
    const lines = await runExample('s3', {
      STORAGE_URL: s3Url(server.endpoint),
      AWS_ACCESS_KEY_ID: server.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: server.credentials.secretAccessKey,
    });
    expectWalkthroughOutput(lines);
  }, 60_000);
});
