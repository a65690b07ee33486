import type { ListEntry } from '@stowage/core';
import type { Args } from '../args.js';
import { type Command, SHARED } from '../command.js';
import type { Context, Remote } from '../context.js';
import { humanSize, SHORT_DATE_WIDTH, shortDate } from '../human.js';
import { DEFAULT_STORE, type ObjectLocation, requireObject } from '../locations.js';

const SIZE_WIDTH = 10;

/** `ls`: buckets, or the objects under a prefix (folders rolled up unless `--recursive`). */
export const ls: Command = {
  name: 'ls',
  summary: 'list buckets, or the objects and folders under a prefix',
  usage: ['ls [options] [s3:// | NAME:]', 'ls [options] stow://BUCKET[/PREFIX]'],
  description:
    'With no location, lists the buckets. With a bucket or prefix, lists what is directly under it: ' +
    'folders (common prefixes, shown as PRE name/) and objects, with their time and size, names relative to ' +
    'the folder listed, as `aws s3 ls` does. --recursive lists every object under the prefix by its full key. ' +
    'Sizes are human-readable (binary units) unless --bytes; --json prints an array with exact sizes and ISO times.',
  options: {
    recursive: SHARED.recursive,
    bytes: { type: 'boolean', description: 'sizes in bytes instead of KiB/MiB/…' },
    summarize: { type: 'boolean', description: 'end with the number of objects and their total size' },
    json: SHARED.json,
  },
  examples: [
    ['the buckets', 'stowage ls'],
    ['the buckets of Amazon S3, and of a store named in the config file', 'stowage ls s3:// && stowage ls backup:'],
    ['what is at the top of a bucket', 'stowage ls stow://photos'],
    ['inside a folder', 'stowage ls stow://photos/cats/'],
    ['every object, with a total', 'stowage ls --recursive --summarize stow://photos'],
    ['keys and sizes for a script', 'stowage ls -r --json stow://photos | jq -r \'.[] | "\\(.key) \\(.size)"\''],
  ],
  arity: { min: 0, max: 1 },
  async run(ctx, args) {
    const [arg] = args.positionals;
    const location = arg === undefined ? undefined : requireObject(arg, 'a location', true);
    if (location === undefined || location.bucket === '') await listBuckets(ctx, args, await ctx.remote(location?.store ?? DEFAULT_STORE));
    else await listObjects(ctx, args, location);
  },
};

async function listBuckets(ctx: Context, args: Args, remote: Remote): Promise<void> {
  const buckets = await remote.storage.listBuckets({ signal: ctx.signal });
  if (args.flag('json')) {
    await ctx.out.json(
      buckets.map((b) => ({
        name: b.name,
        location: remote.format(b.name),
        ...(b.createdAt ? { createdAt: b.createdAt.toISOString() } : {}),
      })),
    );
    return;
  }
  for (const bucket of buckets) {
    const when = bucket.createdAt ? shortDate(bucket.createdAt) : ''.padEnd(SHORT_DATE_WIDTH);
    await ctx.out.line(`${when} ${bucket.name}`);
  }
}

async function listObjects(ctx: Context, args: Args, location: ObjectLocation): Promise<void> {
  const { bucket, key: prefix } = location;
  const remote = await ctx.remote(location.store);
  const recursive = args.flag('recursive');
  const json = args.flag('json');
  // Names are shown relative to the folder being listed (the prefix up to its last `/`).
  const base = recursive ? '' : prefix.slice(0, prefix.lastIndexOf('/') + 1);
  const entries = remote.storage.listObjects(bucket, {
    ...(prefix !== '' ? { prefix } : {}),
    ...(recursive ? {} : { delimiter: '/' }),
    signal: ctx.signal,
  });
  const size = (n: number) => (args.flag('bytes') ? String(n) : humanSize(n)).padStart(SIZE_WIDTH);
  let count = 0;
  let bytes = 0;
  const array = json ? ctx.out.jsonArray() : undefined;
  for await (const entry of entries) {
    if (entry.type === 'object') {
      count++;
      bytes += entry.size;
    }
    if (array) await array.item(toJson(remote, bucket, entry));
    else if (entry.type === 'prefix')
      await ctx.out.line(`${''.padEnd(SHORT_DATE_WIDTH)} ${'PRE'.padStart(SIZE_WIDTH)} ${entry.prefix.slice(base.length)}`);
    else await ctx.out.line(`${shortDate(entry.lastModified)} ${size(entry.size)} ${entry.key.slice(base.length)}`);
  }
  if (array) await array.end();
  else if (args.flag('summarize')) {
    await ctx.out.line('');
    await ctx.out.line(`Total Objects: ${count}`);
    await ctx.out.line(`   Total Size: ${args.flag('bytes') ? `${bytes} bytes` : humanSize(bytes)}`);
  }
}

/** A listing entry as JSON: exact sizes, ISO times, and its `stow://` location. */
function toJson(remote: Remote, bucket: string, entry: ListEntry): Record<string, unknown> {
  if (entry.type === 'prefix') return { type: 'prefix', prefix: entry.prefix, location: remote.format(bucket, entry.prefix) };
  const { type: _type, lastModified, ...info } = entry;
  return { type: 'object', location: remote.format(bucket, entry.key), ...info, lastModified: lastModified.toISOString() };
}
