import type { IncomingMessage, ServerResponse } from 'node:http';

// A hostile S3 server for the secrets tests: every answer echoes the request (method, path, query,
// headers: the signature and the session token among them) back, the way AWS's
// SignatureDoesNotMatch echoes the canonical request.

function echoOf(req: IncomingMessage): string {
  const headers = Object.entries(req.headers)
    .map(([k, v]) => `${k}:${String(v)}`)
    .join('\n');
  return `${req.method} ${req.url}\n${headers}`;
}
const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A request handler that answers by the bucket (first path segment), each a kind of error carrying
 * the request: `echo-html…` an HTML page, `echo-500…` InternalError, `echo-404…` NoSuchKey,
 * `echo-409…` BucketNotEmpty, anything else 403 SignatureDoesNotMatch.
 */
export function hostileAnswer(accessKeyId: string): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const echo = echoOf(req);
    const bucket = decodeURIComponent((req.url ?? '/').split('?')[0]?.split('/')[1] ?? '');
    const send = (status: number, code: string, extra = '') => {
      res.writeHead(status, {
        'content-type': 'application/xml',
        'x-amz-request-id': 'ECHO',
        'x-echo': Buffer.from(echo).toString('base64').slice(0, 4000),
      });
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${xml(`the request was: ${echo}`)}</Message>` +
          `<AWSAccessKeyId>${accessKeyId}</AWSAccessKeyId><StringToSign>${xml(echo)}</StringToSign>` +
          `<CanonicalRequest>${xml(echo)}</CanonicalRequest>${extra}<RequestId>ECHO</RequestId></Error>`,
      );
    };
    req.resume();
    req.on('end', () => {
      if (bucket.startsWith('echo-html')) {
        res.writeHead(400, { 'content-type': 'text/html' });
        res.end(`<html><body><pre>${echo}</pre></body></html>`);
      } else if (bucket.startsWith('echo-500')) send(500, 'InternalError');
      else if (bucket.startsWith('echo-404')) send(404, 'NoSuchKey', `<Key>${xml(echo)}</Key>`);
      else if (bucket.startsWith('echo-409')) send(409, 'BucketNotEmpty');
      else send(403, 'SignatureDoesNotMatch', `<SignatureProvided>${xml(String(req.headers.authorization ?? ''))}</SignatureProvided>`);
    });
  };
}
