// The cases: what each measures, on which subjects, and how. Subjects are built only in the child
// process that runs the case (peers are imported there, not in the parent).
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  FlydriveAdapter,
  MapAdapter,
  OpendalAdapter,
  RawFsAdapter,
  RawS3Adapter,
  StowageAdapter,
  TweedegolfAdapter,
  UnstorageAdapter,
  type Adapter,
  type FsLike,
  type Role,
} from './adapters.js';
import { seededRandom } from '@stowage/core';
import { cliStartCase } from './cli-start.js';
import { cliSyncCase } from './cli-sync.js';
import { localListRssCase } from './local-list-rss.js';
import { layersCases } from './layers-cases.js';
import { S3_PART_SIZE, S3_QUEUE_SIZE, type BenchConfig, type ServerInfo } from './config.js';
import { rawS3Client } from './raw-s3.js';
import { gc, MiB, pool, randomBlock, timed, type Timing } from './util.js';

export type Unit = 'MiB/s' | 'ops/s' | 'keys/s';

/** One measured quantity of a case; throughput = amount ÷ time. */
export interface MetricSpec {
  name: string;
  label: string;
  unit: Unit;
  /** Bytes (MiB/s) or operations (ops/s, keys/s) per timed run. */
  amount: number;
}

/** A library under test in one case. `run` returns the timing of each metric. */
export interface Subject {
  name: string;
  role: Role;
  note?: string;
  setup(): Promise<void>;
  /**
   * One repetition; `warmup` is true for the untimed ones, which may use a smaller amount. A metric
   * may come with several samples (a case that takes its samples inside one run, as memory.scale).
   */
  run(warmup: boolean): Promise<Record<string, Timing | Timing[]>>;
  /** Untimed, after every run: removes what the run stored. */
  cleanup(): Promise<void>;
  teardown(): Promise<void>;
}

interface CaseBase {
  id: string;
  /** Where it runs: `local`, `memory`, or an S3 server id. */
  group: string;
  title: string;
  /** The S3 server the case needs, if any. */
  server?: ServerInfo['id'];
}

export interface TimedCase extends CaseBase {
  kind: 'timed';
  /** Timed repetitions, when not `cfg.reps`. */
  reps?(cfg: BenchConfig): number;
  metrics(cfg: BenchConfig): MetricSpec[];
  /** Builds the subjects (in the child), with `dir` as scratch space. */
  subjects(cfg: BenchConfig, dir: string): Promise<Subject[]>;
}

export interface RssCase extends CaseBase {
  kind: 'rss';
  /**
   * `peak` (default): the peak RSS growth while the bytes are streamed in and back out. `held`: the
   * RSS growth while the store holds them (after the put and a forced GC).
   */
  measure?: 'peak' | 'held';
  /** Runs peers too (by default only stowage and its baseline get a process). */
  allRoles?: boolean;
  bytes(cfg: BenchConfig): number;
  /** The target: most RSS growth allowed, in bytes, and how it is derived. */
  limit(cfg: BenchConfig): { bytes: number; rule: string };
  /** Cheap to call (no I/O until `init`): the parent calls it too, to learn the subjects. */
  adapters(cfg: BenchConfig, dir: string): Adapter[];
}

export type CaseDef = TimedCase | RssCase;

// ---- adapters per place ---------------------------------------------------------------------

const nodeFs = async (): Promise<FsLike> => (await import('node:fs')) as unknown as FsLike;
const localStorage = (root: string) => async () => new (await import('@stowage/local')).LocalStorage({ root });
const memoryStorage = async () => new (await import('@stowage/memory')).MemoryStorage();
/** The local driver on a fresh memfs volume (`memoryVolume()`): the fs engine without the disk. */
const localOnMemfs = async () => {
  const { LocalStorage, memoryVolume } = await import('@stowage/local');
  return new LocalStorage({ root: '/store', fs: memoryVolume() });
};
/** A fresh volume of the kind `memoryVolume()` makes (memfs with the fixed ids), used raw. */
const memfsVolume = async (): Promise<FsLike> => (await import('@stowage/local')).memoryVolume().volume as unknown as FsLike;

