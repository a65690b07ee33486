import { type Command, SHARED } from '../command.js';
import type { JsonPresigned } from '../json.js';
import { UsageError } from '../errors.js';
import { formatIn, requireObject } from '../locations.js';

/** `presign`: a URL that downloads (or uploads) one object without credentials, for a while. */
export const presign: Command = {
  name: 'presign',
  summary: 'print a URL that reads (or writes) an object without credentials',
  usage: ['presign [options] stow://BUCKET/KEY'],
  description:
    'Prints a presigned URL, valid for --expires-in seconds (default 3600, at most 7 days on S3). Stores that ' +
    'cannot presign (the local disk, memory) answer NotSupported.',
  options: {
    'expires-in': { type: 'string', placeholder: 'SECONDS', description: 'how long the URL works (default 3600)' },
    method: { type: 'string', placeholder: 'GET|PUT', description: 'GET to download (default), PUT to upload' },
    'content-type': { type: 'string', placeholder: 'TYPE', description: 'for PUT: the Content-Type the uploader must send' },
    json: SHARED.json,
  },
  examples: [
    ['share a file for an hour', 'stowage --store "s3://?region=eu-west-1" presign stow://photos/cat.jpg'],
    ['the URL and when it expires, for a script', 'stowage presign --json stow://photos/cat.jpg | jq -r .expiresAt'],
    ['let someone upload for ten minutes', 'curl -T cat.jpg "$(stowage presign --method PUT --expires-in 600 stow://inbox/cat.jpg)"'],
  ],
  arity: { min: 1, max: 1 },
  async run(ctx, args) {
    const { store, bucket, key } = requireObject(args.positionals[0] as string, 'an object');
    if (key === '') throw new UsageError(`${formatIn(store, bucket)} is a bucket: name an object in it`);
    const method = (args.string('method') ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'PUT') throw new UsageError(`--method is GET or PUT, not ${JSON.stringify(args.string('method'))}`);
    const expiresIn = args.integer('expires-in', 3600, 1);
    const contentType = args.string('content-type');
    const remote = await ctx.remote(store);
    const storage = remote.storage;
    if (!storage.capabilities.presign || storage.presign === undefined) {
      const { StorageError } = await import('@stowage/core');
      throw new StorageError('NotSupported', `the ${storage.name} store cannot presign URLs; use an s3:// store`, { bucket, key });
    }
    const signedAt = Date.now();
    const url = await storage.presign(bucket, key, { method, expiresIn, ...(contentType !== undefined ? { contentType } : {}) });
    if (!ctx.json) return ctx.out.line(url);
    const presigned: JsonPresigned = {
      type: 'url',
      url,
      location: remote.format(bucket, key),
      method,
      expiresIn,
      expiresAt: new Date(signedAt + expiresIn * 1000).toISOString(),
    };
    await ctx.out.line(JSON.stringify(presigned));
  },
};
