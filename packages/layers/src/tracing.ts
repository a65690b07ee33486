import type {
  BodyInput,
  BucketInfo,
  CopyOptions,
  DeleteObjectsResult,
  GetOptions,
  GetResult,
  HeadOptions,
  ListEntry,
  ListOptions,
  ObjectInfo,
  ObjectRef,
  PutOptions,
  PutResult,
  Signal,
  Storage,
} from '@stowage/core';
// Types only: erased from the build, so the package loads without @opentelemetry/api installed.
import type { Attributes, Span, Tracer, TracerProvider } from '@opentelemetry/api';
import { InterceptingStorage, type Layer, type OperationCall, type OperationName, errorCodeOf, resultSize } from './layer.js';

/**
 * An OpenTelemetry `Tracer` (`trace.getTracer('my-app')`, or an SDK provider's `getTracer`) fits as
 * it is. Spelled out here, as the part {@link tracing} uses, so that this package's types never
 * need `@opentelemetry/api` installed.
 */
export interface TracerLike {
  startSpan(name: string, options?: { kind?: number; attributes?: Record<string, string | number | boolean> }, context?: unknown): unknown;
}

/** Options of {@link tracing}. */
export interface TracingOptions {
  /**
   * The tracer to make spans with. Default: the global tracer provider's tracer named
   * `@stowage/layers`, looked up on every call (so an SDK registered after the store was made is
   * used), with `@opentelemetry/api` loaded on first use.
   */
  tracer?: TracerLike;
}

/** The name of the tracer (the instrumentation scope) stowage's spans come from. */
export const TRACER_NAME = '@stowage/layers';

type Api = typeof import('@opentelemetry/api');

/**
 * The OpenTelemetry API, loaded once on the first `tracing()`: `undefined` while loading, `null`
 * when it is not installed (then `tracing()` passes every call through).
 */
let api: Api | null | undefined;
let loading: Promise<void> | undefined;
/** The provider the global one delegates to when no SDK is registered (the API's no-op singleton). */
let noopProvider: TracerProvider | undefined;

/**
 * Where every copy of `@opentelemetry/api` 1.x keeps its globals (the API's own cross-copy
 * contract). No `trace` entry there means no tracer provider was registered: the API would hand
 * out its no-op tracer, so a call can skip asking it.
 */
const API_GLOBALS = Symbol.for('opentelemetry.js.api.1');

function noProviderRegistered(): boolean {
  return (globalThis as { [API_GLOBALS]?: { trace?: unknown } })[API_GLOBALS]?.trace === undefined;
}

function loadApi(): Promise<void> {
  loading ??= import('@opentelemetry/api')
    .then((loaded) => {
      // The ES module's own `default` export holds only the API singletons; a bundler that wraps the
      // CommonJS build hands the whole module over as `default`.
      const module = ('ProxyTracerProvider' in loaded ? loaded : (loaded as { default: Api }).default) as Api;
      noopProvider = new module.ProxyTracerProvider().getDelegate();
      api = module;
    })
    .catch(() => {
      api = null;
    });
  return loading;
}

/**
 * One OpenTelemetry span per operation, named `stowage.<operation>` (`stowage.putObject`), of kind
 * CLIENT, with the attributes `stowage.driver`, `stowage.bucket`, `stowage.key`, `stowage.size`
 * (where known: a put's body, a head's object, a get's body or range, a copy's result), a copy's
 * `stowage.source.bucket` and `stowage.source.key`, and a listing's `stowage.prefix` and
 * `stowage.entries`. The driver's own calls run inside the span, so an instrumented HTTP client's
 * spans are its children. A failure sets status ERROR (its description is the code) and
 * `error.type` to the `StorageError` code (`_OTHER` for a rejection that is no `StorageError`);
 * error messages and exceptions are not recorded, since a driver's message can quote a server's
 * text. A get's span covers the call, not the reading of its body; a listing's span covers its
 * whole iteration, from the first entry asked for to its end, a `break` or a failure.
 *
 * `@opentelemetry/api` is an optional peer dependency, imported on first use: without it, or with
 * no SDK registered, every call passes straight through at the cost of one check. A `tracer` in
 * the options is used as it is.
 *
 * @example
 * import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
 * import { trace } from '@opentelemetry/api';
 * trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] }));
 * const storage = layered(new S3Storage(), retry(), tracing());
 */
