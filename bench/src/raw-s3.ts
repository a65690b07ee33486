import type { ServerInfo } from './config.js';

/**
 * The raw AWS SDK client the baselines use, on `info`'s server. The SDK is imported when one is
 * made, so a process that measures no S3 case never loads it.
 */
export async function rawS3Client(info: Pick<ServerInfo, 'endpoint' | 'credentials'>) {
  const { S3Client } = await import('@aws-sdk/client-s3');
  // The settings every non-AWS server needs (see shared/notes/s3-servers.md), and nothing else.
  return new S3Client({
    endpoint: info.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: info.credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
