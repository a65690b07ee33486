import { finished, type Readable } from 'node:stream';
import { StorageError, type StorageErrorDetails } from './errors.js';

// Chunks held while the consumer is busy; above this the stream is paused.
const QUEUE_BYTES = 1024 * 1024;

/**
 * The chunks of a Node `Readable`, each as the stream emitted it. A Readable's own async iterator
 * calls `read()`, which joins every buffered chunk into a fresh buffer (a copy of most of the body
 * for a file stream); taking `data` events instead passes the stream's buffers on untouched, as a
 * `pipe` does. Strings become UTF-8 bytes; anything else is `InvalidArgument`, as `normalizeBody`
 * has it. Stopping early destroys the stream.
 */
export async function* readableChunks(stream: Readable, details: StorageErrorDetails): AsyncGenerator<Uint8Array> {
  const queue: Uint8Array[] = [];
  let queuedBytes = 0;
  let ended = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const onData = (chunk: unknown) => {
    let bytes: Uint8Array;
    if (chunk instanceof Uint8Array) bytes = chunk;
    else if (typeof chunk === 'string') bytes = Buffer.from(chunk, 'utf8');
    else {
      failure ??= new StorageError(
        'InvalidArgument',
        `a body stream must yield Uint8Array or string chunks, not ${chunk === null ? 'null' : typeof chunk}`,
        details,
      );
      stream.pause();
      notify();
      return;
    }
    queue.push(bytes);
    queuedBytes += bytes.byteLength;
    if (queuedBytes >= QUEUE_BYTES) stream.pause();
    notify();
  };
  const stopWatching = finished(stream, (error) => {
    if (error) failure ??= error;
    else ended = true;
    notify();
  });
  stream.on('data', onData);
  stream.resume();
  try {
    for (;;) {
      const chunk = queue.shift();
      if (chunk !== undefined) {
        queuedBytes -= chunk.byteLength;
        if (queuedBytes < QUEUE_BYTES && failure === undefined && stream.isPaused()) stream.resume();
        yield chunk;
        continue;
      }
      if (failure !== undefined) throw failure;
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    stream.off('data', onData);
    stopWatching();
    if (!ended || failure !== undefined) stream.destroy();
  }
}
