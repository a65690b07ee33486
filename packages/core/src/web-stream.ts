/**
 * A web stream of `chunks`, pulled one at a time as the reader asks (no read-ahead). A chunk that
 * fails errors the stream with that error; cancelling the stream closes the source.
 */
export function chunksToWebStream(chunks: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
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
    { highWaterMark: 0 },
  );
}
