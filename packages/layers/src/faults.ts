import {
  type BodyInput,
  type BucketInfo,
  type CopyOptions,
  type DeleteObjectsResult,
  type GetOptions,
  type GetResult,
  type HeadOptions,
  type ListEntry,
  type ListOptions,
  type ObjectInfo,
  type ObjectRef,
  type PresignOptions,
  type PutOptions,
  type PutResult,
  type Signal,
  type Storage,
  StorageError,
  type StorageErrorDetails,
  abortableDelay,
  createGetResultOfChunks,
  seededRandom,
} from '@stowage/core';
import { ForwardingStorage, type Layer, type OperationName, WRITE_OPERATIONS } from './layer.js';
import { bodyChunks } from './node-bodies.js';

/** The faults {@link faults} can inject. */
export const FAULT_KINDS = ['unavailable', 'latency', 'cutBody', 'corruptBody', 'afterEffect'] as const;

/**
 * One kind of injected fault:
 * - `unavailable`: the call rejects `Unavailable` before it has any effect (a listing: after
 *   yielding a few entries, as a connection lost between pages);
 * - `latency`: the call is delayed (up to `maxLatencyMs`) before it reaches the store;
 * - `cutBody`: a get returns, then its body fails with `Unavailable` part-way;
 * - `corruptBody`: a get returns and one byte of its body is flipped;
 * - `afterEffect`: a write takes effect, then the call rejects `Unavailable` (a lost answer).
 */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** What {@link faults} injects, and how often. */
export interface FaultPlan {
  /** Seeds the generator: the same seed and the same sequence of calls give the same faults. */
  seed: number;
  /** The share of calls that get a fault, from 0 to 1 (0.1: about one call in ten). */
  rate: number;
  /** The kinds to choose from. Default: all of {@link FAULT_KINDS}. */
  kinds?: FaultKind[];
  /** The operations that can get a fault; the others pass untouched. Default: all. */
  operations?: OperationName[];
  /** The longest `latency` delay, in milliseconds. Default 50. */
  maxLatencyMs?: number;
}

/** Faults injected so far, per kind. */
export type FaultStats = Record<FaultKind, number>;

/** The layer {@link faults} returns: a {@link Layer} with the counts of what it injected. */
export type FaultsLayer = Layer & {
  /** Faults injected so far per kind, over every store this layer wraps (live counts). */
  readonly stats: Readonly<FaultStats>;
};

const OPERATIONS: ReadonlySet<string> = new Set<OperationName>([
  'listBuckets',
  'createBucket',
  'deleteBucket',
  'bucketExists',
  'putObject',
  'getObject',
  'headObject',
  'deleteObject',
  'deleteObjects',
  'copyObject',
  'listObjects',
  'presign',
]);

/** The kinds that make sense for an operation: body faults on gets, lost answers on writes. */
function applies(kind: FaultKind, operation: OperationName): boolean {
  if (kind === 'cutBody' || kind === 'corruptBody') return operation === 'getObject';
  if (kind === 'afterEffect') return WRITE_OPERATIONS.has(operation);
  return true;
}

interface ResolvedPlan {
  rate: number;
  kinds: readonly FaultKind[];
  operations: ReadonlySet<string>;
  maxLatencyMs: number;
}

function resolvePlan(plan: FaultPlan): ResolvedPlan & { seed: number } {
  const bad = (why: string) => new StorageError('InvalidArgument', `faults: ${why}`);
  if (typeof plan !== 'object' || plan === null) throw bad('the plan must be an object { seed, rate, kinds?, operations? }');
  const { seed, rate, kinds = [...FAULT_KINDS], operations, maxLatencyMs = 50 } = plan;
  if (!Number.isSafeInteger(seed)) throw bad('seed must be a whole number');
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) throw bad('rate must be a number from 0 to 1');
  if (!Array.isArray(kinds) || kinds.length === 0 || kinds.some((k) => !(FAULT_KINDS as readonly string[]).includes(k))) {
    throw bad(`kinds must be a non-empty array of ${FAULT_KINDS.map((k) => `'${k}'`).join(', ')}`);
  }
  if (operations !== undefined && (!Array.isArray(operations) || operations.some((o) => !OPERATIONS.has(o)))) {
    throw bad('operations must be an array of operation names (putObject, getObject, ...)');
  }
  if (typeof maxLatencyMs !== 'number' || !Number.isFinite(maxLatencyMs) || maxLatencyMs < 0) {
    throw bad('maxLatencyMs must be a number of milliseconds ≥ 0');
  }
  return { seed, rate, kinds: [...new Set(kinds)], operations: new Set(operations ?? OPERATIONS), maxLatencyMs };
}

