import { finished, type Readable, Transform } from 'node:stream';
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
 * `source` (a response body) as a stream that delivers the same bytes and fails, instead of
 * ending cleanly, when they were not the announced ones: `Unavailable` when the body stops short
 * of `Content-Length` or the connection breaks or stalls mid-body (reset, socket timeout), and
 * `ChecksumMismatch` when the MD5 of a full read differs from the ETag. The error comes before any
 * `end`, so a pipeline into a file rejects. `fail` turns a cause into the driver's error. Node
 * streams; `verified-body.web.ts` is the same on web streams.
 */
export function verifiedBody(first: Readable, expect: BodyExpectation, fail: BodyFail, resume?: BodyResume<Readable>): Readable {
  const hash = expect.md5 !== undefined ? createMd5() : undefined;
  // Bytes handed to `out` so far: where a resumption starts. Counted as they arrive, not as
  // `out` transforms them, since `out` may still hold some in its buffer.
  let received = 0;
  let seen = 0;
  let current = first;
  let left = resume && expect.length !== undefined ? resume.attempts : 0;
  const out = new Transform({
    transform(chunk: Uint8Array, _encoding, callback) {
      seen += chunk.byteLength;
      hash?.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      callback(endFailure(seen, expect, hash, fail));
    },
  });

  // Each response is piped straight into `out` (no extra stream between them); when its
  // connection breaks (reset, socket timeout, a clean close short of the length) the rest is
  // fetched with `resume` from the first missing byte, up to `attempts` times with backoff.
  const attach = (body: Readable, round: number): void => {
    current = body;
    body.on('data', (chunk: Uint8Array) => {
      received += chunk.byteLength;
    });
    body.pipe(out, { end: false });
    finished(body, (error) => {
      body.unpipe(out);
      if (out.destroyed) return;
      if (!error && (expect.length === undefined || received >= expect.length)) {
        out.end();
        return;
      }
      const failure = error ?? shortBody(received, expect);
      if (!body.destroyed) body.destroy();
      if (!resume || left <= 0 || !connectionFailure(failure)) {
        out.destroy(bodyFailure(failure, received, expect, fail));
        return;
      }
      left -= 1;
      resume.onResume?.(received, failure);
      setTimeout(() => {
        if (out.destroyed) return;
        resume.from(received).then(
          (next) => {
            if (out.destroyed) next.destroy();
            else attach(next, round + 1);
          },
          (resumeError: unknown) => out.destroy(bodyFailure(unresumedReason(resumeError, failure), received, expect, fail)),
        );
      }, resumePause(round));
    });
  };
  // A reader that stops early frees the connection at once.
  out.once('close', () => {
    if (!current.destroyed) current.destroy();
  });
  attach(first, 0);
  return out;
}
