// What the logging and tracing layers cost: 4 KiB put, get and head on bare MemoryStorage against
// the same store inside tracing() with no OpenTelemetry SDK registered (target ≤ 1.05× bare) and
// inside logging(() => {}). Bare memory is the stowage row, so each other row's ratio reads as
// "times slower than bare" (bare's throughput ÷ the row's).
import type { BodyInput, GetOptions, GetResult, HeadOptions, ObjectInfo, PutOptions, PutResult, Signal, Storage } from '@stowage/core';
import { type Role, StowageAdapter } from './adapters.js';
import type { CaseDef, MetricSpec, Subject } from './cases.js';
import type { BenchConfig } from './config.js';
import { randomBlock, timed } from './util.js';

const BYTES = 4096;
/** Operations per metric and repetition: enough that a 5 % difference is above the noise of one sample. */
const opsFor = (cfg: BenchConfig) => (cfg.mode === 'quick' ? 2_000 : 20_000);
/** Heads take a fraction of a microsecond: ten times as many make a sample long enough to time. */
const HEADS_PER_OP = 10;
/** Distinct keys the operations cycle over (so the store stays small and the same for every subject). */
const KEYS = 1_000;

const memoryStorage = async (): Promise<Storage> => new (await import('@stowage/memory')).MemoryStorage();

/** A layered store, shown as a reference row beside bare memory. */
class LayeredAdapter extends StowageAdapter {
  override readonly role: Role = 'reference';
}

/** Puts, gets and heads `ops` times over `KEYS` keys, one at a time. */
function layerSubject(adapter: StowageAdapter, ops: number): Subject {
  const payload = Buffer.from(randomBlock().subarray(0, BYTES));
  const keys = Array.from({ length: KEYS }, (_, i) => `layers/k${String(i).padStart(5, '0')}.bin`);
  return {
    name: adapter.name,
    role: adapter.role,
    ...(adapter.note ? { note: adapter.note } : {}),
    setup: () => adapter.init(),
    async run(warmup) {
      const n = warmup ? Math.ceil(ops / 8) : ops;
      const put = await timed(async () => {
        for (let i = 0; i < n; i++) await adapter.put(keys[i % KEYS]!, payload);
      });
      const get = await timed(async () => {
        for (let i = 0; i < n; i++) {
          const body = await adapter.get(keys[i % KEYS]!);
          if (body.byteLength !== BYTES) throw new Error(`${adapter.name}: got ${body.byteLength} bytes of ${BYTES}`);
        }
      });
      const head = await timed(async () => {
        for (let i = 0; i < n * HEADS_PER_OP; i++) await adapter.head(keys[i % KEYS]!);
      });
      return { put, get, head };
    },
    async cleanup() {
      for (const key of keys) await adapter.del(key);
    },
    teardown: () => adapter.close(),
  };
}

