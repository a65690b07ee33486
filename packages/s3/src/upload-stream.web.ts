/** The web variant of `upload-stream.ts`: a web stream (lib-storage reads those too), and no listener limit to raise. */

export function uploadStream(chunks: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
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
    { highWaterMark: 1 },
  );
}

export function allowAbortListeners(_signal: AbortSignal, _count: number): void {}
