import type { Readable } from 'node:stream';
import { nodeOnly } from '@stowage/core';

/** The web variant of `pieces-readable.ts`: there are no Node streams here. */
export function piecesReadable(_pieces: Iterator<Uint8Array>, _pieceBytes: number): Readable {
  throw nodeOnly('a Node stream (use webStream(), bytes() or text())');
}
