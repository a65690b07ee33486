/** Web streams of byte chunks and back, for the web variants (no Node API here). */

/**
 * A web stream of `chunks`, holding up to `highWaterMark` chunks ahead of its reader. A chunk that
 * fails errors the stream; cancelling the stream closes the source.
 */
export function streamOfChunks(chunks: AsyncIterable<Uint8Array>, highWaterMark: number): ReadableStream<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      async cancel() {
        await iterator.return?.();
      },
    },
    { highWaterMark },
  );
}

/** The chunks of a web stream, by its reader (not every browser's streams are async-iterable). */
export async function* chunksOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let done = false;
  try {
    for (;;) {
      const next = await reader.read();
      done = next.done;
      if (next.done) return;
      yield next.value;
    }
  } finally {
    // A consumer that stops early frees the connection.
    if (!done) void reader.cancel().catch(() => undefined);
  }
}
