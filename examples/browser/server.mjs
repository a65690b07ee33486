// @ts-check
// The example's server: serves the page (index.html, app.js) and presigns uploads with stowage's
// S3 driver, so the browser sends the bytes straight to S3 and never sees a credential.
//
//   POST /presign-put   {name, type, size} -> {method: 'PUT', url, key, headers}
//   POST /presign-post  {name, type, size} -> {method: 'POST', url, key, fields}
//   POST /grant         {name, type, size} -> {endpoint, region, bucket, key, credentials}
//                       (the third way: the page runs the S3 driver itself, GET /direct.js)
//
// Configuration (environment):
//   S3_BUCKET              the bucket to upload into (required; its CORS must allow this page's origin)
//   S3_ENDPOINT            an S3-compatible server (http://127.0.0.1:9000, R2, Ceph RGW); unset: AWS
//   S3_REGION              default: us-east-1 with S3_ENDPOINT, else the SDK's lookup (AWS_REGION, ...)
//   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (or any source of the SDK's credential chain)
//   HOST, PORT             where to listen: default 127.0.0.1 and 8080 (0: any free port)
//   MAX_UPLOAD_BYTES       the largest upload presigned: default 104857600 (100 MiB)
//   KEY_PREFIX             where uploads go in the bucket: default uploads/
//   EXPIRES_IN             seconds a presigned upload stays valid: default 300
//   BROWSER_ACCESS_KEY_ID, BROWSER_SECRET_ACCESS_KEY, BROWSER_SESSION_TOKEN
//                          credentials handed to the page for the third way, meant to allow no more
//                          than PutObject and multipart uploads under KEY_PREFIX (on AWS: short-lived
//                          ones from STS with such a session policy); unset: the third way is off
//
// Once listening it prints one line, `listening on http://HOST:PORT/`. Each request logs its
// method, path and status only: never a URL it signed, a field of a policy, or a credential.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { S3Storage } from '@stowage/s3';

const here = new URL('.', import.meta.url);

/** @param {string} name @param {string} fallback */
const env = (name, fallback) => process.env[name] || fallback;

const bucket = process.env.S3_BUCKET;
if (!bucket) {
  console.error('S3_BUCKET is not set: name the bucket to upload into');
  process.exit(2);
}
const host = env('HOST', '127.0.0.1');
const port = Number(env('PORT', '8080'));
const maxUploadBytes = Number(env('MAX_UPLOAD_BYTES', String(100 * 1024 * 1024)));
const keyPrefix = env('KEY_PREFIX', 'uploads/');
const expiresIn = Number(env('EXPIRES_IN', '300'));

// Credentials come from the SDK's chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY here): the
// secret stays in this process, and stowage's errors never carry it.
const storage = new S3Storage({
  ...(process.env.S3_ENDPOINT ? { endpoint: process.env.S3_ENDPOINT } : {}),
  ...(process.env.S3_REGION ? { region: process.env.S3_REGION } : {}),
});

// The third way's credentials: never the server's own.
const browserCredentials =
  process.env.BROWSER_ACCESS_KEY_ID && process.env.BROWSER_SECRET_ACCESS_KEY
    ? {
        accessKeyId: process.env.BROWSER_ACCESS_KEY_ID,
        secretAccessKey: process.env.BROWSER_SECRET_ACCESS_KEY,
        ...(process.env.BROWSER_SESSION_TOKEN ? { sessionToken: process.env.BROWSER_SESSION_TOKEN } : {}),
      }
    : undefined;
const region = process.env.S3_REGION || (process.env.S3_ENDPOINT ? 'us-east-1' : process.env.AWS_REGION || 'us-east-1');

/**
 * direct.js bundled for the browser, made once at start: @stowage/s3 resolves to its web build
 * and the AWS SDK to its fetch-based browser files (the `browser` condition and field).
 */
async function bundleDirect() {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [new URL('direct.js', here).pathname],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.contents ?? new Uint8Array(0);
}
const directBundle = browserCredentials ? await bundleDirect() : undefined;

/** The page's files: nothing else is served. */
const STATIC_FILES = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/index.html': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
};