export function tracing(options: TracingOptions = {}): Layer {
  if (api === undefined) void loadApi();
  return (inner) => new TracingStorage(inner, options.tracer as Tracer | undefined);
}

/** Marks `span` failed with `error`'s code; records no message (see {@link tracing}). */
function fail(span: Span, error: unknown, loaded: Api): void {
  const type = errorCodeOf(error) ?? '_OTHER';
  span.setAttribute('error.type', type);
  span.setStatus({ code: loaded.SpanStatusCode.ERROR, message: type });
}

class TracingStorage extends InterceptingStorage {
  /** The global provider's delegate `globalTracer` was taken from. */
  private globalDelegate: TracerProvider | undefined;
  private globalTracer: Tracer | undefined;

  constructor(
    inner: Storage,
    private readonly tracer: Tracer | undefined,
  ) {
    super(inner);
  }

  /**
   * The tracer for this call, or `undefined` when there is nothing to trace into (no API, or the
   * global provider is the no-op one): the fast path, two property reads when no provider was
   * ever registered, the API's global lookup and a comparison when one was.
   */
  private currentTracer(loaded: Api): Tracer | undefined {
    if (this.tracer) return this.tracer;
    if (noProviderRegistered()) return undefined;
    const provider = loaded.trace.getTracerProvider() as TracerProvider & { getDelegate?: () => TracerProvider };
    const delegate = typeof provider.getDelegate === 'function' ? provider.getDelegate() : provider;
    if (delegate === noopProvider) return undefined;
    if (delegate !== this.globalDelegate) {
      this.globalDelegate = delegate;
      this.globalTracer = delegate.getTracer(TRACER_NAME);
    }
    return this.globalTracer;
  }

  private startSpan(loaded: Api, tracer: Tracer, operation: OperationName, attributes: () => Attributes): Span {
    const span = tracer.startSpan(`stowage.${operation}`, { kind: loaded.SpanKind.CLIENT });
    // A span that is not recorded (sampled out) gets no attribute work.
    if (span.isRecording()) span.setAttributes(attributes());
    return span;
  }

  protected around<T>(call: OperationCall, run: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    const loaded = api;
    if (!loaded) {
      // `undefined`: still loading, which only the calls made right after `tracing()` wait for.
      // `null`: not installed, so there is nothing to trace into.
      return loaded === undefined ? loadApi().then(() => this.around(call, run)) : run(call.signal);
    }
    const tracer = this.currentTracer(loaded);
    if (tracer === undefined) return run(call.signal);
    return this.traced(loaded, tracer, call, run);
  }

  private traced<T>(loaded: Api, tracer: Tracer, call: OperationCall, run: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    const span = this.startSpan(loaded, tracer, call.operation, () => {
      const attributes: Attributes = { 'stowage.driver': this.name };
      if (call.bucket !== undefined) attributes['stowage.bucket'] = call.bucket;
      if (call.key !== undefined) attributes['stowage.key'] = call.key;
      if (call.size !== undefined) attributes['stowage.size'] = call.size;
      if (call.source !== undefined) {
        attributes['stowage.source.bucket'] = call.source.bucket;
        attributes['stowage.source.key'] = call.source.key;
      }
      return attributes;
    });
    let pending: Promise<T>;
    try {
      pending = loaded.context.with(loaded.trace.setSpan(loaded.context.active(), span), run, undefined, call.signal);
    } catch (error) {
      // A store that throws instead of rejecting: the span still ends.
      fail(span, error, loaded);
      span.end();
      throw error;
    }
    return pending.then(
      (result) => {
        if (call.size === undefined && span.isRecording()) {
          const size = resultSize(call.operation, result);
          if (size !== undefined) span.setAttribute('stowage.size', size);
        }
        span.end();
        return result;
      },
      (error: unknown) => {
        fail(span, error, loaded);
        span.end();
        throw error;
      },
    );
  }

  /**
   * False when there is nothing to trace into (no API, or no SDK registered): then each call goes
   * straight to the inner store with the caller's own arguments, skipping even the bookkeeping of
   * `around` (the call's description and closure), which is most of what a layer costs on a
   * sub-microsecond operation such as a head in memory. While the API loads, `around` waits for it.
   */
  private active(): boolean {
    const loaded = api;
    if (loaded === null) return false;
    return loaded === undefined || this.currentTracer(loaded) !== undefined;
  }

