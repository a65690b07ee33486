import { Readable } from 'node:stream';

/**
 * A Node stream of `pieces`, one per read; a piece that throws destroys the stream with that error.
 * It may hold up to two pieces ahead of its reader, so the next one is checked and copied while the
 * reader still works on the last (a file write, say, on the thread pool). Its web variant
 * (`pieces-readable.web.ts`) has no Node streams.
 */
export function piecesReadable(pieces: Iterator<Uint8Array>, pieceBytes: number): Readable {
  return new Readable({
    highWaterMark: 2 * pieceBytes,
    read() {
      try {
        const next = pieces.next();
        this.push(next.done ? null : next.value);
      } catch (error) {
        this.destroy(error as Error);
      }
    },
  });
}
