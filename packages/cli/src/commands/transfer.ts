// What cp, mv and cat do, loaded when one of them runs (see copy.ts for the commands themselves).
import { stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { abortableChunks, fileError } from '@stowage/core';
import type { Args } from '../args.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { type Location, type ObjectLocation, formatObject, keyBaseName, parseLocation } from '../locations.js';
import { type Plan, type RunOptions, runTasks } from '../tasks.js';
import { commandFilter } from '../filters.js';
import { planTree } from '../tree.js';
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
  if (location.key === '' || location.key.endsWith('/')) {
    throw new UsageError(
      `${formatObject(location.bucket, location.key)} is a bucket or folder: name an object, or add --recursive to ${verb} what is under it`,
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
    return {
      tasks: [
        { op: 'upload', file: resolve(ctx.io.cwd, source.path), shown: source.path, bucket: destination.bucket, key, size: fileSize, move },
      ],
      problems: 0,
    };
  }
  if (source.kind === 'object' && destination.kind === 'file') {
    const { bucket, key } = objectKey(source, verb);
    const info = await ctx.storage.headObject(bucket, key, { signal: ctx.signal });
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
    const from = objectKey(source, verb);
    const to = { bucket: destination.bucket, key: targetKey(destination, keyBaseName(from.key)) };
    if (from.bucket === to.bucket && from.key === to.key) {
      // Copying an object onto itself only makes sense to change its attributes (S3 refuses otherwise).
      if (move || !changesAttributes) {
        throw new UsageError(
          `source and destination are the same object: ${formatObject(to.bucket, to.key)}${move ? '' : ' (give --content-type or --metadata to change its attributes)'}`,
        );
      }
    }
    const info = await ctx.storage.headObject(from.bucket, from.key, { signal: ctx.signal });
    return { tasks: [{ op: 'copy', from: { bucket: from.bucket, key: from.key }, to, size: info.size, move }], problems: 0 };
  }
  throw new UsageError(`${verb} needs a stow:// location on at least one side`);
}

/** `cp - stow://b/k`: standard input to an object, streamed; an interrupted upload stores nothing. */
async function uploadStdin(ctx: Context, destination: ObjectLocation, options: RunOptions): Promise<void> {
  if (destination.key === '' || destination.key.endsWith('/')) {
    throw new UsageError(
      `${formatObject(destination.bucket, destination.key)} is a bucket or folder: name the object to store standard input as`,
    );
  }
  const action = { type: 'action', op: 'upload', source: '-', destination: formatObject(destination.bucket, destination.key) } as const;
  if (options.dryRun) {
    await ctx.action({ ...action, status: 'dryrun' });
    return;
  }
  const info = await ctx.storage.putObject(destination.bucket, destination.key, ctx.io.stdin, {
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
  const result = await ctx.storage.getObject(bucket, key, { signal: ctx.signal });
  try {
    for await (const chunk of abortableChunks(result.body, ctx.signal, { bucket, key })) await ctx.out.writeBytes(chunk);
  } finally {
    result.body.destroy();
  }
}