  override listBuckets(options?: Signal): Promise<BucketInfo[]> {
    return this.active() ? super.listBuckets(options) : this.inner.listBuckets(options);
  }
  override createBucket(bucket: string, options?: Signal): Promise<void> {
    return this.active() ? super.createBucket(bucket, options) : this.inner.createBucket(bucket, options);
  }
  override deleteBucket(bucket: string, options?: Signal): Promise<void> {
    return this.active() ? super.deleteBucket(bucket, options) : this.inner.deleteBucket(bucket, options);
  }
  override bucketExists(bucket: string, options?: Signal): Promise<boolean> {
    return this.active() ? super.bucketExists(bucket, options) : this.inner.bucketExists(bucket, options);
  }
  override putObject(bucket: string, key: string, body: BodyInput, options?: PutOptions): Promise<PutResult> {
    return this.active() ? super.putObject(bucket, key, body, options) : this.inner.putObject(bucket, key, body, options);
  }
  override getObject(bucket: string, key: string, options?: GetOptions): Promise<GetResult> {
    return this.active() ? super.getObject(bucket, key, options) : this.inner.getObject(bucket, key, options);
  }
  override headObject(bucket: string, key: string, options?: HeadOptions): Promise<ObjectInfo> {
    return this.active() ? super.headObject(bucket, key, options) : this.inner.headObject(bucket, key, options);
  }
  override deleteObject(bucket: string, key: string, options?: Signal): Promise<void> {
    return this.active() ? super.deleteObject(bucket, key, options) : this.inner.deleteObject(bucket, key, options);
  }
  override deleteObjects(bucket: string, keys: string[], options?: Signal): Promise<DeleteObjectsResult> {
    return this.active() ? super.deleteObjects(bucket, keys, options) : this.inner.deleteObjects(bucket, keys, options);
  }
  override copyObject(source: ObjectRef, target: ObjectRef, options?: CopyOptions): Promise<PutResult> {
    return this.active() ? super.copyObject(source, target, options) : this.inner.copyObject(source, target, options);
  }

  override listObjects(bucket: string, options: ListOptions = {}): AsyncIterable<ListEntry> {
    // Decided when the listing is made: one made before an SDK is registered stays untraced.
    return this.active() ? this.list(bucket, options) : this.inner.listObjects(bucket, options);
  }

  private async *list(bucket: string, options: ListOptions): AsyncGenerator<ListEntry> {
    if (api === undefined) await loadApi();
    const loaded = api;
    const tracer = loaded ? this.currentTracer(loaded) : undefined;
    if (!loaded || tracer === undefined) {
      yield* this.inner.listObjects(bucket, options);
      return;
    }
    const span = this.startSpan(loaded, tracer, 'listObjects', () => {
      const attributes: Attributes = { 'stowage.driver': this.name, 'stowage.bucket': bucket };
      if (typeof options.prefix === 'string' && options.prefix !== '') attributes['stowage.prefix'] = options.prefix;
      return attributes;
    });
    const spanContext = loaded.trace.setSpan(loaded.context.active(), span);
    let entries = 0;
    let iterator: AsyncIterator<ListEntry> | undefined;
    /** True once the inner listing ended or failed: then it needs no closing. */
    let finished = false;
    try {
      // Each page is fetched inside the span, so the driver's requests are its children.
      const it = loaded.context.with(spanContext, () => this.inner.listObjects(bucket, options)[Symbol.asyncIterator]());
      iterator = it;
      for (;;) {
        let next: IteratorResult<ListEntry>;
        try {
          next = await loaded.context.with(spanContext, () => it.next());
        } catch (error) {
          finished = true;
          throw error;
        }
        if (next.done) {
          finished = true;
          break;
        }
        entries++;
        yield next.value;
      }
    } catch (error) {
      fail(span, error, loaded);
      throw error;
    } finally {
      // The caller's `break` lands here with the inner listing still open: close it.
      if (!finished && iterator?.return) await iterator.return().catch(() => undefined);
      if (span.isRecording()) span.setAttribute('stowage.entries', entries);
      span.end();
    }
  }
}
