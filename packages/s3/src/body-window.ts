/**
 * The bytes `[offset, offset + length)` of a body's chunks, counted from its first byte; stops
 * reading (closing the source) once they are all given. Both `response-body`s cut with it.
 */
export async function* windowOf(chunks: AsyncIterable<Uint8Array>, offset: number, length: number): AsyncGenerator<Uint8Array> {
  const end = offset + length;
  let position = 0;
  for await (const chunk of chunks) {
    const from = Math.max(0, offset - position);
    const to = Math.min(chunk.byteLength, end - position);
    position += chunk.byteLength;
    if (to > from) yield chunk.subarray(from, to);
    if (position >= end) return;
  }
}
