import { StorageError } from '@stowage/core';
import { type LayerParams, takeLayerParams } from './layer-params.js';
import { filePath } from './file-url.js';

/** What a storage URL asks for, once checked: the store, and the layers around it (any scheme). */
export type StorageUrl = (
  | { scheme: 'memory' /** Shared per process under this name; fresh each time when absent. */; name?: string }
  | { scheme: 'file' /** Absolute path of the root folder. */; root: string; fsync?: boolean; io?: 'sync' | 'thread-pool' }
  | { scheme: 's3'; region?: string; endpoint?: string; forcePathStyle?: boolean }
) & { layers?: LayerParams };

const FORMS = 'memory://, memory://name, file:///absolute/root or s3://?region=…&endpoint=…&forcePathStyle=…';
const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
// Parameter names that suggest a secret: refused, and named without their value.
const SECRET_NAME = /key|secret|token|password|credential|signature/i;

// A parameter name is quoted in a message only when it looks like one; anything else (a secret
// pasted where a name goes, `s3://?<secret>`) is described without being shown.
const SHOWABLE_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,31}$/;

function quoteName(name: string): string {
  return SHOWABLE_NAME.test(name) ? `"${name}"` : '(name not shown: it does not look like a parameter name)';
}

function invalid(message: string): StorageError {
  // No `cause`: the URL parser's error would carry the whole input, secrets included.
  return new StorageError('InvalidArgument', message);
}

/**
 * Checks a storage URL and says what it asks for. Every problem is an `InvalidArgument` naming
 * what is wrong; messages quote the scheme and parameter names but never values, which may be
 * secrets.
 *
 * @example parseStorageUrl('s3://?region=eu-west-1') // { scheme: 's3', region: 'eu-west-1' }
 */