/** One call's draw: the fault (if any) and a number in [0, 1) that places it (a delay, a byte). */
interface Draw {
  kind: FaultKind | undefined;
  at: number;
}

/** The generator and the counts one `faults(plan)` shares among every store it wraps. */
class FaultSource {
  readonly stats: FaultStats = { unavailable: 0, latency: 0, cutBody: 0, corruptBody: 0, afterEffect: 0 };
  private readonly random: () => number;

  constructor(
    readonly plan: ResolvedPlan,
    seed: number,
  ) {
    this.random = seededRandom(seed);
  }

  /**
   * Decides one call's fault when the call is made (synchronously, so the sequence of calls alone
   * decides it). Always three numbers per eligible call, so one call's outcome never shifts the next's.
   */
  draw(operation: OperationName): Draw {
    if (!this.plan.operations.has(operation)) return { kind: undefined, at: 0 };
    const hit = this.random();
    const pick = this.random();
    const at = this.random();
    if (hit >= this.plan.rate) return { kind: undefined, at };
    const eligible = this.plan.kinds.filter((kind) => applies(kind, operation));
    if (eligible.length === 0) return { kind: undefined, at };
    return { kind: eligible[Math.floor(pick * eligible.length)], at };
  }
}

function injected(what: string, details: StorageErrorDetails): StorageError {
  return new StorageError('Unavailable', `injected fault: ${what}`, details);
}

/** `source`'s bytes with the one at `index` flipped (every bit), or cut short with an error at `index`. */
async function* alter(source: AsyncIterable<Uint8Array>, index: number, cut: StorageError | undefined): AsyncGenerator<Uint8Array> {
  let seen = 0;
  for await (const chunk of source) {
    if (index >= seen && index < seen + chunk.byteLength) {
      const offset = index - seen;
      if (cut) {
        if (offset > 0) yield chunk.subarray(0, offset);
        throw cut;
      }
      const copy = Uint8Array.from(chunk);
      copy[offset] = (copy[offset] as number) ^ 0xff;
      yield copy;
    } else {
      yield chunk;
    }
    seen += chunk.byteLength;
  }
}

class FaultyStorage extends ForwardingStorage {
  constructor(
    inner: Storage,
    private readonly source: FaultSource,
  ) {
    super(inner);
  }

  /**
   * Runs one call under its drawn fault: `unavailable` rejects before the store is called, `latency`
   * waits first, `afterEffect` lets the call succeed and then rejects. Body faults are the get's own.
   */
  private async run<T>(
    operation: OperationName,
    draw: Draw,
    details: StorageErrorDetails,
    signal: AbortSignal | undefined,
    call: () => Promise<T>,
  ): Promise<T> {
    const { stats } = this.source;
    switch (draw.kind) {
      case 'unavailable':
        stats.unavailable += 1;
        throw injected(`${operation} failed before it reached the store`, details);
      case 'latency':
        stats.latency += 1;
        await abortableDelay(Math.round(draw.at * this.source.plan.maxLatencyMs), signal, details);
        return call();
      case 'afterEffect':
        await call(); // the store's answer is dropped, as a lost response drops it
        stats.afterEffect += 1;
        throw injected(`${operation} took effect, but its answer was lost`, details);
      default:
        return call();
    }
  }

  private guarded<T>(
    operation: OperationName,
    details: StorageErrorDetails,
    signal: AbortSignal | undefined,
    call: () => Promise<T>,
  ): Promise<T> {
    return this.run(operation, this.source.draw(operation), details, signal, call);
  }

