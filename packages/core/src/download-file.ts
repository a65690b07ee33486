import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { abortError, throwIfAborted } from './abort.js';
import { bareEtag } from './conditions.js';
import { forEachLimited } from './concurrency.js';
import { StorageError, isStorageError } from './errors.js';
import { fileError } from './file-errors.js';
import { ProgressThrottle } from './progress-throttle.js';
import type { ObjectInfo, ProgressEvent, Storage } from './storage.js';
import { type Part, splitIntoParts } from './parts.js';
import { type TransferConfig, type TransferResult, resolveTransferConfig } from './transfer-config.js';
import { allowAbortListeners } from './listener-limit.js';

/** Options of `downloadFile`. */
export interface DownloadFileOptions extends TransferConfig {
  signal?: AbortSignal;
  /** Progress, throttled to at most ~20 events a second; the last one has `loaded === total`. */
  onProgress?: (event: ProgressEvent) => void;
  /** Download only if the object's ETag is this one (else `PreconditionFailed`). */
  ifMatch?: string;
}

/**
 * Downloads `bucket/key` to the file at `path`. The bytes go to a temporary file beside the target,
 * which is renamed into place only once it is complete and checked (its size, and the ETag of every
 * response equal to the one seen first), so the target is never partial. Objects above the
 * multipart threshold are fetched as concurrent ranged reads pinned to that ETag (`ifMatch`) and
 * written at their offsets (ranges of `partSize`, or of a multiple of it for large objects: see
 * `rangeSize`); a range that fails is retried alone, from its first missing byte. On
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
  // node:crypto is loaded by the first download, not by every program that imports core.
  const { randomBytes } = await import('node:crypto');
  const temp = join(dirname(target), `.${basename(target).slice(0, 200)}.${randomBytes(6).toString('hex')}.stowage-download`);
  const progress = new ProgressThrottle({ bucket, key, total: info.size, onProgress: options.onProgress });
  // Fires when the caller aborts or when one range fails for good, so the others stop too.
  const stop = new AbortController();
  // Each range in flight listens on it several times (the driver's request, its body, ours).
  allowAbortListeners(stop.signal, 10 + 8 * config.concurrency);
  const forwardAbort = () => stop.abort(signal?.reason);
  signal?.addEventListener('abort', forwardAbort, { once: true });
  let handle: FileHandle | undefined;
  try {
    progress.start();
    handle = await open(temp, 'wx').catch((error: unknown) => {
      throw fileError(error, dirname(target), details);
    });
    const ranged = info.size > config.multipartThreshold && storage.capabilities.rangeRead;
    const parts = ranged
      ? splitIntoParts(info.size, rangeSize(info.size, config.partSize, config.concurrency))
      : info.size > 0
        ? [{ offset: 0, length: info.size }]
        : [];
    const file = handle;
    // The first failed part cancels the others in flight; every one settles before the file closes.
    await forEachLimited(
      parts,
      config.concurrency,
      (part) =>
        fetchPart(storage, info, part, {
          bucket,
          key,
          file,
          progress,
          whole: !ranged,
          stop: stop.signal,
          maxAttempts: config.maxAttempts,
        }).catch((error: unknown) => {
          stop.abort();
          throw error;
        }),
      stop.signal,
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

/**
 * The length of each ranged read: `partSize`, or a whole multiple of it for a large object, so
 * that it goes in about `2 × concurrency` ranges. Every request costs a round trip and the
 * server's setup, during which its slot moves no bytes (with 8 MiB ranges, a 256 MiB download on
 * s3rver ran at 0.8× one stream; with 32 MiB ranges, above it); two ranges per slot still let
 * fast connections take over the work of a slow one. Nothing is buffered per range, so its length
 * costs no memory, and a cut range resumes from its first missing byte whatever its length.
 */
export function rangeSize(size: number, partSize: number, concurrency: number): number {
  return partSize * Math.max(1, Math.floor(size / (partSize * concurrency * 2)));
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
        await writeBody(result.body, part.length - done, {
          file,
          position: part.offset + done,
          progress,
          stop,
          details,
          advance: (bytes) => {
            done += bytes;
          },
        });
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

/** Bytes gathered from a response before they are written in one call. */
const WRITE_BATCH = 1024 * 1024;

/**
 * Streams a response body into the file from `position`, gathering its chunks into writes of about
 * 1 MiB (one `writev` each), and returns how many bytes it wrote. An abort destroys the body, so
 * no chunk waits on the signal. `advance` learns of every write as it lands; when the body fails
 * (a dropped connection), the bytes received so far are still written before the error is thrown,
 * so a retry starts at the first missing byte.
 */
async function writeBody(
  body: AsyncIterable<unknown> & { destroy(error?: Error): unknown },
  room: number,
  to: {
    file: FileHandle;
    position: number;
    progress: ProgressThrottle;
    stop: AbortSignal;
    details: { bucket: string; key: string };
    advance: (bytes: number) => void;
  },
): Promise<void> {
  const { file, progress, stop, details } = to;
  let written = 0;
  let batch: Uint8Array[] = [];
  let batched = 0;
  const flush = async () => {
    if (batched === 0) return;
    const chunks = batch;
    const length = batched;
    batch = [];
    batched = 0;
    await writeAllAt(file, chunks, length, to.position + written).catch((error: unknown) => {
      throw new LocalFailure(fileError(error, 'the temporary file', details));
    });
    written += length;
    to.advance(length);
    progress.add(length);
  };
  const onStop = () => body.destroy(abortError(stop, details));
  if (stop.aborted) onStop();
  else stop.addEventListener('abort', onStop, { once: true });
  let overflow = false;
  try {
    try {
      for await (const chunk of body) {
        const bytes = chunk as Uint8Array;
        if (written + batched + bytes.byteLength > room) {
          overflow = true;
          throw new StorageError('ChecksumMismatch', `the server sent more than the ${room} bytes asked for`, details);
        }
        batch.push(bytes);
        batched += bytes.byteLength;
        if (batched >= WRITE_BATCH) await flush();
      }
    } catch (error) {
      // What arrived before the failure is good: keep it, unless the download is over.
      if (!overflow && !(error instanceof LocalFailure) && !stop.aborted) await flush();
      throw error;
    }
    await flush();
  } finally {
    stop.removeEventListener('abort', onStop);
  }
}

/** Writes `chunks` (`length` bytes in all) at `position`, in one `writev` unless the file takes less. */
async function writeAllAt(file: FileHandle, chunks: Uint8Array[], length: number, position: number): Promise<void> {
  const { bytesWritten } =
    chunks.length === 1 ? await file.write(chunks[0] as Uint8Array, 0, length, position) : await file.writev(chunks, position);
  if (bytesWritten >= length) return;
  // A short write (rare on files): the rest, chunk by chunk.
  let skip = bytesWritten;
  let at = position + bytesWritten;
  for (const chunk of chunks) {
    if (skip >= chunk.byteLength) {
      skip -= chunk.byteLength;
      continue;
    }
    let offset = skip;
    skip = 0;
    while (offset < chunk.byteLength) {
      const { bytesWritten: n } = await file.write(chunk, offset, chunk.byteLength - offset, at);
      offset += n;
      at += n;
    }
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
