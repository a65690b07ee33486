import { mkdir, unlink, utimes } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  type DeleteObjectsResult,
  type ObjectRef,
  StorageError,
  abortError,
  downloadFile,
  fileError,
  forEachLimited,
  pickContentHeaders,
  uploadFile,
} from '@stowage/core';
import type { ProgressBar } from '@stowage/progress';
import type { Context, Remote } from './context.js';
import { FailuresReported } from './errors.js';
import type { JsonAction, JsonOp, JsonSummary } from './json.js';
import { storeId } from './locations.js';

/** A local file upload to an object in `to`. `shown` is the path as it appears in messages. */
export interface UploadTask {
  op: 'upload';
  file: string;
  shown: string;
  to: Remote;
  bucket: string;
  key: string;
  size: number;
  /** Delete the file once the object is stored (`mv`). */
  move?: boolean;
}

/** An object download to a local file; its time becomes the file's mtime, as `aws s3` does. */
export interface DownloadTask {
  op: 'download';
  from: Remote;
  bucket: string;
  key: string;
  file: string;
  shown: string;
  size: number;
  lastModified?: Date;
  /** Download only this version of the object (the one that was listed or looked at). */
  etag?: string;
  move?: boolean;
}

/**
 * An object copied to another: inside one store the server copies (no bytes pass through here);
 * between two stores the bytes stream through, read from one as they are written to the other.
 */
export interface CopyTask {
  op: 'copy';
  from: Remote;
  source: ObjectRef;
  to: Remote;
  target: ObjectRef;
  size: number;
  /** Copy only this version of the source (the one that was listed or looked at). */
  etag?: string;
  move?: boolean;
}

/** An object to delete (`rm`, `sync --delete`). */
export interface DeleteTask {
  op: 'delete';
  in: Remote;
  bucket: string;
  key: string;
}

/** A local file to delete (`sync --delete` into a folder). */
export interface UnlinkTask {
  op: 'unlink';
  file: string;
  shown: string;
}

/** One step of a `cp`, `mv`, `rm` or `sync`: planned first, so `--dry-run` can print the plan. */
export type Task = UploadTask | DownloadTask | CopyTask | DeleteTask | UnlinkTask;

/** The tasks of a command, and how many items were already reported as failed while planning. */
export interface Plan {
  tasks: Task[];
  problems: number;
}

/** How a plan runs. */
export interface RunOptions {
  /** Print what would be done, do nothing. */
  dryRun: boolean;
  /** Transfers at once. */
  transfers: number;
  /** The progress bar's label. */
  label: string;
  /** The command's name, for the `--json` summary. */
  command: string;
  /** For uploads and copies: the content type to set (uploads otherwise guess it from the file name). */
  contentType?: string;
  /** For uploads and copies: user metadata to set. */
  metadata?: Record<string, string>;
}

/** The words of a task's status line (`upload`, `move`, …). */
function taskOp(task: Task): JsonOp {
  if ((task.op === 'upload' || task.op === 'download' || task.op === 'copy') && task.move) return 'move';
  return task.op === 'unlink' ? 'delete' : task.op;
}

/** A task's ends as messages write them: `source`/`destination` for transfers, `location` for deletions. */
function taskEnds(task: Task): { source: string; destination: string } | { location: string } {
  switch (task.op) {
    case 'upload':
      return { source: task.shown, destination: task.to.format(task.bucket, task.key) };
    case 'download':
      return { source: task.from.format(task.bucket, task.key), destination: task.shown };
    case 'copy':
      return {
        source: task.from.format(task.source.bucket, task.source.key),
        destination: task.to.format(task.target.bucket, task.target.key),
      };
    case 'delete':
      return { location: task.in.format(task.bucket, task.key) };
    case 'unlink':
      return { location: task.shown };
  }
}

/** A task as an action: its status line (`upload: ./cat.jpg to stow://photos/cat.jpg`, as `aws s3` prints it) or JSON line. */
function taskJson(task: Task, status: JsonAction['status']): JsonAction {
  return { type: 'action', op: taskOp(task), status, ...taskEnds(task), ...('size' in task ? { size: task.size } : {}) };
}

/** Counts what a run did, and says it: a status line (or a JSON line) per action. */
class Tally {
  done = 0;
  failed = 0;
  bytes = 0;
  constructor(private readonly ctx: Context) {}

  /** An action done (or, in a dry run, planned). */
  async ok(task: Task, status: 'done' | 'dryrun'): Promise<void> {
    this.done++;
    if ('size' in task) this.bytes += task.size;
    await this.ctx.action(taskJson(task, status));
  }

