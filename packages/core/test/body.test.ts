import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  type StorageError,
  abortableChunks,
  bodyToReadable,
  collectBytes,
  isStorageError,
  normalizeBody,
  type BodyInput,
} from '@stowage/core';

async function bytesOf(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of chunks) {
    expect(c).toBeInstanceOf(Uint8Array);
    parts.push(Buffer.from(c));
  }
  return Buffer.concat(parts);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const sample = Buffer.from('héllo, wörld 😀');

describe('normalizeBody: each BodyInput form yields the right bytes', () => {
  const forms: [string, () => BodyInput, number | undefined][] = [
    ['a string (as UTF-8)', () => 'héllo, wörld 😀', sample.length],
    ['a Uint8Array', () => new Uint8Array(sample), sample.length],
    ['a Buffer', () => Buffer.from(sample), sample.length],
    ['a Node Readable of buffers', () => Readable.from([sample.subarray(0, 3), sample.subarray(3)]), undefined],
    ['a Node Readable of strings', () => Readable.from(['héllo, ', 'wörld 😀']), undefined],
    [
      'a web ReadableStream',
      () =>
        new ReadableStream<Uint8Array>({
          start(c) {
            c.enqueue(sample.subarray(0, 5));
            c.enqueue(sample.subarray(5));
            c.close();
          },
        }),
      undefined,
    ],
    [
      'an async generator',
      () =>
        (async function* () {
          yield sample.subarray(0, 1);
          yield sample.subarray(1);
        })(),
      undefined,
    ],
    ['a Blob', () => new Blob([sample]), sample.length],
  ];

  it.each(forms)('%s', async (_, make, size) => {
    const normalized = normalizeBody(make());
    expect(normalized.size).toBe(size);
    expect((await bytesOf(normalized.chunks)).equals(sample)).toBe(true);
  });

  it('a view into a larger buffer yields only the view', async () => {
    const backing = Buffer.from('0123456789');
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 2, 3);
    const normalized = normalizeBody(view);
    expect(normalized.size).toBe(3);
    expect((await bytesOf(normalized.chunks)).toString()).toBe('234');
  });

  it('empty bodies have size 0 and no bytes', async () => {
    for (const body of ['', new Uint8Array(0), new Blob([])] as BodyInput[]) {
      const normalized = normalizeBody(body);
      expect(normalized.size).toBe(0);
      expect((await bytesOf(normalized.chunks)).length).toBe(0);
    }
    expect((await bytesOf(normalizeBody(Readable.from([])).chunks)).length).toBe(0);
  });

  it('the size of a string is its UTF-8 length, not its UTF-16 length', () => {
    expect(normalizeBody('😀é').size).toBe(6);
  });

  it('a string body can be iterated by hand with its async iterator', async () => {
    const iterator = normalizeBody('ab').chunks[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(Buffer.from(first.value as Uint8Array).toString()).toBe('ab');
    expect((await iterator.next()).done).toBe(true);
  });

  it('rejects a value that is no body with InvalidArgument', () => {
    for (const body of [42, null, undefined, {}, [Buffer.from('a')], true]) {
      let error: unknown;
      try {
        normalizeBody(body as unknown as BodyInput);
      } catch (e) {
        error = e;
      }
      expect(isStorageError(error, 'InvalidArgument'), String(body)).toBe(true);
    }
  });

  it('rejects a stream chunk that is neither bytes nor a string, when it is reached', async () => {
    const normalized = normalizeBody(
      (async function* () {
        yield Buffer.from('ok');
        yield 42 as unknown as Uint8Array;
      })(),
    );
    const error = await rejection(bytesOf(normalized.chunks));
    expect(isStorageError(error, 'InvalidArgument')).toBe(true);
    expect((error as StorageError).message).toContain('number');
  });
});

