import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { abortError, throwIfAborted } from './abort.js';
import { abortableChunks } from './body.js';
import { bareEtag } from './conditions.js';
import { StorageError, isStorageError } from './errors.js';
import { fileError } from './file-errors.js';
import { ProgressThrottle } from './progress-throttle.js';
import type { ObjectInfo, ProgressEvent, Storage } from './storage.js';
import { type TransferConfig, resolveTransferConfig } from './transfer-config.js';
import type { TransferResult } from './upload-file.js';

/** Options of `downloadFile`. */
export interface DownloadFileOptions extends TransferConfig {
  signal?: AbortSignal;
  /** Progress, throttled to at most ~20 events a second; the last one has `loaded === total`. */
  onProgress?: (event: ProgressEvent) => void;
  /** Download only if the object's ETag is this one (else `PreconditionFailed`). */
  ifMatch?: string;
}

interface Part {
  offset: number;
  length: number;
}

/**
 * Downloads `bucket/key` to the file at `path`. The bytes go to a temporary file beside the target,
 * which is renamed into place only once it is complete and checked (its size, and the ETag of every
 * response equal to the one seen first), so the target is never partial. Objects above the
 * multipart threshold are fetched as concurrent ranged reads pinned to that ETag (`ifMatch`) and
 * written at their offsets; a range that fails is retried alone, from its first missing byte. On
 * failure or abort the temporary file is removed and the target is left as it was.
 */
export async function downloadFile(
  storage: Storage,
  bucket: string,
  key: string,
  path: string,
  options: DownloadFileOptions = {},
): Promise<TransferResult> {
  const details = { bucket, key };
  const config = resolveTransferConfig(options, details);
  const { signal } = options;
  throwIfAborted(signal, details);
  const info = await storage.headObject(bucket, key, {
    ...(signal !== undefined ? { signal } : {}),
    ...(options.ifMatch !== undefined ? { ifMatch: options.ifMatch } : {}),
  });
  throwIfAborted(signal, details); // an abort during the HEAD would not reach the listener below

  const target = resolve(path);
  const temp = join(dirname(target), `.${basename(target).slice(0, 200)}.${randomBytes(6).toString('hex')}.stowage-download`);
  const progress = new ProgressThrottle({ bucket, key, total: info.size, onProgress: options.onProgress });
  // Fires when the caller aborts or when one range fails for good, so the others stop too.
  const stop = new AbortController();
  // Each range in flight listens on it several times (the driver's request, its body, ours).
  setMaxListeners(10 + 8 * config.concurrency, stop.signal);
  const forwardAbort = () => stop.abort(signal?.reason);
  signal?.addEventListener('abort', forwardAbort, { once: true });
  let handle: FileHandle | undefined;
  try {
    progress.start();
    handle = await open(temp, 'wx').catch((error: unknown) => {
      throw fileError(error, dirname(target), details);
    });
    const ranged = info.size > config.multipartThreshold && storage.capabilities.rangeRead;
    const parts = ranged ? splitIntoParts(info.size, config.partSize) : info.size > 0 ? [{ offset: 0, length: info.size }] : [];
    const file = handle;
    await inPool(parts, config.concurrency, stop, (part) =>
      fetchPart(storage, info, part, { bucket, key, file, progress, whole: !ranged, stop: stop.signal, maxAttempts: config.maxAttempts }),
    );
    throwIfAborted(signal, details);
    await file.sync().catch((error: unknown) => {
      throw fileError(error, target, details);
    });
    const written = (await file.stat()).size;
    if (written !== info.size) {
      throw new StorageError('ChecksumMismatch', `downloaded ${written} bytes of a ${info.size}-byte object`, details);
    }
    handle = undefined;
    await file.close();
    await rename(temp, target).catch((error: unknown) => {
      throw fileError(error, target, details);
    });
    progress.complete();
    return { bucket, key, size: info.size, etag: info.etag };
  } catch (error) {
    stop.abort();
    progress.close();
    await handle?.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined);
    if (signal?.aborted) throw abortError(signal, details);
    throw isStorageError(error) ? error : unavailable(error, details);
  } finally {
    signal?.removeEventListener('abort', forwardAbort);
  }
}

