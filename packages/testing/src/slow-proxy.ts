import { type Server, type Socket, connect, createServer } from 'node:net';

/** A TCP proxy whose requests travel at a limited rate, like a slow uplink. */
export interface SlowProxy {
  port: number;
  /** `http://127.0.0.1:port`. */
  endpoint: string;
  close(): Promise<void>;
}

/**
 * Starts a proxy to `127.0.0.1:upstreamPort` on a free port that passes what clients send at most
 * `bytesPerSecond` per connection (answers pass at full speed). Bytes pass untouched, so presigned
 * URLs made for the proxy's address stay valid. A client that uploads through it sees its upload
 * progress move over seconds, as on a real network, instead of in one step on the loopback.
 */
export async function startSlowProxy(upstreamPort: number, bytesPerSecond: number): Promise<SlowProxy> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(upstreamPort, '127.0.0.1');
    sockets.add(client).add(upstream);
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
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', closeBoth).on('error', closeBoth);
    upstream.on('close', closeBoth).on('error', closeBoth);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return {
    port: address.port,
    endpoint: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
