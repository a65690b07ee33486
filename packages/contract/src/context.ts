import { it } from 'vitest';
import type { BooleanCapability, Capabilities, Storage } from '@stowage/core';

export type { BooleanCapability };

/** Why capabilities are missing: capability name → reason, quoted in the titles of the skipped cases. */
export type CapabilityReasons = Partial<Record<BooleanCapability, string>>;

/** Options of {@link describeStorageContract}. */
export interface ContractOptions {
  /**
   * Why the storage lacks what it declares `false`: capability name → reason. A case needing a
   * missing capability is skipped and its title says `[skipped: <reason>]` (without a reason here:
   * `driver declares no <capability>`). Reasons only explain: what runs is decided by
   * `storage.capabilities` alone, so a reason for a capability the storage has changes nothing.
   */
  reasons?: CapabilityReasons;
  /**
   * Whether to run the multi-MiB cases (uploads of each body form, large reads and copies,
   * aborted multipart uploads). Default `true`; `false` makes a quick run.
   */
  largeBodies?: boolean;
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
   * fail with `ChecksumMismatch`. Without it the `ChecksumMismatch` cases are skipped: give it only
   * for a driver that checks what it reads.
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
  reasons: CapabilityReasons;
  largeBodies: boolean;
  largeBodyBytes: number;
  bucketPrefix: string;
  timeout: number;
  deniedStorage?: () => Storage | Promise<Storage>;
  corruptObject?: (bucket: string, key: string) => Promise<void>;
}

/** How a case is registered. */
export interface CaseOptions {
  /** Capabilities the case needs; it is skipped (and says why) when the storage declares one `false`. */
  needs?: BooleanCapability[];
  /** The case uploads or reads multi-MiB bodies: skipped when the `largeBodies` option is off. */
  large?: boolean;
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
      reasons: options.reasons ?? {},
      largeBodies: options.largeBodies ?? true,
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

  /** True when the storage declares the capability. */
  has(capability: BooleanCapability): boolean {
    return this.storage.capabilities[capability] !== false;
  }

  /** Why `capability` is unavailable (the given reason, or a default naming it), or `undefined` when it is available. */
  missing(capability: BooleanCapability): string | undefined {
    if (this.has(capability)) return undefined;
    return this.options.reasons[capability] ?? `driver declares no ${capability}`;
  }

  /** A fresh bucket name under the prefix, unique to this process and run. */
  bucketName(): string {
    bucketCounter += 1;
    const random = Math.random().toString(36).slice(2, 8);
    const tail = `-${Date.now().toString(36)}-${bucketCounter}-${random}`;
    const prefix = this.options.bucketPrefix.slice(0, 63 - tail.length);
    return `${prefix}${tail}`;
  }

  /** Registers one case: skipped with the reason when a needed capability is missing. */
  case(title: string, fn: (ctx: CaseContext) => Promise<void>, caseOptions: CaseOptions = {}): void {
    this.count += 1;
    const reasons = [
      ...(caseOptions.skip !== undefined ? [caseOptions.skip] : []),
      ...(caseOptions.large && !this.options.largeBodies ? ['the multi-MiB cases are off (largeBodies: false)'] : []),
      ...(caseOptions.needs ?? []).map((c) => this.missing(c)).filter((r): r is string => r !== undefined),
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
