import { type Server, type Socket, connect, createServer } from 'node:net';

/** A TCP proxy on a free port of 127.0.0.1. */
export interface TcpProxy {
  port: number;
  /** `http://127.0.0.1:port`. */
  endpoint: string;
  /** Closes every connection and the listener. */
  close(): Promise<void>;
}

/**
 * Starts a proxy to `127.0.0.1:upstreamPort`: each client gets its own upstream connection, and
 * `wire` moves the bytes between the two (shaping them as the proxy's job is); when either side
 * closes or fails, both go.
 */
export async function startTcpProxy(upstreamPort: number, wire: (client: Socket, upstream: Socket) => void): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(upstreamPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    wire(client, upstream);
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
