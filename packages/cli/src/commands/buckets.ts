import { type Command, SHARED } from '../command.js';
import { requireBucket } from '../locations.js';

/** `mb`: make a bucket. */
export const mb: Command = {
  name: 'mb',
  summary: 'make a bucket',
  usage: ['mb stow://BUCKET', 'mb s3://BUCKET', 'mb NAME:BUCKET'],
  description:
    "Creates a bucket. Names follow S3's rules: 3 to 63 characters, lower-case letters, digits, dots and hyphens. " +
    'Fails with BucketAlreadyExists if it exists.',
  options: { json: SHARED.json },
  examples: [
    ['a bucket for photos', 'stowage mb stow://photos'],
    ['the same, saying so in JSON', 'stowage mb --json stow://photos'],
  ],
  arity: { min: 1, max: 1 },
  async run(ctx, args) {
    const { store, bucket } = requireBucket(args.positionals[0] as string);
    const remote = await ctx.remote(store);
    await remote.storage.createBucket(bucket, { signal: ctx.signal });
    await ctx.action({ type: 'action', op: 'make_bucket', status: 'done', location: remote.format(bucket) });
  },
};

/** `rb`: remove a bucket, `--force` emptying it first. */
export const rb: Command = {
  name: 'rb',
  summary: 'remove a bucket (--force: with everything in it)',
  usage: ['rb [--force] stow://BUCKET'],
  description:
    'Deletes a bucket. A bucket that holds objects is BucketNotEmpty unless --force, which deletes every object ' +
    'first (in batches of 1000).',
  options: {
    force: { type: 'boolean', short: 'f', description: 'delete the objects in the bucket first' },
    json: SHARED.json,
  },
  examples: [
    ['an empty bucket', 'stowage rb stow://scratch'],
    ['a bucket and everything in it', 'stowage rb --force stow://scratch'],
  ],
  arity: { min: 1, max: 1 },
  async run(ctx, args) {
    const { store, bucket } = requireBucket(args.positionals[0] as string);
    const remote = await ctx.remote(store);
    const { Bucket } = await import('@stowage/core');
    await new Bucket(remote.storage, bucket).delete({ force: args.flag('force'), signal: ctx.signal });
    await ctx.action({ type: 'action', op: 'remove_bucket', status: 'done', location: remote.format(bucket) });
  },
};