  /** A failure: its error line on stderr at once (unless `line` is false), and with `--json` a failed action. */
  async fail(error: unknown, task?: Task, line = true): Promise<void> {
    this.failed++;
    if (line) this.ctx.report(error);
    if (this.ctx.json && task) await this.ctx.out.line(JSON.stringify({ ...taskJson(task, 'failed'), error: this.ctx.errorJson(error) }));
  }

  /** With `--json`, the summary line that ends the output. */
  async summary(command: string, dryRun: boolean): Promise<void> {
    if (!this.ctx.json) return;
    const summary: JsonSummary = { type: 'summary', command, dryRun, done: this.done, failed: this.failed, bytes: this.bytes };
    await this.ctx.out.line(JSON.stringify(summary));
  }
}

// S3's DeleteObjects takes at most 1000 keys.
const DELETE_BATCH = 1000;

type Transfer = UploadTask | DownloadTask | CopyTask;
const isTransfer = (task: Task): task is Transfer => task.op === 'upload' || task.op === 'download' || task.op === 'copy';

/**
 * Runs a plan: the transfers first, `transfers` at a time under one progress bar for all their
 * bytes, then the deletions (objects in batches). A failed item is reported at once and the rest
 * go on; the run then ends with {@link FailuresReported}. Ctrl-C stops everything: transfers in
 * flight are aborted (leaving no partial object or file) and the run rejects `Aborted`.
 */
export async function runTasks(ctx: Context, plan: Plan, options: RunOptions): Promise<void> {
  const { tasks } = plan;
  const tally = new Tally(ctx);
  tally.failed = plan.problems;
  if (options.dryRun) {
    for (const task of tasks) await tally.ok(task, 'dryrun');
    await tally.summary(options.command, true);
    if (plan.problems > 0) throw new FailuresReported(plan.problems, tasks.length + plan.problems);
    return;
  }
  const transfers = tasks.filter(isTransfer);
  const deletions = tasks.filter((t): t is DeleteTask | UnlinkTask => !isTransfer(t));
  const total = transfers.reduce((sum, t) => sum + t.size, 0);
  const bar = transfers.length > 0 ? await ctx.progress(options.label, total) : undefined;
  try {
    // A failed transfer does not stop the others (as `aws s3 cp --recursive`); an abort does.
    await forEachLimited(
      transfers,
      options.transfers,
      (task) =>
        runTransfer(ctx, task, options, bar).then(
          () => tally.ok(task, 'done'),
          (error: unknown) => (ctx.signal.aborted ? undefined : tally.fail(error, task)),
        ),
      ctx.signal,
    );
  } finally {
    bar?.finish(); // closes the line with "stopped after" when not everything went
  }
  if (ctx.signal.aborted) throw abortError(ctx.signal, tasks.length === 1 ? targetOf(tasks[0] as Task) : {});
  await runDeletions(ctx, deletions, tally);
  await tally.summary(options.command, false);
  if (tally.failed > 0) throw new FailuresReported(tally.failed, tasks.length + plan.problems);
}

/** Where a transfer reports its progress (the bucket and key its events carry). */
function progressKey(task: Transfer): { bucket: string; key: string } {
  return task.op === 'copy' ? task.target : { bucket: task.bucket, key: task.key };
}

// Stands in the progress bar for the transfers the listing has not reached yet: while it is
// incomplete the bar cannot finish, however many of the known transfers are done.
const LISTING = { bucket: '', key: '\0listing' } as const;

/**
 * Runs tasks as they are planned (`sync`'s stream): each transfer starts as soon as it is
 * planned and a slot of `transfers` is free, while the planning (the listing) goes on; the
 * progress bar's total grows with each planned transfer and is exact once the listing ends.
 * Deletions wait until the whole plan is known (a listing that fails, or comes out of order,
 * then deletes nothing), and run as in {@link runTasks}.
 */
