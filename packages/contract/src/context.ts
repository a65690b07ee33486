import { it } from 'vitest';
import type { Capabilities, Storage } from '@stowage/core';

/** The names of the boolean flags of {@link Capabilities} (`maxKeyBytes` is a number, not a feature). */
export type BooleanCapability = {
  [K in keyof Capabilities]: Capabilities[K] extends boolean ? K : never;
}[keyof Capabilities];

/**
 * A feature a contract case may need. Every boolean capability is one; the others name server or
 * driver behaviours that `capabilities` does not describe, so a driver (or a test run against a
 * particular S3-compatible server) can declare them missing through {@link ContractOptions.limitations}.
 *
 * - `paginationOrder`: objects added or removed between two pages of a listing neither duplicate nor
 *   skip the keys that stayed (S3 pages by key, so this holds there).
 * - `ifMatchOnGet`: `ifMatch` / `ifUnmodifiedSince` on get and head are enforced (some servers ignore them).
 * - `ifMatchOnPut`: `ifMatch` on put is enforced (AWS added it in 2024; older servers ignore it).
 * - `multipartAbort`: aborting or failing a multi-part upload (a multi-MiB stream) leaves nothing.
 * - `checksums`: a full read detects an object edited at rest (needs {@link ContractOptions.corruptObject}).
 * - `largeBodies`: the multi-MiB cases (uploads and reads of {@link ContractOptions.largeBodyBytes}).
 * - `largeBatchDelete`: a batch delete of more than 1000 keys (S3 takes 1000 per request; drivers split).
 * - `unicodeMetadata`: metadata values outside US-ASCII round-trip.
 * - `readIsolation`: a read started before an overwrite returns the old version whole.
 * - `concurrentWrites`: many concurrent writers to one key leave exactly one writer's object.
 * - `otherDelimiters`: listing with a delimiter other than `/`.
 * - `unicodeNormalization`: keys in NFC and NFD are distinct (a normalising file system merges them).
 * - `caseSensitiveKeys`: `Key` and `key` are distinct (a case-insensitive file system merges them).
 * - `controlCharsInKeys`: keys with control characters (tab, newline, U+0001).
 * - `copyInPlace`: copying an object onto itself to change its headers or metadata.
 * - `bucketNameValidation`: names with dots or at the 63-character limit can be created.
 * - `maxLengthSegments`: a key segment of exactly 255 bytes (the longest file name most disks take;
 *   a server that stores objects as files with a suffix, as s3rver does, cannot).
 * - `startAfterByteOrder`: `startAfter` compares keys by UTF-8 bytes, not UTF-16 units.
 * - `exclusiveCreateBucket`: of concurrent `createBucket` calls for one name exactly one succeeds
 *   (servers that answer 200 to re-creating a bucket you own, as AWS us-east-1 and Ceph RGW do,
 *   leave a driver no atomic way to tell).
 */
export type ContractFeature =
  | BooleanCapability
  | 'paginationOrder'
  | 'ifMatchOnGet'
  | 'ifMatchOnPut'
  | 'multipartAbort'
  | 'checksums'
  | 'largeBodies'
  | 'largeBatchDelete'
  | 'unicodeMetadata'
  | 'readIsolation'
  | 'concurrentWrites'
  | 'otherDelimiters'
  | 'unicodeNormalization'
  | 'caseSensitiveKeys'
  | 'controlCharsInKeys'
  | 'copyInPlace'
  | 'bucketNameValidation'
  | 'exclusiveCreateBucket'
  | 'maxLengthSegments'
  | 'startAfterByteOrder';

/** Options of {@link describeStorageContract}. */
export interface ContractOptions {
  /**
   * Server or driver limitations beyond `capabilities`: feature name → reason. A case needing that
   * feature is skipped, and its title says `[skipped: <reason>]`.
   */
  limitations?: Partial<Record<ContractFeature, string>>;
  /** Size of the "multi-MiB" bodies, in bytes (default 5 MiB). */
  largeBodyBytes?: number;
  /**
   * Prefix for the names of the buckets the suite creates (default `'stowage-contract'`). Each case
   * uses its own fresh bucket and deletes it afterwards, so runs against a shared server do not collide.
   */
  bucketPrefix?: string;
  /** Time limit of one case in milliseconds (default 60 000). */
  timeout?: number;
  /**
   * A storage on the same backend whose requests are refused for lack of permission (`AccessDenied`).
   * Without it the `AccessDenied` cases are skipped.
   */
  deniedStorage?: () => Storage | Promise<Storage>;
  /**
   * Edits the stored bytes of an object at rest (behind the driver's back) so that a full read must
   * fail with `ChecksumMismatch`. Without it the `ChecksumMismatch` case is skipped.
   */
  corruptObject?: (bucket: string, key: string) => Promise<void>;
}

/** What a contract case gets: the storage under test and a fresh, empty bucket of its own. */
export interface CaseContext {
  storage: Storage;
  /** A bucket created for this case; it and everything in it is deleted after the case. */
  bucket: string;
  /** Creates another fresh bucket, deleted after the case. */
  newBucket(): Promise<string>;
  /** A valid bucket name nobody has created (for `NoSuchBucket` cases). */
  missingBucket(): string;
  /** The resolved options. */
  options: ResolvedOptions;
}

