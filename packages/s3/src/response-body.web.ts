import { abortError, chunksToWebStream, collectBytes, nodeOnly, type ObjectInfo, type ObjectRead, webStreamChunks } from '@stowage/core';
import { windowOf } from './body-window.js';
import type { ReadWatch } from './response-body.js';

/**
 * The web variant of `response-body.ts`: the body is a web stream, and the read offers it through
 * `webStream()` and `bytes()` (there is no Node stream here), ending it with `Aborted` when the
 * signal fires.
 */
export type ResponseBody = ReadableStream<Uint8Array>;

export function responseBody(body: unknown): ResponseBody | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof Blob !== 'undefined' && body instanceof Blob) return body.stream();
  if (typeof (body as ResponseBody).getReader === 'function') return body as ResponseBody;
  // A request handler of the caller's that answers with a Node stream: every Node stream is async-iterable.
  if (typeof body === 'object' && Symbol.asyncIterator in body) return chunksToWebStream(body as AsyncIterable<Uint8Array>);
  return undefined;
}

export function sliceBody(body: ResponseBody, offset: number, length: number): ResponseBody {
  return chunksToWebStream(windowOf(webStreamChunks(body), offset, length));
}

export function discardBody(body: ResponseBody): void {
  void body.cancel().catch(() => undefined);
}

export function bodyRead(
  info: ObjectInfo,
  body: ResponseBody,
  range: { offset: number; length: number } | undefined,
  watch: ReadWatch,
): ObjectRead {
  const webStream = () => untilAborted(body, watch);
  return {
    info,
    ...(range ? { range } : {}),
    stream: () => {
      throw nodeOnly('a Node stream (use webStream(), bytes() or text())');
    },
    webStream,
    bytes: () => collectBytes(webStreamChunks(webStream())),
  };
}

/** `body`, ending with `Aborted` (and cancelling the response) when the signal fires, also when it fired before. */
function untilAborted(body: ResponseBody, { signal, bucket, key }: ReadWatch): ResponseBody {
  if (!signal) return body;
  const reader = body.getReader();
  let onAbort = (): void => undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      onAbort = () => {
        controller.error(abortError(signal, { bucket, key }));
        void reader.cancel(signal.reason).catch(() => undefined);
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    },
    async pull(controller) {
      const next = await reader.read().catch((error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        throw error;
      });
      if (signal.aborted) return;
      if (!next.done) {
        controller.enqueue(next.value);
        return;
      }
      signal.removeEventListener('abort', onAbort);
      controller.close();
    },
    cancel(reason) {
      signal.removeEventListener('abort', onAbort);
      return reader.cancel(reason);
    },
  });
}
