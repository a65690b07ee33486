import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { abortError, throwIfAborted } from './abort.js';
import { StorageError, isStorageError } from './errors.js';
import { fileError } from './file-errors.js';
import { pickContentHeaders } from './metadata.js';
import { ProgressThrottle } from './progress-throttle.js';
import type { ContentHeaders, ProgressEvent, Storage } from './storage.js';
import { type TransferConfig, type TransferResult, resolveTransferConfig } from './transfer-config.js';

/** Options of `uploadFile`: boto3's `ExtraArgs`, `Callback` and `Config` in one object. */
export interface UploadFileOptions extends TransferConfig, ContentHeaders {
  /** User metadata to store with the object. */
  metadata?: Record<string, string>;
  /** Upload only if no object exists under the key. */
  ifNoneMatch?: '*';
  /** Upload only if the current object has this ETag. */
  ifMatch?: string;
  signal?: AbortSignal;
  /** Progress, throttled to at most ~20 events a second; the last one has `loaded === total`. */
  onProgress?: (event: ProgressEvent) => void;
}

/**
 * The content type for a file name, from its extension (`cat.jpg` → `image/jpeg`), or `undefined`
 * when the extension is unknown and the driver's default applies.
 */
export async function guessContentType(path: string): Promise<string | undefined> {
  mimeTypes ??= import('mime-types');
  const loaded = await mimeTypes;
  // A CommonJS module: Node gives its exports by name, a bundler's chunk may give them as `default`.
  const { lookup } = typeof loaded.lookup === 'function' ? loaded : (loaded as unknown as { default: typeof loaded }).default;
  return lookup(path) || undefined;
}

// mime-types and its large table are loaded with the first guess: importing core costs nothing
// for a program that never uploads a file.
let mimeTypes: Promise<typeof import('mime-types')> | undefined;

/**
 * Uploads the file at `path` to `bucket/key`, streaming it from disk. The file's size and the
 * transfer config go to the driver, which uploads in parts above the threshold (S3: a multipart
 * upload with `concurrency` parts in flight). The content type is guessed from the file name unless
 * given. On failure or abort the driver leaves no object and no pending upload.
 */
export async function uploadFile(
  storage: Storage,
  bucket: string,
  key: string,
  path: string,
  options: UploadFileOptions = {},
): Promise<TransferResult> {
  const details = { bucket, key };
  const { multipartThreshold, partSize, concurrency } = resolveTransferConfig(options, details);
  const { signal, onProgress, metadata, ifMatch, ifNoneMatch } = options;
  throwIfAborted(signal, details);
  const stats = await stat(path).catch((error: unknown) => {
    throw fileError(error, path, details);
  });
  if (!stats.isFile()) throw new StorageError('InvalidArgument', `${path} is not a file`, details);
  const size = stats.size;
  const contentType = options.contentType ?? (await guessContentType(path));

  const progress = new ProgressThrottle({ bucket, key, total: size, onProgress });
  // 1 MiB reads: 16× fewer chunks (and syscalls) than the default 64 KiB on their way to the driver.
  const body = createReadStream(path, { highWaterMark: 1024 * 1024 });
  // A read error is a local problem, not the server's: say so, with the path.
  let readError: StorageError | undefined;
  body.on('error', (error: NodeJS.ErrnoException) => {
    // A driver that stops reading (abort, a failed part) destroys the stream: not a read error.
    if (error.code !== 'ABORT_ERR' && error.code !== 'ERR_STREAM_PREMATURE_CLOSE') readError = fileError(error, path, details);
  });
  try {
    progress.start();
    const result = await storage.putObject(bucket, key, body, {
      ...pickContentHeaders(options),
      ...(contentType !== undefined ? { contentType } : {}),
      ...(metadata !== undefined ? { metadata } : {}),
      ...(ifMatch !== undefined ? { ifMatch } : {}),
      ...(ifNoneMatch !== undefined ? { ifNoneMatch } : {}),
      ...(signal !== undefined ? { signal } : {}),
      size,
      multipartThreshold,
      partSize,
      concurrency,
      // Drivers count bytes as they are sent (and rewind on a retried part): the truest progress.
      onProgress: (event) => progress.follow(event.loaded, event.delta < 0),
    });
    progress.complete();
    return { bucket, key, size, etag: result.etag };
  } catch (error) {
    progress.close();
    if (signal?.aborted) throw isStorageError(error, 'Aborted') ? error : abortError(signal, details);
    throw readError ?? error;
  } finally {
    body.destroy();
  }
}
