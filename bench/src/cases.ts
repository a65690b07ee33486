// The cases: what each measures, on which subjects, and how. Subjects are built only in the child
// process that runs the case (peers are imported there, not in the parent).
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  FlydriveAdapter,
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
import { S3_PART_SIZE, S3_QUEUE_SIZE, type BenchConfig, type ServerInfo } from './config.js';
import { MiB, pool, randomBlock, timed, type Timing } from './util.js';

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
  /** One repetition; `warmup` is true for the untimed ones, which may use a smaller amount. */
  run(warmup: boolean): Promise<Record<string, Timing>>;
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
  bytes(cfg: BenchConfig): number;
  /** The target: most RSS growth allowed, in bytes, and how it is derived. */
  limit(cfg: BenchConfig): { bytes: number; rule: string };
  /** Cheap to call (no I/O until `init`): the parent calls it too, to learn the subjects. */
  adapters(cfg: BenchConfig, dir: string): Adapter[];
}

export type CaseDef = TimedCase | RssCase;

// ---- adapters per place ---------------------------------------------------------------------

const nodeFs = async (): Promise<FsLike> => (await import('node:fs')) as unknown as FsLike;
const memfsVolume = async (): Promise<FsLike> => {
  const { Volume, createFsFromVolume } = await import('memfs');
  return createFsFromVolume(new Volume()) as unknown as FsLike;
};
const localStorage = (root: string) => async () => new (await import('@stowage/local')).LocalStorage({ root });
const memoryStorage = async () => new (await import('@stowage/memory')).MemoryStorage();

/** stowage local, raw node:fs and the fs peers, each in its own folder under `dir` (or all on one tree). */
function localAdapters(dir: string, shared = false, rawWithStat = false): Adapter[] {
  const at = (name: string) => (shared ? join(dir, 'bench') : join(dir, name));
  const adapters: Adapter[] = [
    new StowageAdapter('stowage local', localStorage(shared ? dir : join(dir, 'stowage')), 'bench'),
    new RawFsAdapter('raw node:fs', 'baseline', nodeFs, at('raw')),
  ];
  if (rawWithStat) {
    adapters.push(
      new RawFsAdapter('raw node:fs + lstat', 'reference', nodeFs, at('raw'), true, 'readdir walk plus an lstat per file: the size and mtime a listing entry carries'),
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

function memoryAdapters(): Adapter[] {
  return [
    new StowageAdapter('stowage memory', memoryStorage, 'bench'),
    new RawFsAdapter('raw memfs', 'baseline', memfsVolume, '/bench'),
    new UnstorageAdapter('unstorage 1.17.6 (memory)', undefined),
    new OpendalAdapter('opendal 0.49.2 (memory)', 'memory', '/'),
  ];
}

function server(cfg: BenchConfig, id: ServerInfo['id']): ServerInfo {
  const found = cfg.servers.find((s) => s.id === id);
  if (!found) throw new Error(`S3 server ${id} is not available`);
  return found;
}

async function rawClient(info: ServerInfo) {
  const { S3Client } = await import('@aws-sdk/client-s3');
  // The settings every non-AWS server needs (see shared/notes/s3-servers.md), and nothing else.
  return new S3Client({
    endpoint: info.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: info.credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

const s3Storage = (info: ServerInfo) => async () => {
  const { S3Storage } = await import('@stowage/s3');
  return new S3Storage({ endpoint: info.endpoint, credentials: info.credentials });
};

function s3Adapters(info: ServerInfo, bucket: string): [StowageAdapter, RawS3Adapter] {
  return [
    new StowageAdapter(`stowage s3 (${info.id})`, s3Storage(info), bucket),
    new RawS3Adapter(`raw AWS SDK (${info.id})`, () => rawClient(info), bucket, { partSize: S3_PART_SIZE, queueSize: S3_QUEUE_SIZE }),
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

const slug = (name: string) => name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();

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

/** Upload from a file, download to a file, and a second download (ranged ×4 for stowage, one stream for the SDK). */
function s3TransferSubject(adapter: Adapter, source: Source, outDir: string, second: (key: string, path: string) => Promise<void>): Subject {
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
        const rawSynced = new RawS3Adapter(`raw AWS SDK (${id}) + fsync`, () => rawClient(info), raw.bucket);
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
      metrics: (cfg) => [{ name: 'list', label: `list ${cfg.s3ListCount.toLocaleString('en-US')} keys`, unit: 'keys/s', amount: cfg.s3ListCount }],
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
    metrics: (cfg) => [{ name: 'list', label: `list ${cfg.listCount.toLocaleString('en-US')} keys`, unit: 'keys/s', amount: cfg.listCount }],
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
    metrics: (cfg) => [{ name: 'list', label: `list ${cfg.listCount.toLocaleString('en-US')} keys`, unit: 'keys/s', amount: cfg.listCount }],
    async subjects(cfg) {
      return memoryAdapters().map((a) => listSubject(a, cfg.listCount, () => populate(a, cfg.listCount, 8)));
    },
  },
  ...s3Cases('s3rver'),
  ...s3Cases('ceph'),
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
    limit: () => ({ bytes: 64 * MiB, rule: '64 MiB beyond raw memfs holding the same bytes' }),
    adapters: () => memoryAdapters(),
  },
  {
    kind: 'rss',
    id: 'rss.s3rver',
    group: 's3rver',
    server: 's3rver',
    title: 'Peak RSS growth streaming through the S3 driver (s3rver)',
    bytes: (cfg) => cfg.s3RssBytes,
    limit: () => ({ bytes: S3_PART_SIZE * (S3_QUEUE_SIZE + 1) + 32 * MiB, rule: `partSize × (concurrency + 1) + 32 MiB = 8 MiB × 5 + 32 MiB` }),
    adapters: (cfg) => (cfg.servers.some((s) => s.id === 's3rver') ? s3Adapters(server(cfg, 's3rver'), `stowage-bench-rss-${process.pid}`) : []),
  },
];

/** What an RSS child does with its adapter: stream bytes in, stream them back out, delete. */
export async function streamThrough(adapter: Adapter, makeSource: () => Readable, makeSink: () => NodeJS.WritableStream): Promise<void> {
  const key = `rss/${slug(adapter.name)}.bin`;
  await adapter.putStream(key, makeSource());
  await pipeline(await adapter.getStream(key), makeSink());
  await adapter.del(key);
}
