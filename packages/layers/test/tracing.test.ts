import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Context, type ContextManager, context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AlwaysOffSampler, BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { type ListEntry, type ListOptions, type Storage, StorageError } from '@stowage/core';
import { ForwardingStorage, layered, TRACER_NAME, tracing } from '@stowage/layers';
import { LocalStorage } from '@stowage/local';
import { MemoryStorage } from '@stowage/memory';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FailingStorage } from './helpers/failing-storage.js';

/** A context manager over AsyncLocalStorage (what @opentelemetry/context-async-hooks does), so spans nest across awaits. */
class AsyncContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context | null,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.storage.run(ctx ?? ROOT_CONTEXT, () => fn.call(thisArg, ...args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.storage.disable();
    return this;
  }
}

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

beforeEach(() => {
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncContextManager());
});
afterEach(() => {
  exporter.reset();
  trace.disable();
  context.disable();
});
afterAll(() => provider.shutdown());

const spans = () => exporter.getFinishedSpans();

/** Notes the span that is active when each call reaches the store beneath. */
class SpyStorage extends ForwardingStorage {
  readonly active: (string | undefined)[] = [];
  override async putObject(...args: Parameters<Storage['putObject']>) {
    await Promise.resolve(); // across an await, as a driver's request would be
    this.active.push(trace.getActiveSpan()?.spanContext().spanId);
    return super.putObject(...args);
  }
  override listObjects(bucket: string, options: ListOptions = {}): AsyncIterable<ListEntry> {
    const { inner, active } = this;
    return (async function* () {
      for await (const entry of inner.listObjects(bucket, options)) {
        active.push(trace.getActiveSpan()?.spanContext().spanId);
        yield entry;
      }
    })();
  }
}

async function memory(): Promise<MemoryStorage> {
  const storage = new MemoryStorage();
  await storage.createBucket('bkt');
  return storage;
}

