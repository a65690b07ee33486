// What cp, mv and cat do, loaded when one of them runs (see copy.ts for the commands themselves).
import { stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { abortableChunks, fileError } from '@stowage/core';
import type { Args } from '../args.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { type Location, type ObjectLocation, formatLocation, keyBaseName, parseLocation, storeId } from '../locations.js';
import { type Plan, type RunOptions, runTasks } from '../tasks.js';
import { commandFilter } from '../filters.js';
import { planTree } from '../sync-stream.js';
import { barLabel, runOptions } from './copy.js';

/** `cp` and `mv`: plans the copies the command line asks for and runs them. */
export async function copyOrMove(ctx: Context, args: Args, move: boolean): Promise<void> {
  const [srcArg, dstArg] = args.positionals as [string, string];
  const source = parseLocation(srcArg);
  const destination = parseLocation(dstArg);
  const verb = move ? 'mv' : 'cp';
  const label = barLabel(source);
  const options = runOptions(args, label, verb);

  if (source.kind === 'stdio' || destination.kind === 'stdio') {
    if (move) throw new UsageError('mv cannot use - (standard input or output)');
    if (args.flag('recursive')) throw new UsageError('--recursive cannot use - (standard input or output)');
    if (source.kind === 'stdio' && destination.kind === 'object') return uploadStdin(ctx, destination, options);
    if (ctx.json && destination.kind === 'stdio')
      throw new UsageError('--json cannot go with - as the destination: the object is the output');
    if (source.kind === 'object' && destination.kind === 'stdio') return streamToStdout(ctx, objectKey(source, verb));
    throw new UsageError(`${verb} with - needs a stow:// location on the other side`);
  }
  if (source.kind === 'file' && destination.kind === 'file') {
    throw new UsageError(`${verb} needs a stow:// location on at least one side (both ${srcArg} and ${dstArg} are local paths)`);
  }
  const recursive = args.flag('recursive');
  const filter = commandFilter(args, recursive);
  const changes = options.contentType !== undefined || options.metadata !== undefined;
  if (source.kind === 'file') {
    const stats = await stat(resolve(ctx.io.cwd, source.path)).catch((error: unknown) => {
      throw fileError(error, source.path);
    });
    if (stats.isDirectory() && !recursive) throw new UsageError(`${source.path} is a folder: add --recursive to copy what is in it`);
    if (!stats.isDirectory()) return runTasks(ctx, await planOne(ctx, source, destination, move, stats.size, changes), options);
  }
  if (recursive) {
    return runTasks(
      ctx,
      await planTree(ctx, source, destination, {
        onlyChanged: false,
        sizeOnly: false,
        deleteExtra: false,
        move,
        ...(filter ? { filter } : {}),
      }),
      options,
    );
  }
  return runTasks(ctx, await planOne(ctx, source, destination, move, 0, changes), options);
}

/** The key of a location that must name one object. */
function objectKey(location: ObjectLocation, verb: string): ObjectLocation {
  if (location.bucket === '' || location.key === '' || location.key.endsWith('/')) {
    throw new UsageError(
      `${formatLocation(location)} is a bucket or folder: name an object, or add --recursive to ${verb} what is under it`,
    );
  }
  return location;
}

/** Where an object goes under a destination that may be a folder (`stow://b/dir/`, `stow://b`). */
function targetKey(destination: ObjectLocation, name: string): string {
  return destination.key === '' || destination.key.endsWith('/') ? destination.key + name : destination.key;
}

/** The plan for one file or object. */
async function planOne(
  ctx: Context,
  source: Location,
  destination: Location,
  move: boolean,
  fileSize: number,
  changesAttributes: boolean,
): Promise<Plan> {
  const verb = move ? 'mv' : 'cp';
  if (source.kind === 'file' && destination.kind === 'object') {
    const key = targetKey(destination, basename(source.path));
    const to = await ctx.remote(destination.store);
    return {
      tasks: [
        {
          op: 'upload',
          file: resolve(ctx.io.cwd, source.path),
          shown: source.path,
          to,
          bucket: destination.bucket,
          key,
          size: fileSize,
          move,
        },
      ],
      problems: 0,
    };
  }
  if (source.kind === 'object' && destination.kind === 'file') {
    const { bucket, key } = objectKey(source, verb);
    const from = await ctx.remote(source.store);
    const info = await from.storage.headObject(bucket, key, { signal: ctx.signal }).catch((e: unknown) => Promise.reject(ctx.tag(e, from)));
    const name = keyBaseName(key);
    const intoFolder =
      /[/\\]$/.test(destination.path) ||
      (await stat(resolve(ctx.io.cwd, destination.path)).then(
        (s) => s.isDirectory(),
        () => false,
      ));
    const shown = intoFolder ? join(destination.path, name) : destination.path;
    return {
      tasks: [
        {
          op: 'download',
          from,
          bucket,
          key,
          file: resolve(ctx.io.cwd, shown),
          shown,
          size: info.size,
          lastModified: info.lastModified,
          etag: info.etag,
          move,
        },
      ],
      problems: 0,
    };
  }
  if (source.kind === 'object' && destination.kind === 'object') {
    const { bucket, key } = objectKey(source, verb);
    const target = { bucket: destination.bucket, key: targetKey(destination, keyBaseName(key)) };
    const [from, to] = await Promise.all([ctx.remote(source.store), ctx.remote(destination.store)]);
    if (storeId(source.store) === storeId(destination.store) && bucket === target.bucket && key === target.key) {
      // Copying an object onto itself only makes sense to change its attributes (S3 refuses otherwise).
      if (move || !changesAttributes) {
        throw new UsageError(
          `source and destination are the same object: ${to.format(target.bucket, target.key)}${move ? '' : ' (give --content-type or --metadata to change its attributes)'}`,
        );
      }
    }
    const info = await from.storage.headObject(bucket, key, { signal: ctx.signal }).catch((e: unknown) => Promise.reject(ctx.tag(e, from)));
    return {
      tasks: [{ op: 'copy', from, source: { bucket, key }, to, target, size: info.size, etag: info.etag, move }],
      problems: 0,
    };
  }
  throw new UsageError(`${verb} needs a store location (stow://, s3://, NAME:) on at least one side`);
}

/** `cp - stow://b/k`: standard input to an object, streamed; an interrupted upload stores nothing. */
async function uploadStdin(ctx: Context, destination: ObjectLocation, options: RunOptions): Promise<void> {
  if (destination.bucket === '' || destination.key === '' || destination.key.endsWith('/')) {
    throw new UsageError(`${formatLocation(destination)} is a bucket or folder: name the object to store standard input as`);
  }
  const action = { type: 'action', op: 'upload', source: '-', destination: formatLocation(destination) } as const;
  if (options.dryRun) {
    await ctx.action({ ...action, status: 'dryrun' });
    return;
  }
  const info = await (await ctx.remote(destination.store)).storage.putObject(destination.bucket, destination.key, ctx.io.stdin, {
    signal: ctx.signal,
    ...(options.contentType !== undefined ? { contentType: options.contentType } : {}),
    ...(options.metadata !== undefined ? { metadata: options.metadata } : {}),
  });
  await ctx.action({ ...action, status: 'done', size: info.size });
}

/**
 * An object's bytes to stdout as they arrive (`cat`, `cp … -`), waiting for the reader when the
 * pipe is full: nothing larger than a chunk is held.
 */
export async function streamToStdout(ctx: Context, location: ObjectLocation): Promise<void> {
  const { bucket, key } = location;
  const result = await (await ctx.remote(location.store)).storage.getObject(bucket, key, { signal: ctx.signal });
  try {
    for await (const chunk of abortableChunks(result.body, ctx.signal, { bucket, key })) await ctx.out.writeBytes(chunk);
  } finally {
    result.body.destroy();
  }
}
