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
import type { Context } from './context.js';
import { FailuresReported } from './errors.js';
import type { JsonAction, JsonOp, JsonSummary } from './json.js';
import { formatObject } from './locations.js';

/** A local file upload to an object. `shown` is the path as it appears in messages. */
export interface UploadTask {
  op: 'upload';
  file: string;
  shown: string;
  bucket: string;
  key: string;
  size: number;
  /** Delete the file once the object is stored (`mv`). */
  move?: boolean;
}

/** An object download to a local file; its time becomes the file's mtime, as `aws s3` does. */
export interface DownloadTask {
  op: 'download';
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

/** A copy inside the store (the server copies; no bytes pass through here). */
export interface CopyTask {
  op: 'copy';
  from: ObjectRef;
  to: ObjectRef;
  size: number;
  move?: boolean;
}

/** An object to delete (`rm`, `sync --delete`). */
export interface DeleteTask {
  op: 'delete';
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
      return { source: task.shown, destination: formatObject(task.bucket, task.key) };
    case 'download':
      return { source: formatObject(task.bucket, task.key), destination: task.shown };
    case 'copy':
      return { source: formatObject(task.from.bucket, task.from.key), destination: formatObject(task.to.bucket, task.to.key) };
    case 'delete':
      return { location: formatObject(task.bucket, task.key) };
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
  if (ctx.signal.aborted) throw abortError(ctx.signal, tasks.length === 1 ? target(tasks[0] as Task) : {});
  await runDeletions(ctx, deletions, tally);
  await tally.summary(options.command, false);
  if (tally.failed > 0) throw new FailuresReported(tally.failed, tasks.length + plan.problems);
}

function target(task: Task): { bucket?: string; key?: string } {
  switch (task.op) {
    case 'upload':
    case 'delete':
      return { bucket: task.bucket, key: task.key };
    case 'download':
      return { bucket: task.bucket, key: task.key };
    case 'copy':
      return task.to;
    case 'unlink':
      return {};
  }
}

async function runTransfer(ctx: Context, task: Transfer, options: RunOptions, bar: ProgressBar | undefined): Promise<void> {
  const { storage, signal } = ctx;
  const onProgress = bar ? { onProgress: bar } : {};
  switch (task.op) {
    case 'upload': {
      await uploadFile(storage, task.bucket, task.key, task.file, {
        signal,
        ...onProgress,
        ...(options.contentType !== undefined ? { contentType: options.contentType } : {}),
        ...(options.metadata !== undefined ? { metadata: options.metadata } : {}),
      });
      if (task.move) await unlink(task.file).catch((e: unknown) => Promise.reject(fileError(e, task.shown)));
      break;
    }
    case 'download': {
      const details = { bucket: task.bucket, key: task.key };
      await mkdir(dirname(task.file), { recursive: true }).catch((e: unknown) =>
        Promise.reject(fileError(e, dirname(task.shown), details)),
      );
      await downloadFile(storage, task.bucket, task.key, task.file, {
        signal,
        ...onProgress,
        ...(task.etag !== undefined ? { ifMatch: task.etag } : {}),
      });
      // The object's time as the file's mtime: a later `sync` then sees the two as the same.
      if (task.lastModified) await utimes(task.file, new Date(), task.lastModified).catch(() => undefined);
      if (task.move) await storage.deleteObject(task.bucket, task.key, { signal });
      break;
    }
    case 'copy': {
      let attributes = {};
      if (options.contentType !== undefined || options.metadata !== undefined) {
        // Giving any attribute replaces them all (S3's REPLACE): keep the source's others.
        const info = await storage.headObject(task.from.bucket, task.from.key, { signal });
        attributes = {
          ...pickContentHeaders(info),
          metadata: options.metadata ?? info.metadata,
          ...(options.contentType !== undefined ? { contentType: options.contentType } : {}),
        };
      }
      await storage.copyObject(task.from, task.to, { signal, ...attributes });
      // The server reports no progress for a copy: count its bytes once it is done.
      bar?.({ bucket: task.to.bucket, key: task.to.key, loaded: task.size, total: task.size, delta: task.size });
      if (task.move) await storage.deleteObject(task.from.bucket, task.from.key, { signal });
      break;
    }
  }
}

async function runDeletions(ctx: Context, tasks: (DeleteTask | UnlinkTask)[], tally: Tally): Promise<void> {
  const { storage, signal } = ctx;
  const byBucket = new Map<string, string[]>();
  for (const task of tasks) {
    if (task.op === 'delete') byBucket.set(task.bucket, [...(byBucket.get(task.bucket) ?? []), task.key]);
  }
  for (const [bucket, keys] of byBucket) {
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      if (signal.aborted) throw abortError(signal);
      const batch = keys.slice(i, i + DELETE_BATCH);
      let result: DeleteObjectsResult;
      try {
        result =
          batch.length === 1 ? await deleteOne(ctx, bucket, batch[0] as string) : await storage.deleteObjects(bucket, batch, { signal });
      } catch (error) {
        if (signal.aborted) throw abortError(signal);
        // The whole batch failed: one error line, and each key a failed action.
        for (const [i, key] of batch.entries()) await tally.fail(error, { op: 'delete', bucket, key }, i === 0);
        continue;
      }
      for (const key of result.deleted) await tally.ok({ op: 'delete', bucket, key }, 'done');
      for (const e of result.errors)
        await tally.fail(new StorageError(e.code, e.message, { bucket, key: e.key }), { op: 'delete', bucket, key: e.key });
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
async function deleteOne(ctx: Context, bucket: string, key: string): Promise<DeleteObjectsResult> {
  await ctx.storage.deleteObject(bucket, key, { signal: ctx.signal });
  return { deleted: [key], errors: [] };
}