/** stowage local, raw node:fs and the fs peers, each in its own folder under `dir` (or all on one tree). */
function localAdapters(dir: string, shared = false, rawWithStat = false): Adapter[] {
  const at = (name: string) => (shared ? join(dir, 'bench') : join(dir, name));
  const adapters: Adapter[] = [
    new StowageAdapter('stowage local', localStorage(shared ? dir : join(dir, 'stowage')), 'bench'),
    new RawFsAdapter('raw node:fs', 'baseline', nodeFs, at('raw')),
  ];
  if (rawWithStat) {
    adapters.push(
      new RawFsAdapter(
        'raw node:fs + lstat',
        'reference',
        nodeFs,
        at('raw'),
        true,
        'readdir walk plus an lstat per file: the size and mtime a listing entry carries',
      ),
    );
  }
  adapters.push(
    new FlydriveAdapter(at('flydrive')),
    new UnstorageAdapter('unstorage 1.17.6 (fs)', at('unstorage')),
    new OpendalAdapter('opendal 0.49.2 (fs)', 'fs', at('opendal')),
    new TweedegolfAdapter(shared ? dir : join(dir, 'tweedegolf'), 'bench'),
  );
  return adapters;
}

/** MemoryStorage, the plain Map every store in memory is measured against, and the peers' memory drivers. */
function memoryAdapters(): Adapter[] {
  return [
    new StowageAdapter('stowage memory', memoryStorage, 'bench'),
    new MapAdapter('raw Map'),
    new UnstorageAdapter('unstorage 1.17.6 (memory)', undefined),
    new OpendalAdapter('opendal 0.49.2 (memory)', 'memory', '/'),
  ];
}

/** The local driver on a memfs volume, and the same kind of volume used raw: what the fs engine costs over memfs. */
function memfsAdapters(): Adapter[] {
  return [
    new StowageAdapter('stowage local on memfs', localOnMemfs, 'bench', 'LocalStorage({ root: "/store", fs: memoryVolume() })'),
    new RawFsAdapter(
      'raw memfs',
      'baseline',
      memfsVolume,
      '/bench',
      false,
      'plain memfs calls on a memoryVolume() volume (the kind the local driver gets)',
    ),
  ];
}

function server(cfg: BenchConfig, id: ServerInfo['id']): ServerInfo {
  const found = cfg.servers.find((s) => s.id === id);
  if (!found) throw new Error(`S3 server ${id} is not available`);
  return found;
}

const s3Storage = (info: ServerInfo) => async () => {
  const { S3Storage } = await import('@stowage/s3');
  return new S3Storage({ endpoint: info.endpoint, credentials: info.credentials });
};

function s3Adapters(info: ServerInfo, bucket: string): [StowageAdapter, RawS3Adapter] {
  return [
    new StowageAdapter(`stowage s3 (${info.id})`, s3Storage(info), bucket),
    new RawS3Adapter(`raw AWS SDK (${info.id})`, () => rawS3Client(info), bucket, { partSize: S3_PART_SIZE, queueSize: S3_QUEUE_SIZE }),
  ];
}

/** Removes every object of a bucket and the bucket (Ceph keeps what a run leaves). */
async function dropBucket(adapter: RawS3Adapter): Promise<void> {
  const sdk = await import('@aws-sdk/client-s3');
  const { client, bucket } = adapter;
  try {
    for await (const page of sdk.paginateListObjectsV2({ client }, { Bucket: bucket })) {
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key === undefined ? [] : [{ Key: o.Key }]));
      for (let i = 0; i < keys.length; i += 1000) {
        await client.send(new sdk.DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.slice(i, i + 1000), Quiet: true } }));
      }
    }
    await client.send(new sdk.DeleteBucketCommand({ Bucket: bucket }));
  } catch {
    // Best effort: s3rver's data folder goes away with it anyway.
  }
}

/** Makes `subject`'s teardown drop the case's bucket first (the raw subject tears down last). */
function dropBucketAfter(subject: Subject, raw: RawS3Adapter): void {
  const teardown = subject.teardown;
  subject.teardown = async () => {
    await dropBucket(raw);
    await teardown();
  };
}

