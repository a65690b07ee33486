import type { CONTENT_HEADER_NAMES, ObjectInfo } from '@stowage/core';
import { type Command, SHARED } from '../command.js';
import type { Context, Remote } from '../context.js';
import { humanSize } from '../human.js';
import { requireObject } from '../locations.js';

// HTTP's names for the content headers, as `aws s3api head-object` and curl show them.
const HEADER_LABELS: Record<(typeof CONTENT_HEADER_NAMES)[number], string> = {
  contentType: 'Content-Type',
  contentEncoding: 'Content-Encoding',
  contentDisposition: 'Content-Disposition',
  contentLanguage: 'Content-Language',
  cacheControl: 'Cache-Control',
};

/** `stat`: every attribute and the metadata of an object (or when a bucket was made). */
export const stat: Command = {
  name: 'stat',
  summary: "show an object's attributes and metadata",
  usage: ['stat [--json] stow://BUCKET/KEY', 'stat [--json] stow://BUCKET'],
  description:
    'Looks an object up (HEAD) and prints its size, ETag, time, every content header it has and its user metadata. ' +
    'For a bucket, prints when it was created (where the store records it). --json prints the same as an object.',
  options: { json: SHARED.json },
  examples: [
    ['an object', 'stowage stat stow://photos/cats/cat.jpg'],
    ['its metadata for a script', 'stowage stat --json stow://photos/cats/cat.jpg | jq .metadata'],
  ],
  arity: { min: 1, max: 1 },
  async run(ctx, args) {
    const { store, bucket, key } = requireObject(args.positionals[0] as string, 'an object or bucket');
    const remote = await ctx.remote(store);
    if (key === '') return statBucket(ctx, remote, bucket, args.flag('json'));
    const info = await remote.storage.headObject(bucket, key, { signal: ctx.signal });
    if (args.flag('json')) {
      await ctx.out.json({ location: remote.format(bucket, key), bucket, ...info, lastModified: info.lastModified.toISOString() });
      return;
    }
    const { CONTENT_HEADER_NAMES } = await import('@stowage/core');
    for (const line of describeObject(remote.format(bucket, info.key), info, CONTENT_HEADER_NAMES)) await ctx.out.line(line);
  },
};

/** The lines of `stat`: aligned `Name: value`, then the metadata indented. */
function describeObject(location: string, info: ObjectInfo, headerNames: typeof CONTENT_HEADER_NAMES): string[] {
  const rows: [string, string][] = [
    ['Location', location],
    ['Size', `${info.size} bytes (${humanSize(info.size)})`],
    ['ETag', info.etag],
    ['Last-Modified', info.lastModified.toISOString()],
  ];
  for (const name of headerNames) {
    const value = info[name];
    if (value !== undefined) rows.push([HEADER_LABELS[name], value]);
  }
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  const lines = rows.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`);
  const metadata = Object.entries(info.metadata);
  lines.push(metadata.length === 0 ? `${'Metadata:'.padEnd(width)}(none)` : 'Metadata:');
  for (const [name, value] of metadata) lines.push(`  ${name}: ${value}`);
  return lines;
}

async function statBucket(ctx: Context, remote: Remote, bucket: string, json: boolean): Promise<void> {
  const found = (await remote.storage.listBuckets({ signal: ctx.signal })).find((b) => b.name === bucket);
  if (!found) throw new (await import('@stowage/core')).StorageError('NoSuchBucket', `bucket ${bucket} does not exist`, { bucket });
  if (json) {
    await ctx.out.json({
      location: remote.format(bucket),
      bucket,
      ...(found.createdAt ? { createdAt: found.createdAt.toISOString() } : {}),
    });
    return;
  }
  await ctx.out.line(`Location: ${remote.format(bucket)}`);
  await ctx.out.line(`Created:  ${found.createdAt ? found.createdAt.toISOString() : '(not recorded by this store)'}`);
}