export function parseStorageUrl(input: string | URL): StorageUrl {
  const text = typeof input === 'string' ? input.trim() : input.href;
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined) throw invalid(`not a storage URL: it has no scheme; use ${FORMS}`);
  if (scheme !== 'memory' && scheme !== 'file' && scheme !== 's3') {
    throw invalid(`unknown storage URL scheme "${scheme}:"; use ${FORMS}`);
  }
  // Checked on the text: `user:secret@` with an empty host does not even parse as a URL, and a
  // secret may hold `/` (AWS's do), so for schemes without a path look before the query.
  const afterSlashes = /^[^:]+:\/\/(.*)$/s.exec(text)?.[1] ?? '';
  const upToQuery = afterSlashes.split(/[?#]/)[0] ?? '';
  const authority = scheme === 'file' ? (upToQuery.split('/')[0] ?? '') : upToQuery;
  if (authority.includes('@')) {
    throw invalid(`a ${scheme}: URL must not hold credentials (user:password@); pass options.credentials or use the AWS default chain`);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(`malformed ${scheme}: URL (it does not parse as a URL); use ${FORMS}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw invalid(`a ${scheme}: URL must not hold credentials (user:password@); pass options.credentials or use the AWS default chain`);
  }
  if (url.hash !== '') throw invalid(`a ${scheme}: URL takes no #fragment`);
  if (!text.slice(scheme.length + 1).startsWith('//')) {
    throw invalid(`a ${scheme}: URL starts with ${scheme}:// (${FORMS})`);
  }
  const params = readParams(url, scheme);
  const layers = takeLayerParams(params, scheme);
  const store = scheme === 'memory' ? parseMemory(url, params) : scheme === 'file' ? parseFile(url, params) : parseS3(url, params);
  return layers ? { ...store, layers } : store;
}

function readParams(url: URL, scheme: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const [name, value] of url.searchParams) {
    if (params.has(name)) throw invalid(`the ${scheme}: URL gives parameter ${quoteName(name)} twice`);
    params.set(name, value);
  }
  return params;
}

/** Throws for any parameter not in `known`, naming it (never its value). */
function onlyParams(params: Map<string, string>, scheme: string, known: readonly string[]): void {
  for (const name of params.keys()) {
    if (known.includes(name)) continue;
    if (SECRET_NAME.test(name)) {
      throw invalid(
        `a ${scheme}: URL must not hold credentials (parameter ${quoteName(name)}); pass options.credentials or use the AWS default chain`,
      );
    }
    const allowed = known.length > 0 ? `: it takes ${known.join(', ')}` : ': it takes none';
    throw invalid(`unknown parameter ${quoteName(name)} in the ${scheme}: URL${allowed}`);
  }
}

function booleanParam(params: Map<string, string>, scheme: string, name: string): boolean | undefined {
  const value = params.get(name);
  if (value === undefined) return undefined;
  if (value === 'true' || value === '') return true; // `?forcePathStyle` alone means true
  if (value === 'false') return false;
  throw invalid(`parameter "${name}" of the ${scheme}: URL must be true or false`);
}

function parseMemory(url: URL, params: Map<string, string>): StorageUrl {
  onlyParams(params, 'memory', []);
  if (url.pathname !== '' && url.pathname !== '/') {
    throw invalid('a memory: URL has a name and no path: memory:// or memory://name');
  }
  if (url.port !== '') throw invalid('a memory: URL has a name and no port: memory:// or memory://name');
  let name: string;
  try {
    name = decodeURIComponent(url.hostname);
  } catch {
    throw invalid('the name in a memory: URL is not valid percent-encoding');
  }
  return name === '' ? { scheme: 'memory' } : { scheme: 'memory', name };
}

function parseFile(url: URL, params: Map<string, string>): StorageUrl {
  onlyParams(params, 'file', ['fsync', 'io']);
  if (url.host !== '' && url.host !== 'localhost') {
    throw invalid('a file: URL names no host: write file:///absolute/root (three slashes)');
  }
  let root: string;
  try {
    root = filePath(url);
  } catch {
    throw invalid('a file: URL must name an absolute folder: file:///absolute/root');
  }
  const fsync = booleanParam(params, 'file', 'fsync');
  const io = params.get('io');
  if (io !== undefined && io !== 'sync' && io !== 'thread-pool') {
    throw invalid('parameter "io" of the file: URL must be sync or thread-pool');
  }
  return { scheme: 'file', root, ...(fsync !== undefined ? { fsync } : {}), ...(io !== undefined ? { io } : {}) };
}

function parseS3(url: URL, params: Map<string, string>): StorageUrl {
  onlyParams(params, 's3', ['region', 'endpoint', 'forcePathStyle']);
  if (url.host !== '') {
    throw invalid('an s3: URL names no host or bucket: s3://?region=…&endpoint=… (buckets are opened with new Bucket(storage, name))');
  }
  if (url.pathname !== '' && url.pathname !== '/') throw invalid('an s3: URL has no path: s3://?region=…&endpoint=…');
  const region = params.get('region');
  if (region !== undefined && !/^[a-z0-9-]+$/i.test(region)) {
    throw invalid('parameter "region" of the s3: URL must be a region name such as us-east-1 or auto');
  }
  const endpoint = params.get('endpoint');
  if (endpoint !== undefined) checkEndpoint(endpoint);
  const forcePathStyle = booleanParam(params, 's3', 'forcePathStyle');
  return {
    scheme: 's3',
    ...(region !== undefined ? { region } : {}),
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(forcePathStyle !== undefined ? { forcePathStyle } : {}),
  };
}

function checkEndpoint(endpoint: string): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw invalid('parameter "endpoint" of the s3: URL must be an http:// or https:// URL, percent-encoded');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid('parameter "endpoint" of the s3: URL must be an http:// or https:// URL');
  }
  if (url.username !== '' || url.password !== '') {
    throw invalid('parameter "endpoint" of the s3: URL must not hold credentials; pass options.credentials or use the AWS default chain');
  }
}