/** Cuts `size` bytes into parts of `partSize` (the last one shorter). */
export function splitIntoParts(size: number, partSize: number): Part[] {
  const parts: Part[] = [];
  for (let offset = 0; offset < size; offset += partSize) parts.push({ offset, length: Math.min(partSize, size - offset) });
  return parts;
}

/** Runs `work` on every item, `concurrency` at a time; the first failure stops the rest and is thrown. */
async function inPool<T>(items: T[], concurrency: number, stop: AbortController, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && !stop.signal.aborted && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
        stop.abort();
      }
    }
  };
  // Every worker is awaited, so no write lands in the file after it is closed and removed.
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failure) throw failure.error;
}

interface PartContext {
  bucket: string;
  key: string;
  file: FileHandle;
  progress: ProgressThrottle;
  /** The object is read in one request (no range header on the first try). */
  whole: boolean;
  stop: AbortSignal;
  maxAttempts: number;
}

/** Fetches one part into the file at its offset, resuming from the first missing byte after a failure. */
async function fetchPart(storage: Storage, info: ObjectInfo, part: Part, ctx: PartContext): Promise<void> {
  const { bucket, key, file, progress, stop } = ctx;
  const details = { bucket, key };
  const canResume = storage.capabilities.rangeRead;
  let done = 0;
  for (let attempt = 1; ; attempt++) {
    if (done > 0 && !canResume) {
      progress.add(-done); // starting over: progress rewinds by what this part had written
      done = 0;
    }
    const whole = ctx.whole && done === 0;
    try {
      const result = await storage.getObject(bucket, key, {
        ...(whole ? {} : { range: { offset: part.offset + done, length: part.length - done } }),
        // Every range of one download must come from the same version of the object.
        ...(storage.capabilities.conditionalGet ? { ifMatch: info.etag } : {}),
        signal: stop,
      });
      try {
        // Servers that ignore If-Match still send the ETag: compare it ourselves.
        if (bareEtag(result.info.etag) !== bareEtag(info.etag) || result.info.size !== info.size) {
          throw new StorageError(
            'PreconditionFailed',
            `the object changed during the download (ETag ${info.etag}, now ${result.info.etag})`,
            details,
          );
        }
        for await (const chunk of abortableChunks(result.body, stop, details)) {
          if (done + chunk.byteLength > part.length) {
            throw new StorageError('ChecksumMismatch', `the server sent more than the ${part.length} bytes asked for`, details);
          }
          await writeAt(file, chunk, part.offset + done).catch((error: unknown) => {
            throw new LocalFailure(fileError(error, 'the temporary file', details));
          });
          done += chunk.byteLength;
          progress.add(chunk.byteLength);
        }
      } finally {
        result.body.destroy();
      }
      if (done < part.length) {
        throw new StorageError('Unavailable', `the response ended after ${done} of ${part.length} bytes`, details);
      }
      return;
    } catch (error) {
      if (error instanceof LocalFailure) throw error.error;
      if (stop.aborted || !retryable(error) || attempt >= ctx.maxAttempts) throw error;
      await pause(Math.min(2_000, 100 * 2 ** (attempt - 1)), stop);
    }
  }
}

/** A failure on the local disk (full, read-only): retrying the range would not help. */
class LocalFailure {
  constructor(readonly error: StorageError) {}
}

/**
 * Network trouble (a socket error from the body stream, `Unavailable`, a connection the driver saw
 * aborted) is worth another try; an answer from the server (missing, changed, denied) is not.
 */
function retryable(error: unknown): boolean {
  if (!isStorageError(error)) return true;
  return error.code === 'Unavailable' || error.code === 'Aborted';
}

async function writeAt(file: FileHandle, chunk: Uint8Array, position: number): Promise<void> {
  let offset = 0;
  while (offset < chunk.byteLength) {
    const { bytesWritten } = await file.write(chunk, offset, chunk.byteLength - offset, position + offset);
    offset += bytesWritten;
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    const timer = setTimeout(finish, ms);
    function finish() {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      done();
    }
    signal.addEventListener('abort', finish, { once: true });
  });
}

function unavailable(error: unknown, details: { bucket: string; key: string }): StorageError {
  const why = error instanceof Error ? error.message : String(error);
  return new StorageError('Unavailable', `the download failed: ${why}`, { ...details, cause: error });
}
