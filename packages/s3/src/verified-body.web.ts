import { createMd5 } from '@stowage/core/md5';
import {
  bodyFailure,
  connectionFailure,
  endFailure,
  resumePause,
  shortBody,
  unresumedReason,
  type BodyExpectation,
  type BodyFail,
  type BodyResume,
} from './body-checks.js';

/**
 * The web variant of `verified-body.ts`, on web streams: the same bytes, failing instead of ending
 * when they were not the announced ones, and going on from the first missing byte with `resume`
 * when the connection breaks. Cancelling it cancels the response it reads.
 */
export function verifiedBody(
  first: ReadableStream<Uint8Array>,
  expect: BodyExpectation,
  fail: BodyFail,
  resume?: BodyResume<ReadableStream<Uint8Array>>,
): ReadableStream<Uint8Array> {
  const hash = expect.md5 !== undefined ? createMd5() : undefined;
  let received = 0;
  let round = 0;
  let left = resume && expect.length !== undefined ? resume.attempts : 0;
  let reader = first.getReader();
  let cancelled = false;

  /** The next chunk of the current response, `undefined` at its clean end, or the failure that broke it. */
  const nextChunk = async (): Promise<{ chunk: Uint8Array } | { end: true } | { failure: unknown }> => {
    try {
      const next = await reader.read();
      if (!next.done) return { chunk: next.value };
      return expect.length === undefined || received >= expect.length ? { end: true } : { failure: shortBody(received, expect) };
    } catch (error) {
      return { failure: error };
    }
  };

  /** The rest of the body after `failure`, from a new response; throws the body's error when there is none. */
  const resumeAfter = async (failure: unknown): Promise<void> => {
    void reader.cancel(failure).catch(() => undefined);
    if (!resume || left <= 0 || !connectionFailure(failure)) throw bodyFailure(failure, received, expect, fail);
    left -= 1;
    resume.onResume?.(received, failure);
    await new Promise((wake) => setTimeout(wake, resumePause(round)));
    round += 1;
    let next: ReadableStream<Uint8Array>;
    try {
      next = await resume.from(received);
    } catch (resumeError) {
      throw bodyFailure(unresumedReason(resumeError, failure), received, expect, fail);
    }
    reader = next.getReader();
    if (cancelled) void reader.cancel().catch(() => undefined);
  };

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        const step = await nextChunk();
        if (cancelled) return;
        if ('chunk' in step) {
          received += step.chunk.byteLength;
          hash?.update(step.chunk);
          controller.enqueue(step.chunk);
          return;
        }
        if ('end' in step) {
          const problem = endFailure(received, expect, hash, fail);
          if (problem) throw problem;
          controller.close();
          return;
        }
        await resumeAfter(step.failure);
        if (cancelled) return;
      }
    },
    // A reader that stops early frees the connection at once.
    cancel(reason) {
      cancelled = true;
      return reader.cancel(reason).catch(() => undefined);
    },
  });
}
