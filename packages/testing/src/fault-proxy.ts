// A test-only HTTP proxy on 127.0.0.1 that sits between the S3 driver and a real S3 server and
// breaks a seeded random share of the requests in the ways networks and servers break:
//
// - `slowdown`: answers 503 SlowDown (S3's XML error body) without forwarding;
// - `reset`: a TCP reset (RST) in the middle of a GET's response body, after the headers and about
//   half of the bytes; for other requests, before the request is forwarded;
// - `stall`: stops forwarding (mid-body for GETs, before anything otherwise) for `stallMs`, longer
//   than the client's socket timeout, then drops the connection;
// - `flipResponse`: flips one byte of the body of a full (non-ranged) GET of a single-part object
//   (its ETag a plain MD5), the reads the driver can verify;
// - `flipRequest`: flips one byte of the body of a PutObject or UploadPart on its way to the server.
//
// Apart from the random plan, `loseAnswer` picks requests whose answer is lost: the request reaches
// the server, which does the work, and the connection is then cut instead of passing its answer on
// (the client retries a request that already took effect).
//
// Every injected fault is counted per kind, so a test can assert that each kind really happened.
// The proxy is HTTP-aware (node:http on both sides) so it can aim faults at bodies; it forwards
// every header unchanged (Host included, so SigV4 signatures stay valid) but `Expect`.
import { createServer, request as httpRequest, Agent, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { seededRandom } from '@stowage/core';

export type FaultKind = 'slowdown' | 'reset' | 'stall' | 'flipResponse' | 'flipRequest';
export const FAULT_KINDS: readonly FaultKind[] = ['slowdown', 'reset', 'stall', 'flipResponse', 'flipRequest'];

export interface FaultProxyOptions {
  /** The real server (`http://127.0.0.1:7480`). */
  upstream: string;
  /** Share of requests to break, 0..1. Default 0.05. */
  rate?: number;
  /** Seed of the fault plan. Default 1. */
  seed?: number;
  /** How long a stall lasts before the connection is dropped (ms); make it longer than the client's socket timeout. Default 3000. */
  stallMs?: number;
  /** Only these kinds. Default: all. */
  kinds?: readonly FaultKind[];
  /**
   * Requests whose answer is lost: forwarded whole, the server's answer read and dropped, the
   * client's connection reset. Called for every request; never for a fault of the random plan.
   */
  loseAnswer?: (request: { method: string; path: string; attempt: number }) => boolean;
}

export interface FaultProxy {
  /** The proxy's endpoint, to give the driver instead of the server's. */
  endpoint: string;
  /** Faults injected so far, per kind. */
  faults(): Record<FaultKind, number>;
  /** Answers lost so far (see {@link FaultProxyOptions.loseAnswer}). */
  lostAnswers(): number;
  /** Requests seen so far. */
  requests(): number;
  /** Requests that were SDK retries (`amz-sdk-request: attempt=N` with N > 1). */
  retries(): number;
  /** Stops injecting (requests are still forwarded) or starts again. */
  setEnabled(enabled: boolean): void;
  close(): Promise<void>;
}

const MD5_ETAG = /^"?[0-9a-f]{32}"?$/i;

/** A GET of an object (not a listing, not a bucket-level request, not a multipart listing). */
function isObjectGet(req: IncomingMessage): boolean {
  if (req.method !== 'GET') return false;
  const url = new URL(req.url ?? '/', 'http://x');
  const segments = url.pathname.split('/').filter(Boolean);
  if (segments.length < 2) return false;
  for (const q of ['list-type', 'uploads', 'uploadId', 'location', 'versioning', 'acl', 'tagging'])
    if (url.searchParams.has(q)) return false;
  return true;
}

/** A PutObject or UploadPart with a body and a Content-MD5 (not a copy, not CompleteMultipartUpload). */
function isObjectPutWithBody(req: IncomingMessage): boolean {
  return (
    req.method === 'PUT' &&
    Number(req.headers['content-length'] ?? 0) > 0 &&
    req.headers['content-md5'] !== undefined &&
    req.headers['x-amz-copy-source'] === undefined
  );
}

const SLOW_DOWN_BODY = (resource: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><Resource>${resource.replace(/[<>&]/g, '')}</Resource><RequestId>FAULTPROXY</RequestId></Error>`;

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const upstream = new URL(options.upstream);
  const rate = options.rate ?? 0.05;
  const stallMs = options.stallMs ?? 3000;
  const allowed = new Set(options.kinds ?? FAULT_KINDS);
  const random = seededRandom(options.seed ?? 1);
  const counts = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  let requests = 0;
  let retries = 0;
  let lost = 0;
  let enabled = true;
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });

  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  const applies = (kind: FaultKind, req: IncomingMessage): boolean => {
    if (kind === 'flipResponse') return isObjectGet(req) && req.headers.range === undefined;
    if (kind === 'flipRequest') return isObjectPutWithBody(req);
    return true;
  };
  /** Kinds drawn for a request they could not apply to: injected at the next request they fit. */
  const owed: FaultKind[] = [];

  /**
   * The fault for a request. With probability `rate` a fault is drawn: the kind injected (or owed)
   * least so far, so every kind shows up even in a short run; a kind that cannot apply to this
   * request (a flip needs a full GET or a PUT with a body) is owed to the next one it fits.
   */
  const plan = (req: IncomingMessage): FaultKind | undefined => {
    if (!enabled) return undefined;
    const due = owed.findIndex((kind) => applies(kind, req));
    if (due >= 0) return owed.splice(due, 1)[0];
    if (random() >= rate) return undefined;
    const kinds = FAULT_KINDS.filter((k) => allowed.has(k));
    const planned = (k: FaultKind) => counts[k] + owed.filter((o) => o === k).length;
    const least = Math.min(...kinds.map(planned));
    const candidates = kinds.filter((k) => planned(k) === least);
    const kind = candidates[Math.floor(random() * candidates.length)] as FaultKind;
    if (applies(kind, req)) return kind;
    owed.push(kind);
    return undefined;
  };

  const reset = (socket: Socket | null | undefined) => {
    if (!socket || socket.destroyed) return;
    socket.resetAndDestroy();
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    requests += 1;
    const attempt = /attempt=(\d+)/.exec(String(req.headers['amz-sdk-request'] ?? ''));
    if (attempt && Number(attempt[1]) > 1) retries += 1;
    const loses =
      options.loseAnswer?.({
        method: req.method ?? 'GET',
        path: decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname),
        attempt: attempt ? Number(attempt[1]) : 1,
      }) ?? false;
    const fault = loses ? undefined : plan(req);
    const clientSocket = req.socket;

    if (fault === 'slowdown') {
      counts.slowdown += 1;
      req.resume();
      req.once('end', () => {
        const body = req.method === 'HEAD' ? '' : SLOW_DOWN_BODY(req.url ?? '/');
        res.writeHead(503, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(SLOW_DOWN_BODY(req.url ?? '/')) });
        res.end(body);
      });
      return;
    }
    const objectGet = isObjectGet(req);
    if ((fault === 'reset' || fault === 'stall') && !objectGet) {
      // Before anything reaches the server: the request is lost, the client must retry it.
      counts[fault] += 1;
      req.resume();
      if (fault === 'reset') reset(clientSocket);
      else later(stallMs, () => clientSocket.destroy());
      return;
    }

    const headers = { ...req.headers };
    delete headers.expect;
    delete headers.connection;
    const forward = httpRequest({
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers,
      agent,
    });
    forward.on('error', () => clientSocket.destroy());
    req.on('aborted', () => forward.destroy());

    if (fault === 'flipRequest') {
      const length = Number(req.headers['content-length']);
      const target = Math.floor(random() * length);
      let position = 0;
      counts.flipRequest += 1;
      req.on('data', (chunk: Buffer) => {
        if (target >= position && target < position + chunk.byteLength) {
          chunk = Buffer.from(chunk);
          chunk[target - position] = (chunk[target - position] as number) ^ 0x01;
        }
        position += chunk.byteLength;
        if (!forward.write(chunk)) {
          req.pause();
          forward.once('drain', () => req.resume());
        }
      });
      req.on('end', () => forward.end());
    } else {
      req.pipe(forward);
    }

    forward.on('response', (upstreamRes) => {
      if (loses) {
        lost += 1;
        upstreamRes.resume();
        upstreamRes.once('end', () => reset(clientSocket));
        return;
      }
      const status = upstreamRes.statusCode ?? 502;
      const responseHeaders = { ...upstreamRes.headers };
      delete responseHeaders.connection;
      delete responseHeaders['keep-alive'];
      const length = Number(upstreamRes.headers['content-length'] ?? NaN);
      const hasBody = req.method !== 'HEAD' && status < 300 && Number.isFinite(length) && length > 1;
      let action: FaultKind | undefined = fault;
      if (action === 'flipResponse' && !(hasBody && status === 200 && MD5_ETAG.test(String(upstreamRes.headers.etag ?? '')))) {
        // A multipart object (ETag `-N`): no read of it can be verified whole; flip a later one.
        action = undefined;
        owed.push('flipResponse');
      }
      if ((action === 'reset' || action === 'stall') && !hasBody) {
        // Nothing to break mid-body: break the response before its headers instead.
        counts[action] += 1;
        upstreamRes.resume();
        if (action === 'reset') reset(clientSocket);
        else later(stallMs, () => clientSocket.destroy());
        return;
      }
      res.writeHead(status, responseHeaders);
      if (action === undefined || action === 'flipRequest') {
        upstreamRes.pipe(res);
        return;
      }
      counts[action] += 1;
      const cut = Math.max(1, Math.floor(length / 2));
      const flipAt = Math.floor(random() * length);
      let position = 0;
      let stopped = false;
      upstreamRes.on('data', (chunk: Buffer) => {
        if (stopped) return;
        if (action === 'flipResponse') {
          if (flipAt >= position && flipAt < position + chunk.byteLength) {
            chunk = Buffer.from(chunk);
            chunk[flipAt - position] = (chunk[flipAt - position] as number) ^ 0x01;
          }
          position += chunk.byteLength;
          if (!res.write(chunk)) {
            upstreamRes.pause();
            res.once('drain', () => upstreamRes.resume());
          }
          return;
        }
        // reset / stall: send up to `cut` bytes, then break.
        const room = cut - position;
        const part = chunk.byteLength > room ? chunk.subarray(0, room) : chunk;
        position += part.byteLength;
        if (position < cut) {
          if (!res.write(part)) {
            upstreamRes.pause();
            res.once('drain', () => upstreamRes.resume());
          }
          return;
        }
        stopped = true;
        upstreamRes.destroy();
        res.write(part, () => {
          if (action === 'reset') reset(clientSocket);
          else later(stallMs, () => clientSocket.destroy());
        });
      });
      upstreamRes.on('end', () => {
        if (!stopped) res.end();
      });
    });
  };

  const server: Server = createServer(handle);
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('fault proxy: no address');

  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    faults: () => ({ ...counts }),
    lostAnswers: () => lost,
    requests: () => requests,
    retries: () => retries,
    setEnabled: (value) => {
      enabled = value;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
