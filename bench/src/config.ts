import { GiB, KiB, MiB } from './util.js';

/** An S3 server the S3 cases run against. */
export interface ServerInfo {
  id: 's3rver' | 'ceph';
  label: string;
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** Sizes and repetitions of one run; `--quick` shrinks everything for a smoke check. */
export interface BenchConfig {
  mode: 'quick' | 'full';
  /** Timed repetitions per subject (after the warm-up). */
  reps: number;
  /** Untimed repetitions first (JIT, page cache, connection pools). */
  warmup: number;
  /** Timed repetitions of the 100,000-key listings (each lists every key of a store). */
  listReps: number;
  /** The large streaming write and read, local and memory. */
  largeBytes: number;
  /** Small objects: how many, and how large. */
  smallCount: number;
  smallBytes: number;
  /** Keys in the listing cases (local and memory; S3). */
  listCount: number;
  s3ListCount: number;
  /** Bytes streamed through each driver while peak RSS is watched (local and memory; S3). */
  rssBytes: number;
  s3RssBytes: number;
  /** Bytes put into a fresh memory store and held there while RSS is read (rss.memory-hold). */
  holdBytes: number;
  /**
   * memory.scale: the two store sizes compared, the puts and gets timed per sample at each (in
   * batches of `scaleBatch` new keys, removed again after each batch, so the store stays at its
   * size) and the 1,000-entry listing pages timed per sample.
   */
  scaleSmall: number;
  scaleLarge: number;
  scaleOps: number;
  scaleBatch: number;
  scalePages: number;
  /** S3 upload and download size, and the small-object count on S3. */
  s3Bytes: number;
  s3SmallCount: number;
  /** S3 servers found running (or started) for this run. */
  servers: ServerInfo[];
  /** Only subjects whose name contains one of these (for profiling one library). */
  subjects?: string[];
}

export function makeConfig(mode: 'quick' | 'full'): BenchConfig {
  if (mode === 'quick') {
    return {
      mode,
      reps: 2,
      warmup: 1,
      listReps: 2,
      largeBytes: 16 * MiB,
      smallCount: 100,
      smallBytes: 4 * KiB,
      listCount: 1_000,
      s3ListCount: 300,
      rssBytes: 64 * MiB,
      s3RssBytes: 32 * MiB,
      holdBytes: 64 * MiB,
      scaleSmall: 1_000,
      scaleLarge: 10_000,
      scaleOps: 1_000,
      scaleBatch: 100,
      scalePages: 5,
      // Above the 8 MiB multipart threshold, so both stowage and the SDK upload in parts.
      s3Bytes: 12 * MiB,
      s3SmallCount: 20,
      servers: [],
    };
  }
  return {
    mode,
    // Three timed repetitions after a warm-up: medians of three, and the whole run fits in 20
    // minutes on two cores (five would take two thirds longer).
    reps: 3,
    warmup: 1,
    listReps: 3,
    largeBytes: 1 * GiB,
    smallCount: 5_000,
    smallBytes: 4 * KiB,
    listCount: 100_000,
    s3ListCount: 10_000,
    rssBytes: 2 * GiB,
    s3RssBytes: 2 * GiB,
    holdBytes: 1 * GiB,
    scaleSmall: 1_000,
    scaleLarge: 1_000_000,
    // 10,000 puts and gets and 50 pages per sample: tens of milliseconds each on a Map-speed
    // engine, long enough for a stable median, short beside the fill to 1,000,000 keys.
    scaleOps: 10_000,
    scaleBatch: 100,
    scalePages: 50,
    s3Bytes: 256 * MiB,
    // Ceph RGW puts and deletes small objects at ~35/s on this kind of machine (bluestore syncs).
    s3SmallCount: 300,
    servers: [],
  };
}

/** The S3 driver's transfer defaults (8 MiB parts, 4 at a time), used by both stowage and the raw SDK. */
export const S3_PART_SIZE = 8 * MiB;
export const S3_QUEUE_SIZE = 4;
