import { type TcpProxy, startTcpProxy } from './tcp-proxy.js';

/** A TCP proxy whose requests travel at a limited rate, like a slow uplink. */
export type SlowProxy = TcpProxy;

/**
 * Starts a proxy to `127.0.0.1:upstreamPort` on a free port that passes what clients send at most
 * `bytesPerSecond` per connection (answers pass at full speed). Bytes pass untouched, so presigned
 * URLs made for the proxy's address stay valid. A client that uploads through it sees its upload
 * progress move over seconds, as on a real network, instead of in one step on the loopback.
 */
export function startSlowProxy(upstreamPort: number, bytesPerSecond: number): Promise<SlowProxy> {
  return startTcpProxy(upstreamPort, (client, upstream) => {
    // When the bytes sent so far may have arrived at the rate; an idle connection earns no credit.
    let due = 0;
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      const now = performance.now();
      due = Math.max(due, now) + (chunk.length / bytesPerSecond) * 1000;
      if (due - now > 1) {
        client.pause();
        setTimeout(() => client.resume(), due - now);
      }
    });
    upstream.pipe(client);
  });
}