describe('tracing with the OpenTelemetry SDK', () => {
  it('makes one CLIENT span per operation, named stowage.<operation>, with driver, bucket, key and size', async () => {
    const storage = layered(await memory(), tracing());
    await storage.putObject('bkt', 'a.txt', 'hello');
    await (await storage.getObject('bkt', 'a.txt')).text();
    await (await storage.getObject('bkt', 'a.txt', { range: { offset: 1, length: 3 } })).text();
    await storage.headObject('bkt', 'a.txt');
    await storage.copyObject({ bucket: 'bkt', key: 'a.txt' }, { bucket: 'bkt', key: 'b.txt' });
    await storage.deleteObject('bkt', 'b.txt');
    await storage.listBuckets();

    const done = spans();
    expect(done.map((s) => [s.name, s.attributes['stowage.size'], s.status.code, s.kind])).toEqual([
      ['stowage.putObject', 5, SpanStatusCode.UNSET, SpanKind.CLIENT],
      ['stowage.getObject', 5, SpanStatusCode.UNSET, SpanKind.CLIENT],
      ['stowage.getObject', 3, SpanStatusCode.UNSET, SpanKind.CLIENT],
      ['stowage.headObject', 5, SpanStatusCode.UNSET, SpanKind.CLIENT],
      ['stowage.copyObject', 5, SpanStatusCode.UNSET, SpanKind.CLIENT],
      ['stowage.deleteObject', undefined, SpanStatusCode.UNSET, SpanKind.CLIENT],
      ['stowage.listBuckets', undefined, SpanStatusCode.UNSET, SpanKind.CLIENT],
    ]);
    expect(done[0]?.attributes).toEqual({ 'stowage.driver': 'memory', 'stowage.bucket': 'bkt', 'stowage.key': 'a.txt', 'stowage.size': 5 });
    expect(done[4]?.attributes).toMatchObject({
      'stowage.bucket': 'bkt',
      'stowage.key': 'b.txt',
      'stowage.source.bucket': 'bkt',
      'stowage.source.key': 'a.txt',
    });
    expect(done[6]?.attributes).toEqual({ 'stowage.driver': 'memory' });
    expect(done[0]?.instrumentationScope.name).toBe(TRACER_NAME);
  });

  it('marks a failure ERROR with error.type = the StorageError code, and records no message', async () => {
    const inner = await memory();
    const storage = layered(inner, tracing());
    await expect(storage.getObject('bkt', 'missing')).rejects.toMatchObject({ code: 'NoSuchKey' });
    const secret = 'AKIAIOSFODNN7EXAMPLE';
    const failing = layered(
      new FailingStorage(inner, new StorageError('Unavailable', `down, signed with ${secret}`, { cause: new Error(secret) })),
      tracing(),
    );
    await expect(failing.headObject('bkt', 'k')).rejects.toMatchObject({ code: 'Unavailable' });
    const other = layered(new FailingStorage(inner, new TypeError('not a StorageError')), tracing());
    await expect(other.headObject('bkt', 'k')).rejects.toThrow(TypeError);

    expect(spans().map((s) => [s.name, s.status, s.attributes['error.type'], s.attributes['stowage.key']])).toEqual([
      ['stowage.getObject', { code: SpanStatusCode.ERROR, message: 'NoSuchKey' }, 'NoSuchKey', 'missing'],
      ['stowage.headObject', { code: SpanStatusCode.ERROR, message: 'Unavailable' }, 'Unavailable', 'k'],
      ['stowage.headObject', { code: SpanStatusCode.ERROR, message: '_OTHER' }, '_OTHER', 'k'],
    ]);
    expect(JSON.stringify(spans().map((s) => [s.attributes, s.status, s.events]))).not.toContain(secret);
  });

  it("covers a listing's whole iteration with one span, ended when it completes, is broken out of or fails", async () => {
    const inner = await memory();
    for (const key of ['a/1', 'a/2', 'b/3', 'c']) await inner.putObject('bkt', key, 'x');
    const storage = layered(inner, tracing());

    const iterator = storage.listObjects('bkt', { prefix: 'a/' })[Symbol.asyncIterator]();
    await iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(spans()).toHaveLength(0); // still open while the caller is between entries
    await iterator.next();
    expect((await iterator.next()).done).toBe(true);

    for await (const _ of storage.listObjects('bkt', { delimiter: '/' })) break;

    const failing = layered(new FailingStorage(inner, new StorageError('Unavailable', 'down'), 3), tracing());
    await expect(async () => {
      for await (const _ of failing.listObjects('bkt'));
    }).rejects.toMatchObject({ code: 'Unavailable' });

    const done = spans();
    expect(done.map((s) => [s.name, s.attributes, s.status.code])).toEqual([
      [
        'stowage.listObjects',
        { 'stowage.driver': 'memory', 'stowage.bucket': 'bkt', 'stowage.prefix': 'a/', 'stowage.entries': 2 },
        SpanStatusCode.UNSET,
      ],
      ['stowage.listObjects', { 'stowage.driver': 'memory', 'stowage.bucket': 'bkt', 'stowage.entries': 1 }, SpanStatusCode.UNSET],
      [
        'stowage.listObjects',
        { 'stowage.driver': 'memory', 'stowage.bucket': 'bkt', 'stowage.entries': 3, 'error.type': 'Unavailable' },
        SpanStatusCode.ERROR,
      ],
    ]);
    const [first] = done;
    const ms = (first!.duration[0] * 1e9 + first!.duration[1]) / 1e6;
    expect(ms).toBeGreaterThanOrEqual(15);
  });

  it("runs the store's own work inside the span, and the span inside the caller's", async () => {
    const spy = new SpyStorage(await memory());
    const storage = layered(spy, tracing());
    const outer = trace.getTracer('app').startSpan('app.request');
    await context.with(trace.setSpan(context.active(), outer), async () => {
      await storage.putObject('bkt', 'k', 'x');
      for await (const _ of storage.listObjects('bkt'));
    });
    outer.end();
    const [put, list, request] = spans();
    expect(request?.name).toBe('app.request');
    expect(put?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
    expect(list?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
    expect(spy.active).toEqual([put?.spanContext().spanId, list?.spanContext().spanId]);
  });

  it('uses an SDK registered after the store was made', async () => {
    trace.disable();
    const storage = layered(await memory(), tracing());
    await storage.headObject('bkt', 'k').catch(() => undefined);
    expect(spans()).toHaveLength(0);
    trace.setGlobalTracerProvider(provider);
    await storage.headObject('bkt', 'k').catch(() => undefined);
    expect(spans().map((s) => s.name)).toEqual(['stowage.headObject']);
  });

  it('uses a tracer given in the options, with no global provider', async () => {
    trace.disable();
    const own = new InMemorySpanExporter();
    const ownProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(own)] });
    const storage = layered(await memory(), tracing({ tracer: ownProvider.getTracer('mine') }));
    await storage.putObject('bkt', 'k', 'abc');
    expect(own.getFinishedSpans().map((s) => [s.name, s.instrumentationScope.name, s.attributes['stowage.size']])).toEqual([
      ['stowage.putObject', 'mine', 3],
    ]);
    expect(spans()).toHaveLength(0);
    await ownProvider.shutdown();
  });

  it('exports nothing for spans sampled out, and the calls work', async () => {
    const own = new InMemorySpanExporter();
    const sampledOut = new BasicTracerProvider({ sampler: new AlwaysOffSampler(), spanProcessors: [new SimpleSpanProcessor(own)] });
    trace.disable();
    trace.setGlobalTracerProvider(sampledOut);
    const storage = layered(await memory(), tracing());
    await storage.putObject('bkt', 'k', 'abc');
    expect(await (await storage.getObject('bkt', 'k')).text()).toBe('abc');
    let n = 0;
    for await (const _ of storage.listObjects('bkt')) n++;
    expect(n).toBe(1);
    expect(own.getFinishedSpans()).toHaveLength(0);
    await sampledOut.shutdown();
  });
});