/** {@link ContractOptions} with defaults applied. */
export interface ResolvedOptions {
  limitations: Partial<Record<ContractFeature, string>>;
  largeBodyBytes: number;
  bucketPrefix: string;
  timeout: number;
  deniedStorage?: () => Storage | Promise<Storage>;
  corruptObject?: (bucket: string, key: string) => Promise<void>;
}

/** How a case is registered. */
export interface CaseOptions {
  /** Features the case needs; it is skipped (and says why) when one is missing. */
  needs?: ContractFeature[];
  /** A reason to skip decided by the category (a missing hook, ...). */
  skip?: string | undefined;
  /** Whether the case needs its own bucket (default true). */
  bucket?: boolean;
  /** Time limit, when longer than the default. */
  timeout?: number;
}

let bucketCounter = 0;

/** Registers the cases of one category against one storage, with gating and the fresh-bucket fixture. */
export class ContractSuite {
  readonly storage: Storage;
  readonly options: ResolvedOptions;
  /** Number of cases registered (run or skipped). */
  count = 0;

  constructor(storage: Storage, options: ContractOptions = {}) {
    this.storage = storage;
    this.options = {
      limitations: options.limitations ?? {},
      largeBodyBytes: options.largeBodyBytes ?? 5 * 1024 * 1024,
      bucketPrefix: options.bucketPrefix ?? 'stowage-contract',
      timeout: options.timeout ?? 60_000,
      ...(options.deniedStorage ? { deniedStorage: options.deniedStorage } : {}),
      ...(options.corruptObject ? { corruptObject: options.corruptObject } : {}),
    };
  }

  get capabilities(): Capabilities {
    return this.storage.capabilities;
  }

  /** True when the driver declares the capability and no limitation takes it away. */
  has(feature: ContractFeature): boolean {
    return this.missing(feature) === undefined;
  }

  /** Why `feature` is unavailable, or `undefined` when it is available. */
  missing(feature: ContractFeature): string | undefined {
    const limitation = this.options.limitations[feature];
    if (limitation !== undefined) return limitation;
    const caps = this.storage.capabilities as unknown as Record<string, unknown>;
    if (caps[feature] === false) return `driver declares no ${feature}`;
    return undefined;
  }

  /** A fresh bucket name under the prefix, unique to this process and run. */
  bucketName(): string {
    bucketCounter += 1;
    const random = Math.random().toString(36).slice(2, 8);
    const tail = `-${Date.now().toString(36)}-${bucketCounter}-${random}`;
    const prefix = this.options.bucketPrefix.slice(0, 63 - tail.length);
    return `${prefix}${tail}`;
  }

  /** Registers one case: skipped with the reason when a needed feature is missing. */
  case(title: string, fn: (ctx: CaseContext) => Promise<void>, caseOptions: CaseOptions = {}): void {
    this.count += 1;
    const reasons = [
      ...(caseOptions.skip !== undefined ? [caseOptions.skip] : []),
      ...(caseOptions.needs ?? []).map((f) => this.missing(f)).filter((r): r is string => r !== undefined),
    ];
    if (reasons.length > 0) {
      it.skip(`${title} [skipped: ${[...new Set(reasons)].join('; ')}]`, () => undefined);
      return;
    }
    it(title, () => this.run(fn, caseOptions.bucket ?? true), caseOptions.timeout ?? this.options.timeout);
  }

  private async run(fn: (ctx: CaseContext) => Promise<void>, ownBucket: boolean): Promise<void> {
    const created: string[] = [];
    const newBucket = async () => {
      const name = this.bucketName();
      await this.storage.createBucket(name);
      created.push(name);
      return name;
    };
    const bucket = ownBucket ? await newBucket() : this.bucketName();
    const ctx: CaseContext = {
      storage: this.storage,
      bucket,
      newBucket,
      missingBucket: () => this.bucketName(),
      options: this.options,
    };
    let failure: unknown;
    try {
      await fn(ctx);
    } catch (error) {
      failure = error;
    }
    const cleanupErrors: string[] = [];
    for (const name of created) {
      try {
        await emptyAndDeleteBucket(this.storage, name);
      } catch (error) {
        cleanupErrors.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (failure !== undefined) throw failure;
    if (cleanupErrors.length > 0) {
      throw new Error(`the case passed, but deleting its buckets failed: ${cleanupErrors.join('; ')}`);
    }
  }
}

/** Deletes every object of `bucket` (in batches of 1000, then one by one for any left) and the bucket. */
export async function emptyAndDeleteBucket(storage: Storage, bucket: string): Promise<void> {
  if (!(await storage.bucketExists(bucket))) return;
  for (let round = 0; round < 3; round++) {
    const keys: string[] = [];
    for await (const entry of storage.listObjects(bucket)) {
      if (entry.type === 'object') keys.push(entry.key);
    }
    if (keys.length === 0) break;
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      let left: string[];
      try {
        left = (await storage.deleteObjects(bucket, batch)).errors.map((e) => e.key);
      } catch {
        left = batch; // a batch the driver cannot send: fall back to one by one
      }
      for (const key of left) await storage.deleteObject(bucket, key);
    }
  }
  await storage.deleteBucket(bucket);
}