const slug = (name: string) =>
  name
    .replace(/[^a-z0-9]+/gi, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();

// ---- subjects -------------------------------------------------------------------------------

/** A source file to stream from: the full size, and a smaller one for the warm-up. */
interface Source {
  path: string;
  bytes: number;
  warmup: { path: string; bytes: number };
}

/** Writes the source file into the store, then reads the object back into a file. */
function largeSubject(adapter: Adapter, source: Source, outDir: string): Subject {
  const key = `large/${slug(adapter.name)}.bin`;
  const out = join(outDir, `${slug(adapter.name)}.out`);
  return {
    name: adapter.name,
    role: adapter.role,
    ...(adapter.note ? { note: adapter.note } : {}),
    setup: () => adapter.init(),
    async run(warmup) {
      const { path, bytes } = warmup ? source.warmup : source;
      const write = await timed(() => adapter.putStream(key, createReadStream(path)));
      const read = await timed(async () => pipeline(await adapter.getStream(key), createWriteStream(out)));
      const size = (await stat(out)).size;
      if (size !== bytes) throw new Error(`${adapter.name}: read back ${size} bytes of ${bytes}`);
      return { write, read };
    },
    async cleanup() {
      await adapter.del(key).catch(() => undefined);
      await rm(out, { force: true });
    },
    teardown: () => adapter.close(),
  };
}

/** The warm-up's share of a case's amount: enough to compile the hot paths and fill the pools. */
const WARMUP_SHARE = 8;

/**
 * `count` objects of `bytes` each: put all, get all, head all, delete all; one at a time. The
 * warm-up does the same with an eighth of them.
 */
function smallSubject(adapter: Adapter, count: number, bytes: number): Subject {
  const payload = Buffer.from(randomBlock().subarray(0, bytes));
  const prefix = `small/${slug(adapter.name)}/`;
  const allKeys = Array.from({ length: count }, (_, i) => `${prefix}k${String(i).padStart(6, '0')}.bin`);
  return {
    name: adapter.name,
    role: adapter.role,
    ...(adapter.note ? { note: adapter.note } : {}),
    setup: () => adapter.init(),
    async run(warmup) {
      const keys = warmup ? allKeys.slice(0, Math.ceil(count / WARMUP_SHARE)) : allKeys;
      const put = await timed(async () => {
        for (const key of keys) await adapter.put(key, payload);
      });
      const get = await timed(async () => {
        for (const key of keys) {
          const body = await adapter.get(key);
          if (body.byteLength !== bytes) throw new Error(`${adapter.name}: got ${body.byteLength} bytes of ${bytes}`);
        }
      });
      const head = await timed(async () => {
        for (const key of keys) await adapter.head(key);
      });
      const del = await timed(async () => {
        for (const key of keys) await adapter.del(key);
      });
      return { put, get, head, delete: del };
    },
    async cleanup() {},
    teardown: () => adapter.close(),
  };
}

const listKey = (i: number) => `d${String(Math.floor(i / 1000)).padStart(3, '0')}/k${String(i).padStart(6, '0')}.txt`;

async function populate(adapter: Adapter, count: number, concurrency: number): Promise<void> {
  const body = Buffer.from('listing benchmark');
  await pool(count, concurrency, (i) => adapter.put(listKey(i), body));
}

/** Lists every key; `fill` stores them first (once, untimed). */
function listSubject(adapter: Adapter, expected: number, fill?: () => Promise<void>): Subject {
  return {
    name: adapter.name,
    role: adapter.role,
    ...(adapter.note ? { note: adapter.note } : {}),
    async setup() {
      await adapter.init();
      await fill?.();
    },
    async run() {
      let found = 0;
      const list = await timed(async () => {
        found = await adapter.list();
      });
      if (found !== expected) throw new Error(`${adapter.name}: listed ${found} keys of ${expected}`);
      return { list };
    },
    async cleanup() {},
    teardown: () => adapter.close(),
  };
}

// ---- memory.scale -----------------------------------------------------------------------------

/** Object `i` of a scale store: 1,000 per folder, so a store of 1,000,000 keys has 1,000 folders. */
const scaleKey = (i: number) => `d${String(Math.floor(i / 1000)).padStart(4, '0')}/k${String(i).padStart(8, '0')}.bin`;
/** A key that is not stored, sorting right after object `i`: puts land all over the key space, not at its end. */
const scaleNewKey = (i: number) => `d${String(Math.floor(i / 1000)).padStart(4, '0')}/k${String(i).padStart(8, '0')}.new`;
const SCALE_BODY_BYTES = 16;
const SCALE_PAGE = 1000;
/**
 * Most time a fill may take before the subject is stopped: the case's budget is ~60 s in all, so a
 * store that needs longer to take 1,000,000 keys fails its row instead of stretching the run.
 */
const SCALE_FILL_LIMIT_MS = 60_000;

const addTiming = (a: Timing, b: Timing): Timing => ({ ms: a.ms + b.ms, cpuMs: a.cpuMs + b.cpuMs });

/** A run that failed part-way, with the samples it took before: the child keeps those and reports the error. */
export class PartialRunError extends Error {
  constructor(
    message: string,
    readonly times: Record<string, Timing | Timing[]>,
  ) {
    super(message);
    this.name = 'Error';
  }
}

/** Stores objects `from`..`to - 1`, 32 at a time, untimed; gives up after `limitMs`. */
async function scaleFill(adapter: Adapter, from: number, to: number, body: Buffer, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  let stopped = false;
  await pool(to - from, 32, async (j) => {
    if (stopped || ((j & 1023) === 0 && Date.now() > deadline)) {
      stopped = true;
      throw new Error(
        `filling to ${to.toLocaleString('en-US')} keys took more than ${limitMs / 1000} s (at ${(from + j).toLocaleString('en-US')})`,
      );
    }
    await adapter.put(scaleKey(from + j), body);
  });
}

interface ScaleSample {
  put: Timing;
  get: Timing;
  page?: Timing;
}

/**
 * One sample at a store of `count` objects: `ops` puts of new keys and `ops` gets of stored ones (in
 * batches of `batch`; each batch's new keys are deleted again, untimed, so the store stays at
 * `count`), and `pages` listing pages of 1,000 entries after a random stored key (from the start
 * when the store has no more than 1,000 keys beyond it).
 */
async function scaleSample(
  adapter: Adapter,
  count: number,
  ops: number,
  batch: number,
  pages: number,
  body: Buffer,
  random: () => number,
): Promise<ScaleSample> {
  const zero = (): Timing => ({ ms: 0, cpuMs: 0 });
  const out: ScaleSample = { put: zero(), get: zero() };
  for (let done = 0; done < ops; done += batch) {
    const n = Math.min(batch, ops - done);
    const picked = new Set<number>();
    while (picked.size < Math.min(n, count)) picked.add(Math.floor(random() * count));
    const fresh = [...picked].map(scaleNewKey);
    const stored = Array.from({ length: n }, () => scaleKey(Math.floor(random() * count)));
    out.put = addTiming(
      out.put,
      await timed(async () => {
        for (const key of fresh) await adapter.put(key, body);
      }),
    );
    out.get = addTiming(
      out.get,
      await timed(async () => {
        for (const key of stored) {
          const bytes = await adapter.get(key);
          if (bytes.byteLength !== SCALE_BODY_BYTES)
            throw new Error(`${adapter.name}: got ${bytes.byteLength} bytes of ${SCALE_BODY_BYTES}`);
        }
      }),
    );
    for (const key of fresh) await adapter.del(key);
  }
  if (adapter instanceof StowageAdapter && pages > 0) {
    out.page = zero();
    const last = count - SCALE_PAGE - 1; // the highest index after which 1,000 objects follow
    for (let p = 0; p < pages; p++) {
      const startAfter = last < 0 ? undefined : scaleKey(Math.floor(random() * (last + 1)));
      let listed = 0;
      out.page = addTiming(
        out.page,
        await timed(async () => {
          listed = await adapter.page(startAfter, SCALE_PAGE);
        }),
      );
      if (listed !== Math.min(SCALE_PAGE, count))
        throw new Error(`${adapter.name}: a page after ${startAfter ?? 'the start'} listed ${listed} entries`);
    }
  }
  return out;
}

/**
 * memory.scale: a fresh store filled to `cfg.scaleSmall` objects, `reps` samples there, then filled
 * on to `cfg.scaleLarge` and `reps` samples again; the store is dropped at the end of the run, so
 * the next subject runs on a heap without it. The warm-up runs the small size only, with an eighth
 * of the operations.
 */
function scaleSubject(make: () => Adapter, cfg: BenchConfig, reps: number): Subject {
  const probe = make();
  const body = Buffer.from(randomBlock().subarray(0, SCALE_BODY_BYTES));
  return {
    name: probe.name,
    role: probe.role,
    ...(probe.note ? { note: probe.note } : {}),
    async setup() {},
    async run(warmup) {
      const adapter = make();
      await adapter.init();
      const random = seededRandom(20_240_601);
      const ops = warmup ? Math.ceil(cfg.scaleOps / WARMUP_SHARE) : cfg.scaleOps;
      const pages = warmup ? Math.ceil(cfg.scalePages / WARMUP_SHARE) : cfg.scalePages;
      const out: Record<string, Timing[]> = {};
      const measure = async (count: number, at: 'small' | 'large') => {
        gc();
        for (let s = 0; s < (warmup ? 1 : reps); s++) {
          const sample = await scaleSample(adapter, count, ops, cfg.scaleBatch, pages, body, random);
          for (const [op, t] of Object.entries(sample)) (out[`${op}.${at}`] ??= []).push(t);
        }
      };
      try {
        await scaleFill(adapter, 0, cfg.scaleSmall, body, SCALE_FILL_LIMIT_MS);
        await measure(cfg.scaleSmall, 'small');
        if (!warmup) {
          try {
            await scaleFill(adapter, cfg.scaleSmall, cfg.scaleLarge, body, SCALE_FILL_LIMIT_MS);
            await measure(cfg.scaleLarge, 'large');
          } catch (error) {
            // Keep the small store's samples: they are still worth a row.
            throw new PartialRunError(error instanceof Error ? error.message : String(error), out);
          }
        }
      } finally {
        await adapter.close();
      }
      return out;
    },
    async cleanup() {},
    async teardown() {},
  };
}

const scaleMetrics = (cfg: BenchConfig): MetricSpec[] =>
  (['small', 'large'] as const).flatMap((at) => {
    const keys = (at === 'small' ? cfg.scaleSmall : cfg.scaleLarge).toLocaleString('en-US');
    const ops = cfg.scaleOps.toLocaleString('en-US');
    return [
      // Short labels (the terminal's table cuts them at 44 characters); bench/README.md says more.
      { name: `put.${at}`, label: `${ops} × put, ${keys} keys`, unit: 'ops/s' as const, amount: cfg.scaleOps },
      { name: `get.${at}`, label: `${ops} × get, ${keys} keys`, unit: 'ops/s' as const, amount: cfg.scaleOps },
      {
        name: `page.${at}`,
        label: `${cfg.scalePages} × page of ${SCALE_PAGE.toLocaleString('en-US')}, ${keys} keys`,
        unit: 'keys/s' as const,
        amount: cfg.scalePages * SCALE_PAGE,
      },
    ];
  });

/** Upload from a file, download to a file, and a second download (ranged ×4 for stowage, one stream for the SDK). */
function s3TransferSubject(
  adapter: Adapter,
  source: Source,
  outDir: string,
  second: (key: string, path: string) => Promise<void>,
): Subject {
  const key = `transfer/${slug(adapter.name)}.bin`;
  const out = join(outDir, `${slug(adapter.name)}.out`);
  const out2 = join(outDir, `${slug(adapter.name)}.ranged.out`);
  const sizeOf = async (path: string) => (await stat(path)).size;
  return {
    name: adapter.name,
    role: adapter.role,
    ...(adapter.note ? { note: adapter.note } : {}),
    setup: () => adapter.init(),
    async run(warmup) {
      const { path: file, bytes } = warmup ? source.warmup : source;
      const upload = await timed(() => adapter.putStream(key, createReadStream(file)));
      const download = await timed(async () => pipeline(await adapter.getStream(key), createWriteStream(out)));
      const ranged = await timed(() => second(key, out2));
      for (const path of [out, out2]) {
        if ((await sizeOf(path)) !== bytes) throw new Error(`${adapter.name}: ${path} has ${await sizeOf(path)} bytes of ${bytes}`);
      }
      return { upload, download, ranged };
    },
    async cleanup() {
      await adapter.del(key).catch(() => undefined);
      await rm(out, { force: true });
      await rm(out2, { force: true });
    },
    teardown: () => adapter.close(),
  };
}

/** A GetObject streamed to a file, then fsync'd (what stowage's downloadFile does before its rename). */
async function singleStreamToFile(adapter: Adapter, key: string, path: string, sync: boolean): Promise<void> {
  await pipeline(await adapter.getStream(key), createWriteStream(path));
  if (sync) {
    const { open } = await import('node:fs/promises');
    const handle = await open(path, 'r+');
    await handle.sync();
    await handle.close();
  }
}

async function sourceFile(dir: string, bytes: number): Promise<string> {
  const { makeFile } = await import('./util.js');
  const path = join(dir, 'source.bin');
  await makeFile(path, bytes);
  return path;
}

/**
 * A source file with a warm-up one an eighth its size: the warm-up only has to compile the hot
 * paths and open the pools, and a full-size one would cost a quarter of the case's time.
 */
async function largeSource(dir: string, bytes: number): Promise<Source> {
  const { makeFile } = await import('./util.js');
  const path = await sourceFile(dir, bytes);
  const warmup = { path: join(dir, 'warmup.bin'), bytes: Math.max(1, Math.floor(bytes / WARMUP_SHARE)) };
  await makeFile(warmup.path, warmup.bytes);
  return { path, bytes, warmup };
}

// ---- the cases ------------------------------------------------------------------------------

const largeMetrics = (cfg: BenchConfig): MetricSpec[] => [
  { name: 'write', label: `large write ${fmtBytes(cfg.largeBytes)} (file → store)`, unit: 'MiB/s', amount: cfg.largeBytes },
  { name: 'read', label: `large read ${fmtBytes(cfg.largeBytes)} (store → file)`, unit: 'MiB/s', amount: cfg.largeBytes },
];

const smallMetrics = (count: number, bytes: number): MetricSpec[] =>
  (['put', 'get', 'head', 'delete'] as const).map((name) => ({
    name,
    label: `${count.toLocaleString('en-US')} × ${name} ${fmtBytes(bytes)}`,
    unit: 'ops/s' as const,
    amount: count,
  }));

export function fmtBytes(bytes: number): string {
  if (bytes >= 1024 * MiB && bytes % (1024 * MiB) === 0) return `${bytes / (1024 * MiB)} GiB`;
  if (bytes >= MiB) return `${Math.round(bytes / MiB)} MiB`;
  return `${Math.round(bytes / 1024)} KiB`;
}

function s3Cases(id: ServerInfo['id']): CaseDef[] {
  const bucket = (what: string) => `stowage-bench-${what}-${process.pid}`;
  return [
    {
      kind: 'timed',
      id: `${id}.transfer`,
      group: id,
      server: id,
      title: `S3 upload and download on ${id}`,
      metrics: (cfg) => [
        { name: 'upload', label: `upload ${fmtBytes(cfg.s3Bytes)} (file → S3)`, unit: 'MiB/s', amount: cfg.s3Bytes },
        { name: 'download', label: `download ${fmtBytes(cfg.s3Bytes)} (S3 → file)`, unit: 'MiB/s', amount: cfg.s3Bytes },
        { name: 'ranged', label: `download ${fmtBytes(cfg.s3Bytes)}: ranged ×4 vs one stream`, unit: 'MiB/s', amount: cfg.s3Bytes },
      ],
      async subjects(cfg, dir) {
        const info = server(cfg, id);
        const source = await largeSource(dir, cfg.s3Bytes);
        const [stowage, raw] = s3Adapters(info, bucket('transfer'));
        const { downloadFile } = await import('@stowage/core');
        const rawSynced = new RawS3Adapter(`raw AWS SDK (${id}) + fsync`, () => rawS3Client(info), raw.bucket);
        const subjects: Subject[] = [
          s3TransferSubject(stowage, source, dir, async (key, path) => {
            await downloadFile(stowage.storage, stowage.bucket, key, path, { concurrency: S3_QUEUE_SIZE, partSize: S3_PART_SIZE });
          }),
          s3TransferSubject(raw, source, dir, (key, path) => singleStreamToFile(raw, key, path, false)),
        ];
        // The same single stream, fsync'd as downloadFile does: shows what the fsync costs.
        const syncedKey = 'transfer/synced.bin';
        const syncedOut = join(dir, 'synced.out');
        subjects.push({
          name: rawSynced.name,
          role: 'reference',
          note: 'one GetObject stream to a file, then fsync (downloadFile syncs before its rename)',
          async setup() {
            await rawSynced.init();
            await rawSynced.putStream(syncedKey, createReadStream(source.path));
          },
          async run() {
            return { ranged: await timed(() => singleStreamToFile(rawSynced, syncedKey, syncedOut, true)) };
          },
          cleanup: () => rm(syncedOut, { force: true }),
          teardown: () => rawSynced.close(),
        });
        dropBucketAfter(subjects[1]!, raw);
        return subjects;
      },
    },
    {
      kind: 'timed',
      id: `${id}.small`,
      group: id,
      server: id,
      title: `S3 small objects on ${id}`,
      metrics: (cfg) => smallMetrics(cfg.s3SmallCount, cfg.smallBytes),
      async subjects(cfg) {
        const [stowage, raw] = s3Adapters(server(cfg, id), bucket('small'));
        const subjects = [smallSubject(stowage, cfg.s3SmallCount, cfg.smallBytes), smallSubject(raw, cfg.s3SmallCount, cfg.smallBytes)];
        dropBucketAfter(subjects[1]!, raw);
        return subjects;
      },
    },
    {
      kind: 'timed',
      id: `${id}.list`,
      group: id,
      server: id,
      title: `S3 listing on ${id}`,
      metrics: (cfg) => [
        { name: 'list', label: `list ${cfg.s3ListCount.toLocaleString('en-US')} keys`, unit: 'keys/s', amount: cfg.s3ListCount },
      ],
      async subjects(cfg) {
        const [stowage, raw] = s3Adapters(server(cfg, id), bucket('list'));
        const subjects = [
          listSubject(stowage, cfg.s3ListCount),
          // The raw subject fills the bucket both list (it is set up first).
          listSubject(raw, cfg.s3ListCount, () => populate(raw, cfg.s3ListCount, 16)),
        ];
        dropBucketAfter(subjects[1]!, raw);
        return [subjects[1]!, subjects[0]!];
      },
    },
  ];
}

/**
 * What a store in memory may grow RSS by, holding `bytes`: 1.1 × them (the bound: 1.1 GiB
 * for 1 GiB), and at least 64 MiB more than them, so the small sizes of a quick run are not held
 * to the start-up noise of a process.
 */
function holdLimit(bytes: number, what: string): { bytes: number; rule: string } {
  const limit = Math.max(Math.round(bytes * 1.1), bytes + 64 * MiB);
  return { bytes: limit, rule: `1.1 × the bytes ${what}, at least the bytes + 64 MiB` };
}

export const CASES: CaseDef[] = [
  {
    kind: 'timed',
    id: 'local.large',
    group: 'local',
    title: 'Large streaming write and read, local disk',
    metrics: largeMetrics,
    async subjects(cfg, dir) {
      const source = await largeSource(dir, cfg.largeBytes);
      const out = join(dir, 'out');
      await mkdir(out);
      return localAdapters(join(dir, 'stores')).map((a) => largeSubject(a, source, out));
    },
  },
  {
    kind: 'timed',
    id: 'local.small',
    group: 'local',
    title: 'Small objects, local disk',
    metrics: (cfg) => smallMetrics(cfg.smallCount, cfg.smallBytes),
    async subjects(cfg, dir) {
      return localAdapters(dir).map((a) => smallSubject(a, cfg.smallCount, cfg.smallBytes));
    },
  },
  {
    kind: 'timed',
    id: 'local.list',
    reps: (cfg) => cfg.listReps,
    group: 'local',
    title: 'Listing, local disk',
    metrics: (cfg) => [
      { name: 'list', label: `list ${cfg.listCount.toLocaleString('en-US')} keys`, unit: 'keys/s', amount: cfg.listCount },
    ],
    async subjects(cfg, dir) {
      // One tree for all: stowage writes it (so every object has its record), the others list the
      // same plain files (stowage's records live outside the bucket folder).
      const adapters = localAdapters(dir, true, true);
      const stowage = adapters[0]!;
      return adapters.map((a) => listSubject(a, cfg.listCount, a === stowage ? () => populate(stowage, cfg.listCount, 8) : undefined));
    },
  },
  {
    kind: 'timed',
    id: 'memory.large',
    group: 'memory',
    title: 'Large streaming write and read, memory',
    metrics: largeMetrics,
    async subjects(cfg, dir) {
      const source = await largeSource(dir, cfg.largeBytes);
      return memoryAdapters().map((a) => largeSubject(a, source, dir));
    },
  },
  {
    kind: 'timed',
    id: 'memory.small',
    group: 'memory',
    title: 'Small objects, memory',
    metrics: (cfg) => smallMetrics(cfg.smallCount, cfg.smallBytes),
    async subjects(cfg) {
      return memoryAdapters().map((a) => smallSubject(a, cfg.smallCount, cfg.smallBytes));
    },
  },
  {
    kind: 'timed',
    id: 'memory.list',
    reps: (cfg) => cfg.listReps,
    group: 'memory',
    title: 'Listing, memory',
    metrics: (cfg) => [
      { name: 'list', label: `list ${cfg.listCount.toLocaleString('en-US')} keys`, unit: 'keys/s', amount: cfg.listCount },
    ],
    async subjects(cfg) {
      return memoryAdapters().map((a) => listSubject(a, cfg.listCount, () => populate(a, cfg.listCount, 8)));
    },
  },
  {
    kind: 'timed',
    id: 'memory.scale',
    // The samples are taken inside one run per subject (all at the small size, then all at the large one).
    reps: () => 1,
    group: 'memory',
    title: 'Put, get and a listing page at 1,000 and at 1,000,000 stored keys, memory',
    metrics: scaleMetrics,
    async subjects(cfg) {
      return [
        scaleSubject(() => new StowageAdapter('stowage memory', memoryStorage, 'bench'), cfg, cfg.reps),
        // A reference for put and get (its getKeys returns every key at once: it has no page to time).
        scaleSubject(() => new UnstorageAdapter('unstorage 1.17.6 (memory)', undefined, 'reference'), cfg, cfg.reps),
      ];
    },
  },
  {
    kind: 'timed',
    id: 'memfs.small',
    group: 'memfs',
    title: 'Small objects, local driver on memfs',
    metrics: (cfg) => smallMetrics(cfg.smallCount, cfg.smallBytes),
    async subjects(cfg) {
      return memfsAdapters().map((a) => smallSubject(a, cfg.smallCount, cfg.smallBytes));
    },
  },
  {
    kind: 'timed',
    id: 'memfs.list',
    reps: (cfg) => cfg.listReps,
    group: 'memfs',
    title: 'Listing, local driver on memfs',
    metrics: (cfg) => [
      { name: 'list', label: `list ${cfg.listCount.toLocaleString('en-US')} keys`, unit: 'keys/s', amount: cfg.listCount },
    ],
    async subjects(cfg) {
      return memfsAdapters().map((a) => listSubject(a, cfg.listCount, () => populate(a, cfg.listCount, 8)));
    },
  },
  ...s3Cases('s3rver'),
  ...s3Cases('ceph'),
  cliStartCase,
  cliSyncCase,
  localListRssCase,
  ...layersCases,
  {
    kind: 'rss',
    id: 'rss.local',
    group: 'local',
    title: 'Peak RSS growth streaming through the local driver',
    bytes: (cfg) => cfg.rssBytes,
    limit: () => ({ bytes: 64 * MiB, rule: '64 MiB' }),
    adapters: (_cfg, dir) => localAdapters(dir),
  },
  {
    kind: 'rss',
    id: 'rss.memory',
    group: 'memory',
    title: 'Peak RSS growth streaming through the memory driver',
    bytes: (cfg) => cfg.rssBytes,
    // The store holds the object while it is read back: once, and a tenth more at most.
    limit: (cfg) => holdLimit(cfg.rssBytes, 'streamed (the store holds them once)'),
    adapters: () => memoryAdapters(),
  },
  {
    kind: 'rss',
    id: 'rss.memory-hold',
    group: 'memory',
    measure: 'held',
    allRoles: true,
    title: 'RSS growth holding what was put into the memory driver',
    bytes: (cfg) => cfg.holdBytes,
    limit: (cfg) => holdLimit(cfg.holdBytes, 'held (no second copy)'),
    adapters: () => memoryAdapters(),
  },
  {
    kind: 'rss',
    id: 'rss.s3rver',
    group: 's3rver',
    server: 's3rver',
    title: 'Peak RSS growth streaming through the S3 driver (s3rver)',
    bytes: (cfg) => cfg.s3RssBytes,
    limit: () => ({
      bytes: S3_PART_SIZE * (S3_QUEUE_SIZE + 1) + 32 * MiB,
      rule: `partSize × (concurrency + 1) + 32 MiB = 8 MiB × 5 + 32 MiB`,
    }),
    adapters: (cfg) =>
      cfg.servers.some((s) => s.id === 's3rver') ? s3Adapters(server(cfg, 's3rver'), `stowage-bench-rss-${process.pid}`) : [],
  },
];

/** What an RSS child does with its adapter: stream bytes in, stream them back out, delete. */
export async function streamThrough(adapter: Adapter, makeSource: () => Readable, makeSink: () => NodeJS.WritableStream): Promise<void> {
  const key = `rss/${slug(adapter.name)}.bin`;
  await adapter.putStream(key, makeSource());
  await pipeline(await adapter.getStream(key), makeSink());
  await adapter.del(key);
}
