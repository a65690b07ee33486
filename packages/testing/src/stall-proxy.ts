import { createServer, connect, type Server, type Socket } from 'node:net';

/** A TCP proxy that lets each response through up to `limit` bytes and then holds the rest. */
export interface StallProxy {
  port: number;
  close(): Promise<void>;
}

/**
 * Starts a proxy to `127.0.0.1:upstreamPort` on a free port. Requests pass untouched (so SigV4
 * signatures stay valid); each connection's response stops after `limit` bytes, like a network
 * that stalls mid-download, so a test can interrupt a download at a moment it chooses.
 */
export async function startStallProxy(upstreamPort: number, limit: number): Promise<StallProxy> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(upstreamPort, '127.0.0.1');
    sockets.add(client).add(upstream);
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
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
