import { type IncomingMessage, type ServerResponse, request } from 'node:http';

/**
 * A request handler that passes each request on to `upstream` (an `http:` URL), method, path,
 * headers and body as they are, and streams the answer back: the part of an HTTP proxy that
 * forwards, for tests that decide which requests to forward, hold or serve themselves.
 */
export function httpForwarder(upstream: URL): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const out = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  };
}
