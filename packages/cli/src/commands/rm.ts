import { type Command, SHARED } from '../command.js';
import { UsageError } from '../errors.js';
import { folderPrefix, formatIn, requireObject } from '../locations.js';
import type { Task } from '../tasks.js';

/** `rm`: delete an object, or with `--recursive` every object under a prefix. */
export const rm: Command = {
  name: 'rm',
  summary: 'delete objects (--recursive: everything under a prefix)',
  usage: ['rm [options] stow://BUCKET/KEY...', 'rm [options] --recursive stow://BUCKET[/PREFIX]'],
  description:
    'Deletes objects. As on S3, deleting a key that does not exist succeeds. With --recursive, deletes every ' +
    'object under the prefix (as a folder: stow://b/cats means cats/…), or in the whole bucket, in batches ' +
    'of 1000; the bucket itself stays (see rb).',
  options: {
    recursive: SHARED.recursive,
    'dry-run': SHARED['dry-run'],
    exclude: SHARED.exclude,
    include: SHARED.include,
    json: SHARED.json,
  },
  examples: [
    ['one object', 'stowage rm stow://photos/cats/cat.jpg'],
    ['what would go', 'stowage rm --recursive --dry-run stow://photos/cats/'],
    ['a folder of objects', 'stowage rm --recursive stow://photos/cats/'],
    ['only the logs under a prefix', "stowage rm -r --exclude '*' --include '*.log' stow://archive/2023/"],
  ],
  arity: { min: 1, max: Number.MAX_SAFE_INTEGER },
  async run(ctx, args) {
    const recursive = args.flag('recursive');
    const filter = (await import('../filters.js')).commandFilter(args, recursive);
    const tasks: Task[] = [];
    for (const arg of args.positionals) {
      const { store, bucket, key } = requireObject(arg, 'an object');
      if (!recursive && key === '') {
        throw new UsageError(`${formatIn(store, bucket)} is a bucket: add --recursive to delete its objects, or use rb`);
      }
      const remote = await ctx.remote(store);
      if (!recursive) {
        tasks.push({ op: 'delete', in: remote, bucket, key });
        continue;
      }
      const prefix = folderPrefix(key);
      for await (const entry of remote.storage.listObjects(bucket, { ...(prefix !== '' ? { prefix } : {}), signal: ctx.signal })) {
        if (entry.type === 'object' && (!filter || filter(entry.key.slice(prefix.length)))) {
          tasks.push({ op: 'delete', in: remote, bucket, key: entry.key });
        }
      }
    }
    const { runTasks } = await import('../tasks.js');
    await runTasks(ctx, { tasks, problems: 0 }, { dryRun: args.flag('dry-run'), transfers: 1, label: 'rm', command: 'rm' });
  },
};