describe('tracing with no SDK registered', () => {
  it('passes every call through and makes no span', async () => {
    trace.disable();
    const storage = layered(await memory(), tracing());
    await storage.putObject('bkt', 'k', 'abc');
    expect(await (await storage.getObject('bkt', 'k')).text()).toBe('abc');
    await expect(storage.headObject('bkt', 'nope')).rejects.toMatchObject({ code: 'NoSuchKey' });
    const keys: string[] = [];
    for await (const entry of storage.listObjects('bkt')) if (entry.type === 'object') keys.push(entry.key);
    expect(keys).toEqual(['k']);
    trace.setGlobalTracerProvider(provider);
    expect(spans()).toHaveLength(0);
  });
});

describe('tracing around the local driver', () => {
  it("makes the same spans, with driver 'local'", async () => {
    const root = await mkdtemp(join(tmpdir(), 'stowage-tracing-'));
    try {
      const storage = layered(new LocalStorage({ root }), tracing());
      await storage.createBucket('bkt');
      await storage.putObject('bkt', 'dir/k.txt', 'local bytes');
      expect(await (await storage.getObject('bkt', 'dir/k.txt')).text()).toBe('local bytes');
      await expect(storage.headObject('bkt', 'dir/none')).rejects.toMatchObject({ code: 'NoSuchKey' });
      expect(
        spans().map((s) => [s.name, s.attributes['stowage.driver'], s.attributes['stowage.size'], s.attributes['error.type']]),
      ).toEqual([
        ['stowage.createBucket', 'local', undefined, undefined],
        ['stowage.putObject', 'local', 11, undefined],
        ['stowage.getObject', 'local', 11, undefined],
        ['stowage.headObject', 'local', undefined, 'NoSuchKey'],
      ]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