/** The subjects: bare memory (the stowage row), memory in tracing() without an SDK, in logging(() => {}), in the whole stack. */
export function layerAdapters(): StowageAdapter[] {
  const layers = () => import('@stowage/layers');
  const traced = new LayeredAdapter(
    'memory + tracing(), no SDK',
    async () => {
      const { layered, tracing } = await layers();
      const storage = layered(await memoryStorage(), tracing());
      await storage.bucketExists('bench'); // lets tracing() finish loading @opentelemetry/api before timing
      return storage;
    },
    'bench',
    'tracing() with @opentelemetry/api loaded and no tracer provider registered (the no-op path)',
  );
  const logged = new LayeredAdapter(
    'memory + logging(() => {})',
    async () => {
      const { layered, logging } = await layers();
      return layered(
        await memoryStorage(),
        logging(() => {}),
      );
    },
    'bench',
    'logging() to a function that drops each event: the cost of timing and building the event',
  );
  const stacked = new LayeredAdapter(
    'memory + every layer',
    async () => {
      const { concurrencyLimit, layered, logging, prefixed, retry, timeout, tracing } = await layers();
      const storage = layered(
        await memoryStorage(),
        timeout(60_000),
        retry(),
        concurrencyLimit(64),
        prefixed('tenant/'),
        logging(() => {}),
        tracing(),
      );
      await storage.bucketExists('bench');
      return storage;
    },
    'bench',
    'timeout, retry, concurrencyLimit, prefixed, logging(() => {}) and tracing() (no SDK) around memory: the whole stack (≤ 1.3× bare)',
  );
  const floor = new LayeredAdapter(
    'memory + 6 layers that only watch',
    async () => {
      const { InterceptingStorage, layered } = await layers();
      // The least a layer that sees each outcome can do: forward the call and wait for its answer.
      class Watching extends InterceptingStorage {
        protected around<T>(call: { signal?: AbortSignal }, run: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
          return run(call.signal).then((value) => value);
        }
      }
      const watch = (inner: Storage) => new Watching(inner);
      return layered(await memoryStorage(), watch, watch, watch, watch, watch, watch);
    },
    'bench',
    'six layers whose around() only forwards the call and waits for its answer: the floor of what six layers cost, for comparison with the whole stack',
  );
  const hop = new LayeredAdapter(
    'memory + 1 layer that only forwards',
    async () => {
      const { ForwardingStorage, layered } = await layers();
      return layered(await memoryStorage(), (inner) => new ForwardingStorage(inner));
    },
    'bench',
    'a layer that passes each call on and does nothing else: the least any layer costs, tracing() with no SDK included',
  );
  const fused = new LayeredAdapter(
    "memory + the stack's least work, fused",
    async () => fusedFloor(await memoryStorage(), 'tenant/'),
    'bench',
    "one hand-written wrapper doing only what the whole stack cannot skip: a duration for the log (two clock reads), the prefixed key, a copy of the result with the caller's key, and one wait for the outcome; no deadline, slot, retry or span",
  );
  return [new StowageAdapter('memory (bare)', memoryStorage, 'bench'), hop, traced, logged, stacked, floor, fused];
}

/**
 * The least any stack of the six layers must do around a call, fused by hand into one wrapper
 * (measured to show the whole stack's floor, used nowhere else): time the call for its log event,
 * put the prefix in front of the key, wait once for the outcome, and hand back a result naming the
 * caller's key. Only the calls the bench makes; the rest go straight through.
 */
async function fusedFloor(inner: Storage, prefix: string): Promise<Storage> {
  const { ForwardingStorage } = await import('@stowage/layers');
  class Fused extends ForwardingStorage {
    /** Where each call's duration goes, as a log event's would. */
    lastDurationMs = 0;
    private timed<T>(start: number, work: Promise<T>, keyed: (value: T) => T): Promise<T> {
      return work.then((value) => {
        this.lastDurationMs = performance.now() - start;
        return keyed(value);
      });
    }
    override putObject(bucket: string, key: string, body: BodyInput, options?: PutOptions): Promise<PutResult> {
      return this.timed(performance.now(), this.inner.putObject(bucket, prefix + key, body, options), (result) => result);
    }
    override getObject(bucket: string, key: string, options?: GetOptions): Promise<GetResult> {
      return this.timed(performance.now(), this.inner.getObject(bucket, prefix + key, options), (result) => result);
    }
    override headObject(bucket: string, key: string, options?: HeadOptions): Promise<ObjectInfo> {
      return this.timed(performance.now(), this.inner.headObject(bucket, prefix + key, options), (info) => ({ ...info, key }));
    }
    override deleteObject(bucket: string, key: string, options?: Signal): Promise<void> {
      return this.timed(performance.now(), this.inner.deleteObject(bucket, prefix + key, options), () => undefined);
    }
  }
  return new Fused(inner);
}

const metrics = (cfg: BenchConfig): MetricSpec[] =>
  (['put', 'get', 'head'] as const).map((name) => {
    const amount = opsFor(cfg) * (name === 'head' ? HEADS_PER_OP : 1);
    return { name, label: `${amount.toLocaleString('en-US')} × ${name} 4 KiB`, unit: 'ops/s' as const, amount };
  });

/** `memory.layers`: the per-operation cost of logging and of tracing with no SDK, on 4 KiB objects. */
export const layersCases: CaseDef[] = [
  {
    kind: 'timed',
    id: 'memory.layers',
    group: 'memory',
    title: 'Layers on small objects, memory: tracing() with no SDK (≤ 1.05× bare), logging(), every layer (≤ 1.3× bare)',
    reps: (cfg) => Math.max(cfg.reps, 5),
    metrics,
    async subjects(cfg) {
      return layerAdapters().map((a) => layerSubject(a, opsFor(cfg)));
    },
  },
];