export async function runTaskStream(
  ctx: Context,
  tasks: AsyncIterable<Task>,
  options: RunOptions,
  problems: { count: number } = { count: 0 },
): Promise<void> {
  const tally = new Tally(ctx);
  const deletions: (DeleteTask | UnlinkTask)[] = [];
  let planned = 0;
  if (options.dryRun) {
    for await (const task of tasks) {
      planned++;
      await tally.ok(task, 'dryrun');
    }
    tally.failed += problems.count;
    await tally.summary(options.command, true);
    if (problems.count > 0) throw new FailuresReported(problems.count, planned + problems.count);
    return;
  }
  let bar: ProgressBar | undefined;
  const inFlight = new Set<Promise<void>>();
  let planning: unknown;
  try {
    for await (const task of tasks) {
      planned++;
      if (!isTransfer(task)) {
        deletions.push(task);
        continue;
      }
      if (bar === undefined && !ctx.quiet) {
        bar = await ctx.progress(options.label);
        bar?.({ ...LISTING, loaded: 0, total: 1, delta: 0 });
      }
      bar?.({ ...progressKey(task), loaded: 0, total: task.size, delta: 0 });
      while (inFlight.size >= options.transfers) await Promise.race(inFlight);
      if (ctx.signal.aborted) break;
      const running: Promise<void> = runTransfer(ctx, task, options, bar)
        .then(
          () => tally.ok(task, 'done'),
          (error: unknown) => (ctx.signal.aborted ? undefined : tally.fail(error, task)),
        )
        .finally(() => inFlight.delete(running));
      inFlight.add(running);
    }
  } catch (error) {
    planning = error;
  }
  bar?.({ ...LISTING, loaded: 1, total: 1, delta: 1 });
  try {
    await Promise.all(inFlight);
  } finally {
    bar?.finish();
  }
  if (ctx.signal.aborted) throw abortError(ctx.signal);
  if (planning !== undefined) {
    // The listing failed: what was copied stays, nothing is deleted, and the error says why.
    if (tally.failed > 0 || tally.done > 0) ctx.report(planning);
    else throw planning;
    await tally.summary(options.command, false);
    throw new FailuresReported(tally.failed + 1, planned + 1);
  }
  await runDeletions(ctx, deletions, tally);
  tally.failed += problems.count;
  await tally.summary(options.command, false);
  if (tally.failed > 0) throw new FailuresReported(tally.failed, planned + problems.count);
}

function targetOf(task: Task): { bucket?: string; key?: string } {
  switch (task.op) {
    case 'upload':
    case 'delete':
    case 'download':
      return { bucket: task.bucket, key: task.key };
    case 'copy':
      return task.target;
    case 'unlink':
      return {};
  }
}

/** Runs a storage call of `remote`'s, marking a failure as that store's (so its line says `s3://…`, not `stow://…`). */
async function on<T>(ctx: Context, remote: Remote, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw ctx.tag(error, remote);
  }
}

async function runTransfer(ctx: Context, task: Transfer, options: RunOptions, bar: ProgressBar | undefined): Promise<void> {
  const { signal } = ctx;
  const onProgress = bar ? { onProgress: bar } : {};
  const attributes = {
    ...(options.contentType !== undefined ? { contentType: options.contentType } : {}),
    ...(options.metadata !== undefined ? { metadata: options.metadata } : {}),
  };
  switch (task.op) {
    case 'upload': {
      await on(ctx, task.to, uploadFile(task.to.storage, task.bucket, task.key, task.file, { signal, ...onProgress, ...attributes }));
      if (task.move) await unlink(task.file).catch((e: unknown) => Promise.reject(fileError(e, task.shown)));
      break;
    }
    case 'download': {
      const details = { bucket: task.bucket, key: task.key };
      await mkdir(dirname(task.file), { recursive: true }).catch((e: unknown) =>
        Promise.reject(fileError(e, dirname(task.shown), details)),
      );
      await on(
        ctx,
        task.from,
        downloadFile(task.from.storage, task.bucket, task.key, task.file, {
          signal,
          ...onProgress,
          ...(task.etag !== undefined ? { ifMatch: task.etag } : {}),
        }),
      );
      // The object's time as the file's mtime: a later `sync` then sees the two as the same.
      if (task.lastModified) await utimes(task.file, new Date(), task.lastModified).catch(() => undefined);
      if (task.move) await on(ctx, task.from, task.from.storage.deleteObject(task.bucket, task.key, { signal }));
      break;
    }
    case 'copy': {
      if (storeId(task.from.store) === storeId(task.to.store)) await copyInside(ctx, task, options, bar);
      else await copyAcrossStores(ctx, task, options, bar);
      if (task.move) await on(ctx, task.from, task.from.storage.deleteObject(task.source.bucket, task.source.key, { signal }));
      break;
    }
  }
}

