import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

/**
 * What the client the driver builds takes from Node: the environment, its connections, the
 * process's warnings. `client-runtime.web.ts` is the same for browsers and workers, which have none
 * of these.
 */

/** Whether `AWS_MAX_ATTEMPTS` is set, so the SDK reads the attempts from it. */
export function maxAttemptsInEnvironment(): boolean {
  return Boolean(process.env.AWS_MAX_ATTEMPTS);
}

/**
 * The request handler's settings: keep-alive agents with `TCP_NODELAY`, and the timeouts. The
 * SDK's own agents keep connections alive but leave Nagle's algorithm on; against a server that
 * delays ACKs, every small request then waits for the delayed ACK.
 */
export function requestHandlerFor(timeouts: { connectionTimeout: number; socketTimeout: number }): S3ClientConfig['requestHandler'] {
  const agentOptions = { keepAlive: true, noDelay: true, maxSockets: 50 };
  return { httpAgent: new HttpAgent(agentOptions), httpsAgent: new HttpsAgent(agentOptions), ...timeouts };
}

/**
 * A new `S3Client`, keeping the SDK's `NodeVersionSupportWarning` (it announces that future SDK
 * releases need Node 22; it says nothing about this release) out of the caller's output.
 */
export function newClient(config: S3ClientConfig): S3Client {
  const emitWarning = process.emitWarning;
  // The SDK emits the warning synchronously from the constructor, once per process; only that
  // warning is dropped, and only while the constructor runs.
  process.emitWarning = function filtered(this: NodeJS.Process, warning: string | Error, ...rest: unknown[]) {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (text.startsWith('NodeVersionSupportWarning')) return;
    return (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return new S3Client(config);
  } finally {
    process.emitWarning = emitWarning;
  }
}
