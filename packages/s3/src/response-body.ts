import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { streamRead, type ObjectInfo, type ObjectRead } from '@stowage/core';
import { windowOf } from './body-window.js';

/**
 * A GetObject response's body as the driver streams it, checks and cuts it: a Node stream here,
 * a web stream in the web variant (`response-body.web.ts`).
 */
export type ResponseBody = Readable;

/** Whose read a body is, and the signal that ends it. */
export interface ReadWatch {
  readonly bucket: string;
  readonly key: string;
  readonly signal: AbortSignal | undefined;
}

/**
 * The SDK's response body as a Node stream. In Node it is one; where the SDK runs on `fetch` (a
 * worker, a browser bundle) it is a web `ReadableStream`, or a `Blob` where streams are missing.
 */
export function responseBody(body: unknown): ResponseBody | undefined {
  if (body === undefined || body === null) return undefined;
  if (body instanceof Readable || typeof (body as Readable).pipe === 'function') return body as Readable;
  if (typeof Blob !== 'undefined' && body instanceof Blob) return Readable.fromWeb(body.stream() as NodeReadableStream<Uint8Array>);
  return Readable.fromWeb(body as NodeReadableStream<Uint8Array>);
}

/** The bytes `[offset, offset + length)` of a body, counted from its first byte. */
export function sliceBody(body: ResponseBody, offset: number, length: number): ResponseBody {
  return Readable.from(windowOf(body, offset, length), { objectMode: false });
}

/** Lets a body go unread, freeing its connection. */
export function discardBody(body: ResponseBody): void {
  body.destroy();
}

/** The driver's read of a body: the front door makes its stream end with `Aborted` when the signal fires. */
export function bodyRead(
  info: ObjectInfo,
  body: ResponseBody,
  range: { offset: number; length: number } | undefined,
  _watch: ReadWatch,
): ObjectRead {
  return streamRead(info, body, range);
}
