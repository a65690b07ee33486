import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { formatIn, requireObject } from '../locations.js';

/** `cat`: objects' bytes to stdout, streamed. */
export const cat: Command = {
  name: 'cat',
  summary: 'print objects to standard output',
  usage: ['cat stow://BUCKET/KEY...'],
  description:
    'Writes the bytes of each object, in order, to standard output as they arrive (nothing is held whole in ' +
    'memory), for pipes: sha256sum, jq, tar x. No progress bar is drawn.',
  options: {},
  examples: [
    ['read a text object', 'stowage cat stow://notes/todo.txt'],
    ['check a download', 'stowage cat stow://backup/db.tar | sha256sum'],
  ],
  arity: { min: 1, max: Number.MAX_SAFE_INTEGER },
  async run(ctx, args) {
    const locations = args.positionals.map((arg) => {
      const location = requireObject(arg, 'an object');
      if (location.key === '') throw new UsageError(`${formatIn(location.store, location.bucket)} is a bucket: name an object in it`);
      return location;
    });
    const { streamToStdout } = await import('./transfer.js');
    for (const location of locations) await streamToStdout(ctx, location);
  },
};