/** A client error, answered with its status and message. */
class HttpError extends Error {
  /** @param {number} status @param {string} message */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * What the page asks for: the file's name, type and size, checked. The server, not the page,
 * chooses the key (a fresh folder under KEY_PREFIX, then a tame form of the file's name).
 * @param {import('node:http').IncomingMessage} request
 */
async function uploadRequest(request) {
  let text = '';
  for await (const chunk of request) {
    text += chunk;
    if (text.length > 16 * 1024) throw new HttpError(413, 'the request is too large');
  }
  /** @type {{ name?: unknown, type?: unknown, size?: unknown }} */
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'the request is not JSON');
  }
  const size = body.size;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw new HttpError(400, 'size must be a whole number of bytes');
  if (size > maxUploadBytes) throw new HttpError(413, `the file is larger than ${maxUploadBytes} bytes`);
  // A browser's File.type is empty when it does not know the type; anything odd becomes binary.
  const type =
    typeof body.type === 'string' && /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i.test(body.type) ? body.type : 'application/octet-stream';
  const rawName = typeof body.name === 'string' ? body.name : '';
  const name =
    rawName
      .replace(/[^A-Za-z0-9._-]+/g, '_')
      .replace(/^[._]+/, '')
      .slice(0, 100) || 'file';
  return { size, type, key: `${keyPrefix}${randomUUID()}/${name}` };
}

/** @param {import('node:http').ServerResponse} response @param {number} status @param {unknown} body */
function sendJson(response, status, body) {
  response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  response.end(JSON.stringify(body));
}

/** @param {import('node:http').IncomingMessage} request @param {import('node:http').ServerResponse} response */
async function handle(request, response) {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  const file = Object.hasOwn(STATIC_FILES, path) ? STATIC_FILES[/** @type {keyof typeof STATIC_FILES} */ (path)] : undefined;
  if (request.method === 'GET' && file) {
    const [name, type] = file;
    response.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-cache' });
    response.end(await readFile(new URL(name, here)));
    return;
  }
  if (request.method === 'GET' && path === '/direct.js' && directBundle) {
    response.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' });
    response.end(directBundle);
    return;
  }
  if (request.method === 'POST' && path === '/grant') {
    if (!browserCredentials) throw new HttpError(404, 'uploads through the driver are off (BROWSER_ACCESS_KEY_ID is not set)');
    const { key } = await uploadRequest(request);
    const endpoint = process.env.S3_ENDPOINT;
    sendJson(response, 200, { ...(endpoint ? { endpoint } : {}), region, bucket, key, credentials: browserCredentials });
    return;
  }
  if (request.method === 'POST' && path === '/presign-put') {
    const { type, key } = await uploadRequest(request);
    // Content-Type is signed into the URL: the browser must send exactly this one.
    const url = await storage.presign(bucket ?? '', key, { method: 'PUT', expiresIn, contentType: type });
    sendJson(response, 200, { method: 'PUT', url, key, headers: { 'Content-Type': type } });
    return;
  }
  if (request.method === 'POST' && path === '/presign-post') {
    const { size, type, key } = await uploadRequest(request);
    // The policy S3 enforces: this key, this content type, and at most the size announced (a
    // browser form cannot be trusted to send what the page said).
    const { url, fields } = await createPresignedPost(storage.client, {
      Bucket: bucket ?? '',
      Key: key,
      Conditions: [['content-length-range', 0, size]],
      Fields: { 'Content-Type': type },
      Expires: expiresIn,
    });
    sendJson(response, 200, { method: 'POST', url, key, fields });
    return;
  }
  throw new HttpError(request.method === 'GET' || request.method === 'POST' ? 404 : 405, 'not found');
}

const server = createServer((request, response) => {
  handle(request, response)
    .catch((error) => {
      if (error instanceof HttpError) return sendJson(response, error.status, { error: error.message });
      // A StorageError's message names the operation, bucket and key, never the secret; the
      // details stay in this process's log, not in the answer.
      console.error(`${request.method} ${request.url?.split('?')[0]}: ${error instanceof Error ? error.message : String(error)}`);
      sendJson(response, 500, { error: 'presigning failed' });
    })
    .finally(() => console.log(`${request.method} ${request.url?.split('?')[0]} ${response.statusCode}`));
});

server.listen(port, host, () => {
  const address = server.address();
  const where = typeof address === 'object' && address ? `http://${host}:${address.port}/` : String(address);
  console.log(`listening on ${where}`);
});

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
    storage.destroy();
  });
}
