// The S3 tests' starter (guarded against s3rver's crash on long keys, restarted if it dies).
import { startS3rver as startTestS3rver } from '@stowage/testing';
import type { ServerInfo } from './config.js';

/** s3rver's and the Ceph scripts' fixed test credentials. */
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export const CEPH_ENDPOINT = process.env.STOWAGE_CEPH_ENDPOINT ?? 'http://127.0.0.1:7480';

export async function answers(endpoint: string, timeoutMs = 1000): Promise<boolean> {
  try {
    await fetch(endpoint, { signal: AbortSignal.timeout(timeoutMs) });
    return true;
  } catch {
    return false;
  }
}

export interface RunningServer {
  info: ServerInfo;
  stop(): Promise<void>;
}

/** s3rver 3.7.1 as a child process on a free port with a fresh data folder: the S3 tests' own starter. */
export async function startS3rver(): Promise<RunningServer> {
  const server = await startTestS3rver();
  return {
    info: { id: 's3rver', label: 's3rver 3.7.1', endpoint: server.endpoint, credentials: server.credentials },
    stop: () => server.stop(),
  };
}

/** Ceph RGW when it answers (started with scripts/ceph-rgw/start.sh); the bench never starts it itself. */
export async function findCeph(): Promise<ServerInfo | undefined> {
  if (!(await answers(CEPH_ENDPOINT, 2000))) return undefined;
  return { id: 'ceph', label: 'Ceph RGW 16.2 (bluestore)', endpoint: CEPH_ENDPOINT, credentials: CREDENTIALS };
}
