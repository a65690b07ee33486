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
  /** For uploads and copies: the content type to set (uploads otherwise guess it from the file name). */
  contentType?: string;
  /** For uploads and copies: user metadata to set. */
  metadata?: Record<string, string>;
}

/** What a task does, as `aws s3` prints it: `upload: ./cat.jpg to stow://photos/cat.jpg`. */
export function describeTask(task: Task): string {
  switch (task.op) {
    case 'upload':
      return `${task.move ? 'move' : 'upload'}: ${task.shown} to ${formatObject(task.bucket, task.key)}`;
    case 'download':
      return `${task.move ? 'move' : 'download'}: ${formatObject(task.bucket, task.key)} to ${task.shown}`;
    case 'copy':
      return `${task.move ? 'move' : 'copy'}: ${formatObject(task.from.bucket, task.from.key)} to ${formatObject(task.to.bucket, task.to.key)}`;
    case 'delete':
      return `delete: ${formatObject(task.bucket, task.key)}`;
    case 'unlink':
      return `delete: ${task.shown}`;
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
  if (options.dryRun) {
    for (const task of tasks) await ctx.out.status(`(dryrun) ${describeTask(task)}`);
    if (plan.problems > 0) throw new FailuresReported(plan.problems, tasks.length + plan.problems);
    return;
  }
  const transfers = tasks.filter(isTransfer);
  const deletions = tasks.filter((t): t is DeleteTask | UnlinkTask => !isTransfer(t));
  const total = transfers.reduce((sum, t) => sum + t.size, 0);
  const bar = transfers.length > 0 ? await ctx.progress(options.label, total) : undefined;
  let failed = plan.problems;
  const fail = (error: unknown) => {
    failed++;
    ctx.report(error);
  };
  try {
    // A failed transfer does not stop the others (as `aws s3 cp --recursive`); an abort does.
    await forEachLimited(
      transfers,
      options.transfers,
      (task) =>
        runTransfer(ctx, task, options, bar).catch((error: unknown) => {
          if (!ctx.signal.aborted) fail(error);
        }),
      ctx.signal,
    );
  } finally {
    bar?.finish(); // closes the line with "stopped after" when not everything went
  }
  if (ctx.signal.aborted) throw abortError(ctx.signal, tasks.length === 1 ? target(tasks[0] as Task) : {});
  await runDeletions(ctx, deletions, fail);
  if (failed > 0) throw new FailuresReported(failed, tasks.length + plan.problems);
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
  await ctx.out.status(describeTask(task));
}

async function runDeletions(ctx: Context, tasks: (DeleteTask | UnlinkTask)[], fail: (error: unknown) => void): Promise<void> {
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
        fail(error);
        continue;
      }
      for (const key of result.deleted) await ctx.out.status(describeTask({ op: 'delete', bucket, key }));
      for (const e of result.errors) fail(new StorageError(e.code, e.message, { bucket, key: e.key }));
    }
  }
  for (const task of tasks) {
    if (task.op !== 'unlink') continue;
    if (signal.aborted) throw abortError(signal);
    try {
      await unlink(task.file);
      await ctx.out.status(describeTask(task));
    } catch (error) {
      fail(fileError(error, task.shown));
    }
  }
}

/** One key: `deleteObject` (S3's DeleteObject), so a single `rm` names its own error. */
async function deleteOne(ctx: Context, bucket: string, key: string): Promise<DeleteObjectsResult> {
  await ctx.storage.deleteObject(bucket, key, { signal: ctx.signal });
  return { deleted: [key], errors: [] };
}
