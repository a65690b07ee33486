import { type TcpProxy, startTcpProxy } from './tcp-proxy.js';

/** A TCP proxy that lets each response through up to `limit` bytes and then holds the rest. */
export type StallProxy = TcpProxy;

/**
 * Starts a proxy to `127.0.0.1:upstreamPort` on a free port. Requests pass untouched (so SigV4
 * signatures stay valid); each connection's response stops after `limit` bytes, like a network
 * that stalls mid-download, so a test can interrupt a download at a moment it chooses.
 */
export function startStallProxy(upstreamPort: number, limit: number): Promise<StallProxy> {
  return startTcpProxy(upstreamPort, (client, upstream) => {
    let passed = 0;
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => {
      if (passed >= limit) {
        upstream.pause();
        return;
      }
      passed += chunk.length;
      client.write(chunk);
    });
  });
}