describe('normalizeBody does not read a stream before it is consumed', () => {
  it('a Node Readable is not pulled until the chunks are iterated', async () => {
    let pulls = 0;
    const parts = [Buffer.from('a'), Buffer.from('b')];
    const source = new Readable({
      read() {
        pulls++;
        this.push(parts.shift() ?? null);
      },
    });
    const normalized = normalizeBody(source);
    await new Promise((r) => setTimeout(r, 20));
    expect(pulls).toBe(0);
    expect((await bytesOf(normalized.chunks)).toString()).toBe('ab');
    expect(pulls).toBeGreaterThan(0);
  });

  it('an async iterable is not pulled until the chunks are iterated', async () => {
    let pulls = 0;
    const iterable: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]() {
        let i = 0;
        return {
          async next() {
            pulls++;
            return i++ < 3 ? { done: false, value: Buffer.from([i]) } : { done: true, value: undefined };
          },
        };
      },
    };
    const normalized = normalizeBody(iterable);
    await new Promise((r) => setTimeout(r, 20));
    expect(pulls).toBe(0);
    expect([...(await bytesOf(normalized.chunks))]).toEqual([1, 2, 3]);
    expect(pulls).toBe(4);
  });

  it('a web ReadableStream is not pulled until the chunks are iterated', async () => {
    let pulls = 0;
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulls++;
          if (pulls <= 2) controller.enqueue(Buffer.from([pulls]));
          else controller.close();
        },
      },
      { highWaterMark: 0 },
    );
    const normalized = normalizeBody(stream);
    await new Promise((r) => setTimeout(r, 20));
    expect(pulls).toBe(0);
    expect([...(await bytesOf(normalized.chunks))]).toEqual([1, 2]);
  });

  it('stopping early cancels a web ReadableStream', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(Buffer.from('x'));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const chunk of normalizeBody(stream).chunks) {
      expect(chunk.byteLength).toBe(1);
      break;
    }
    expect(cancelled).toBe(true);
  });
});

describe('abortableChunks', () => {
  function stalled(): { source: AsyncIterable<Uint8Array>; returned: () => boolean } {
    let returned = false;
    let sent = false;
    return {
      returned: () => returned,
      source: {
        [Symbol.asyncIterator]() {
          return {
            next() {
              if (!sent) {
                sent = true;
                return Promise.resolve({ done: false as const, value: Buffer.from('first') });
              }
              return new Promise<IteratorResult<Uint8Array>>(() => undefined);
            },
            return() {
              returned = true;
              return Promise.resolve({ done: true as const, value: undefined });
            },
          };
        },
      },
    };
  }

  it('passes chunks through without a signal', async () => {
    const out = await bytesOf(abortableChunks(normalizeBody('abc').chunks, undefined));
    expect(out.toString()).toBe('abc');
  });

  it('rejects Aborted on a stalled source once the signal fires, and closes the source', async () => {
    const controller = new AbortController();
    const { source, returned } = stalled();
    const seen: string[] = [];
    const consuming = (async () => {
      for await (const chunk of abortableChunks(source, controller.signal, { bucket: 'b', key: 'k' })) {
        seen.push(Buffer.from(chunk).toString());
      }
    })();
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual(['first']);
    controller.abort();
    const error = await rejection(consuming);
    expect(isStorageError(error, 'Aborted')).toBe(true);
    expect((error as StorageError).bucket).toBe('b');
    expect((error as StorageError).key).toBe('k');
    expect(returned()).toBe(true);
  });

  it('rejects Aborted at once for a signal that already fired', async () => {
    const { source } = stalled();
    const error = await rejection(bytesOf(abortableChunks(source, AbortSignal.abort())));
    expect(isStorageError(error, 'Aborted')).toBe(true);
  });

  it('names the abort reason in the message and keeps it as the cause', async () => {
    const controller = new AbortController();
    const reason = new Error('user pressed cancel');
    controller.abort(reason);
    const error = await rejection(bytesOf(abortableChunks(stalled().source, controller.signal)));
    expect((error as StorageError).message).toContain('user pressed cancel');
    expect((error as StorageError).cause).toBe(reason);
  });

  it('passes on an error of the source as it is', async () => {
    const boom = new Error('source broke');
    const source = (async function* () {
      yield Buffer.from('a');
      throw boom;
    })();
    expect(await rejection(bytesOf(abortableChunks(source, new AbortController().signal)))).toBe(boom);
  });
});

describe('bodyToReadable', () => {
  it('returns a Node Readable as it is when there is no signal', () => {
    const source = Readable.from([Buffer.from('a')]);
    expect(bodyToReadable(source)).toBe(source);
  });

  it.each([
    ['a string', () => 'héllo, wörld 😀'],
    ['a Blob', () => new Blob([sample])],
    ['a web stream', () => new Blob([sample]).stream() as ReadableStream<Uint8Array>],
    ['a Readable with a signal', () => Readable.from([sample])],
  ])('gives the bytes of %s', async (_, make) => {
    const readable = bodyToReadable(make(), new AbortController().signal);
    expect(readable).toBeInstanceOf(Readable);
    expect(Buffer.from(await collectBytes(readable)).equals(sample)).toBe(true);
  });

  it('errors with Aborted when the signal fires while the source stalls', async () => {
    const controller = new AbortController();
    const source = (async function* () {
      yield Buffer.from('a');
      await new Promise(() => undefined);
    })();
    const readable = bodyToReadable(source, controller.signal);
    setTimeout(() => controller.abort(), 20);
    const error = await rejection(collectBytes(readable));
    expect(isStorageError(error, 'Aborted')).toBe(true);
  });
});