/** A copy inside one store: the server copies. */
async function copyInside(ctx: Context, task: CopyTask, options: RunOptions, bar: ProgressBar | undefined): Promise<void> {
  const { signal } = ctx;
  const storage = task.from.storage;
  let attributes = {};
  if (options.contentType !== undefined || options.metadata !== undefined) {
    // Giving any attribute replaces them all (S3's REPLACE): keep the source's others.
    const info = await on(ctx, task.from, storage.headObject(task.source.bucket, task.source.key, { signal }));
    attributes = {
      ...pickContentHeaders(info),
      metadata: options.metadata ?? info.metadata,
      ...(options.contentType !== undefined ? { contentType: options.contentType } : {}),
    };
  }
  await on(ctx, task.to, storage.copyObject(task.source, task.target, { signal, ...attributes }));
  // The server reports no progress for a copy: count its bytes once it is done.
  bar?.({ bucket: task.target.bucket, key: task.target.key, loaded: task.size, total: task.size, delta: task.size });
}

/**
 * A copy between two stores: the source's body streams into the target's put as it is read (held
 * a chunk at a time), with its content headers and metadata unless the options replace them, as
 * core's `copyAcross` does; here the put also reports progress to the bar.
 */
async function copyAcrossStores(ctx: Context, task: CopyTask, options: RunOptions, bar: ProgressBar | undefined): Promise<void> {
  const { signal } = ctx;
  const got = await on(
    ctx,
    task.from,
    task.from.storage.getObject(task.source.bucket, task.source.key, {
      signal,
      ...(task.etag !== undefined ? { ifMatch: task.etag } : {}),
    }),
  );
  const replace = options.contentType !== undefined || options.metadata !== undefined;
  const attributes = replace
    ? {
        ...pickContentHeaders(got.info),
        metadata: options.metadata ?? got.info.metadata,
        ...(options.contentType !== undefined ? { contentType: options.contentType } : {}),
      }
    : { ...pickContentHeaders(got.info), metadata: got.info.metadata };
  try {
    await on(
      ctx,
      task.to,
      task.to.storage.putObject(task.target.bucket, task.target.key, got.body, {
        ...attributes,
        size: got.info.size,
        signal,
        ...(bar ? { onProgress: bar } : {}),
      }),
    );
  } finally {
    got.body.destroy();
  }
}

async function runDeletions(ctx: Context, tasks: (DeleteTask | UnlinkTask)[], tally: Tally): Promise<void> {
  const { signal } = ctx;
  // One batch call deletes keys of one bucket of one store.
  const batches = new Map<string, { remote: Remote; bucket: string; keys: string[] }>();
  for (const task of tasks) {
    if (task.op !== 'delete') continue;
    const id = `${storeId(task.in.store)}\0${task.bucket}`;
    const batch = batches.get(id) ?? { remote: task.in, bucket: task.bucket, keys: [] };
    batch.keys.push(task.key);
    batches.set(id, batch);
  }
  for (const { remote, bucket, keys } of batches.values()) {
    const storage = remote.storage;
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      if (signal.aborted) throw abortError(signal);
      const batch = keys.slice(i, i + DELETE_BATCH);
      let result: DeleteObjectsResult;
      try {
        result = await on(
          ctx,
          remote,
          batch.length === 1 ? deleteOne(ctx, remote, bucket, batch[0] as string) : storage.deleteObjects(bucket, batch, { signal }),
        );
      } catch (error) {
        if (signal.aborted) throw abortError(signal);
        // The whole batch failed: one error line, and each key a failed action.
        for (const [i, key] of batch.entries()) await tally.fail(error, { op: 'delete', in: remote, bucket, key }, i === 0);
        continue;
      }
      for (const key of result.deleted) await tally.ok({ op: 'delete', in: remote, bucket, key }, 'done');
      for (const e of result.errors) {
        const error = ctx.tag(new StorageError(e.code, e.message, { bucket, key: e.key }), remote);
        await tally.fail(error, { op: 'delete', in: remote, bucket, key: e.key });
      }
    }
  }
  for (const task of tasks) {
    if (task.op !== 'unlink') continue;
    if (signal.aborted) throw abortError(signal);
    try {
      await unlink(task.file);
    } catch (error) {
      await tally.fail(fileError(error, task.shown), task);
      continue;
    }
    await tally.ok(task, 'done');
  }
}

/** One key: `deleteObject` (S3's DeleteObject), so a single `rm` names its own error. */
async function deleteOne(ctx: Context, remote: Remote, bucket: string, key: string): Promise<DeleteObjectsResult> {
  await remote.storage.deleteObject(bucket, key, { signal: ctx.signal });
  return { deleted: [key], errors: [] };
}
