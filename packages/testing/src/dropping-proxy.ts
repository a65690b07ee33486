import { type AddressInfo, type Server, type Socket, connect, createServer } from 'node:net';

/** One HTTP request as the proxy saw it go by. */
export interface SeenRequest {
  method: string;
  path: string;
  /** The `Range` header, if any (`bytes=0-1048575`). */
  range?: string;
}

/** Which response to cut, and after how many of its bytes (headers included). */
export interface DropRule {
  match: (request: SeenRequest) => boolean;
  afterBytes: number;
}

/**
 * FAULT INJECTION: a real TCP proxy on 127.0.0.1 in front of an HTTP server. It records every
 * request that goes through (method, path, Range) and, once, cuts the connection in the middle of
 * the response to the first request a rule matches, as a dropped network connection would.
 * Only for requests without bodies (GET, HEAD), which is what downloads send.
 */
export class DroppingProxy {
  readonly requests: SeenRequest[] = [];
  /** Requests whose responses were cut. */
  readonly dropped: SeenRequest[] = [];
  private rule: DropRule | undefined;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly targetPort: number) {}

  /** Cuts the next response whose request `rule.match`es, after `rule.afterBytes` bytes. */
  dropOnce(rule: DropRule): void {
    this.rule = rule;
  }

  /** Starts listening; returns the proxy's endpoint (`http://127.0.0.1:PORT`). */
  async start(): Promise<string> {
    this.server = createServer((client) => this.relay(client));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private relay(client: Socket): void {
    const upstream = connect(this.targetPort, '127.0.0.1');
    this.sockets.add(client).add(upstream);
    let pending = '';
    // Bytes of the current response left before the cut, when it is to be cut.
    let cutIn: number | undefined;
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (data: Buffer) => {
      // Requests have no bodies here: the stream is header blocks, each ending in a blank line.
      pending += data.toString('latin1');
      for (let end = pending.indexOf('\r\n\r\n'); end >= 0; end = pending.indexOf('\r\n\r\n')) {
        const head = pending.slice(0, end);
        pending = pending.slice(end + 4);
        const [method = '', path = ''] = (head.split('\r\n')[0] ?? '').split(' ');
        const range = /^range:\s*(.+)$/im.exec(head)?.[1]?.trim();
        const request: SeenRequest = { method, path, ...(range ? { range } : {}) };
        this.requests.push(request);
        if (this.rule?.match(request)) {
          cutIn = this.rule.afterBytes;
          this.rule = undefined;
          this.dropped.push(request);
        }
      }
      upstream.write(data);
    });
    upstream.on('data', (data: Buffer) => {
      if (cutIn === undefined) {
        client.write(data);
        return;
      }
      if (data.byteLength < cutIn) {
        cutIn -= data.byteLength;
        client.write(data);
        return;
      }
      // Send what fits, then drop the connection once it is flushed: the client sees a response
      // that stops mid-body.
      client.write(data.subarray(0, cutIn), closeBoth);
      cutIn = undefined;
    });
    client.on('error', closeBoth);
    upstream.on('error', closeBoth);
    client.on('close', () => {
      upstream.destroy();
      this.sockets.delete(client);
    });
    upstream.on('close', () => {
      client.destroy();
      this.sockets.delete(upstream);
    });
  }
}