  override listBuckets(options: Signal = {}): Promise<BucketInfo[]> {
    return this.guarded('listBuckets', {}, options.signal, () => this.inner.listBuckets(options));
  }
  override createBucket(bucket: string, options: Signal = {}): Promise<void> {
    return this.guarded('createBucket', { bucket }, options.signal, () => this.inner.createBucket(bucket, options));
  }
  override deleteBucket(bucket: string, options: Signal = {}): Promise<void> {
    return this.guarded('deleteBucket', { bucket }, options.signal, () => this.inner.deleteBucket(bucket, options));
  }
  override bucketExists(bucket: string, options: Signal = {}): Promise<boolean> {
    return this.guarded('bucketExists', { bucket }, options.signal, () => this.inner.bucketExists(bucket, options));
  }
  override putObject(bucket: string, key: string, body: BodyInput, options: PutOptions = {}): Promise<PutResult> {
    return this.guarded('putObject', { bucket, key }, options.signal, () => this.inner.putObject(bucket, key, body, options));
  }
  override headObject(bucket: string, key: string, options: HeadOptions = {}): Promise<ObjectInfo> {
    return this.guarded('headObject', { bucket, key }, options.signal, () => this.inner.headObject(bucket, key, options));
  }
  override deleteObject(bucket: string, key: string, options: Signal = {}): Promise<void> {
    return this.guarded('deleteObject', { bucket, key }, options.signal, () => this.inner.deleteObject(bucket, key, options));
  }
  override deleteObjects(bucket: string, keys: string[], options: Signal = {}): Promise<DeleteObjectsResult> {
    return this.guarded('deleteObjects', { bucket }, options.signal, () => this.inner.deleteObjects(bucket, keys, options));
  }
  override copyObject(source: ObjectRef, target: ObjectRef, options: CopyOptions = {}): Promise<PutResult> {
    return this.guarded('copyObject', { bucket: target?.bucket, key: target?.key }, options.signal, () =>
      this.inner.copyObject(source, target, options),
    );
  }
  protected override presignObject(bucket: string, key: string, options: PresignOptions): Promise<string> {
    return this.guarded('presign', { bucket, key }, undefined, () => super.presignObject(bucket, key, options));
  }

  override getObject(bucket: string, key: string, options: GetOptions = {}): Promise<GetResult> {
    const draw = this.source.draw('getObject');
    const details = { bucket, key };
    const result = this.run('getObject', draw, details, options.signal, () => this.inner.getObject(bucket, key, options));
    if (draw.kind !== 'cutBody' && draw.kind !== 'corruptBody') return result;
    const cut = draw.kind === 'cutBody';
    return result.then((got) => {
      const length = got.range ? got.range.length : got.info.size;
      if (length === 0) return got; // no byte to cut before or to flip
      this.source.stats[cut ? 'cutBody' : 'corruptBody'] += 1;
      const index = Math.floor(draw.at * length);
      const error = cut ? injected(`the body of ${bucket}/${key} was cut after ${index} of ${length} bytes`, details) : undefined;
      return createGetResultOfChunks(got.info, alter(bodyChunks(got), index, error), got.range);
    });
  }

  override listObjects(bucket: string, options: ListOptions = {}): AsyncIterable<ListEntry> {
    return this.list(bucket, options, this.source.draw('listObjects'));
  }

  private async *list(bucket: string, options: ListOptions, draw: Draw): AsyncGenerator<ListEntry> {
    const details = { bucket };
    if (draw.kind === 'latency') {
      this.source.stats.latency += 1;
      await abortableDelay(Math.round(draw.at * this.source.plan.maxLatencyMs), options.signal, details);
    }
    // Fails after 0–7 entries: at the start, or mid-way as a connection lost between pages; a
    // shorter listing fails at its end instead of finishing.
    const failAfter = draw.kind === 'unavailable' ? Math.floor(draw.at * 8) : Number.POSITIVE_INFINITY;
    let yielded = 0;
    for await (const entry of this.inner.listObjects(bucket, options)) {
      if (yielded === failAfter) break;
      yield entry;
      yielded += 1;
    }
    if (draw.kind === 'unavailable') {
      this.source.stats.unavailable += 1;
      throw injected(`the listing of ${bucket} failed after ${yielded} entries`, details);
    }
  }
}

/**
 * Seeded, deterministic fault injection, for testing an application's resilience against any
 * store (most cheaply `MemoryStorage`). About `rate` of the calls to the `operations` get one fault
 * of the `kinds` that apply to them (see {@link FaultKind}); the same seed and the same sequence of
 * calls give the same faults. The returned layer counts what it injected in `stats`, over every
 * store it wraps (they share one generator).
 *
 * @example
 * const chaos = faults({ seed: 7, rate: 0.1 });
 * const storage = layered(new MemoryStorage(), chaos, retry());
 * await runMyApp(storage);
 * console.log(chaos.stats); // { unavailable: 3, latency: 4, cutBody: 1, corruptBody: 2, afterEffect: 2 }
 */
export function faults(plan: FaultPlan): FaultsLayer {
  const { seed, ...resolved } = resolvePlan(plan);
  const source = new FaultSource(resolved, seed);
  const layer: Layer = (inner) => new FaultyStorage(inner, source);
  return Object.assign(layer, { stats: source.stats });
}
