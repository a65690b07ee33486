import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

/**
 * The web variant of `client-runtime.ts`: no environment, no agents (the SDK's browser runtime
 * then sends with its fetch handler; fetch has no connection or socket timeout to set), no
 * process warnings.
 */

export function maxAttemptsInEnvironment(): boolean {
  return false;
}

export function requestHandlerFor(_timeouts: { connectionTimeout: number; socketTimeout: number }): S3ClientConfig['requestHandler'] {
  return undefined;
}

export function newClient(config: S3ClientConfig): S3Client {
  return new S3Client(config);
}
