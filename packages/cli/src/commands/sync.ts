import { type Command, SHARED } from '../command.js';
import { UsageError } from '../errors.js';
import { parseLocation } from '../locations.js';
import { barLabel, runOptions } from './copy.js';

/** `sync`: make a folder or prefix hold what another holds, copying only what is new or changed. */
export const sync: Command = {
  name: 'sync',
  summary: 'copy only new and changed files between a folder and a prefix',
  usage: ['sync [options] SRC DST'],
  description:
    'SRC and DST are a local folder and a prefix (stow://, s3://, NAME:), either way round, or two prefixes. A file is copied when ' +
    'DST lacks it, when the sizes differ, or when the source is newer (to the second), as `aws s3 sync` decides. ' +
    "Downloads take the object's time as the file's mtime, so syncing back copies nothing. --delete also removes " +
    "what DST has and SRC does not; --dry-run prints the plan. The store's own folder is never copied. Both sides " +
    'are listed in key order and merged as they stream: transfers start while the listing goes on, and memory ' +
    'does not grow with the number of files.',
  options: {
    delete: { type: 'boolean', description: 'delete files in DST that are not in SRC' },
    'dry-run': SHARED['dry-run'],
    'size-only': { type: 'boolean', description: 'compare sizes only, not times' },
    'exact-timestamps': {
      type: 'boolean',
      description: "downloads: a same-sized file is up to date only if its time is the object's (default: unless the object is newer)",
    },
    'content-type': SHARED['content-type'],
    metadata: SHARED.metadata,
    transfers: SHARED.transfers,
    exclude: SHARED.exclude,
    include: SHARED.include,
    json: SHARED.json,
  },
  examples: [
    ['back a folder up', 'stowage sync ./photos stow://backup/photos/'],
    ['see what a mirror would change', 'stowage sync --delete --dry-run ./photos stow://backup/photos/'],
    ['all but the caches', "stowage sync --exclude '*/cache/*' --exclude '*.tmp' ./site stow://www/"],
    ['restore it', 'stowage sync stow://backup/photos/ ./photos'],
  ],
  arity: { min: 2, max: 2 },
  async run(ctx, args) {
    const [srcArg, dstArg] = args.positionals as [string, string];
    const source = parseLocation(srcArg);
    const destination = parseLocation(dstArg);
    if (source.kind === 'stdio' || destination.kind === 'stdio') throw new UsageError('sync works on folders and prefixes, not on -');
    const [{ syncTasks }, { runTaskStream }, { commandFilter }] = await Promise.all([
      import('../sync-stream.js'),
      import('../tasks.js'),
      import('../filters.js'),
    ]);
    const filter = commandFilter(args, true);
    const problems = { count: 0 };
    const tasks = syncTasks(
      ctx,
      source,
      destination,
      {
        ...(filter ? { filter } : {}),
        onlyChanged: true,
        sizeOnly: args.flag('size-only'),
        exactTimestamps: args.flag('exact-timestamps'),
        deleteExtra: args.flag('delete'),
        move: false,
      },
      problems,
    );
    await runTaskStream(ctx, tasks, runOptions(args, barLabel(source), 'sync'), problems);
  },
};
