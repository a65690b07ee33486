import { Readable } from 'node:stream';
import {
  createGetResult,
  normalizeBody,
  type BodyInput,
  type BucketInfo,
  type Capabilities,
  type CopyOptions,
  type DeleteObjectsResult,
  type GetOptions,
  type GetResult,
  type HeadOptions,
  type ListEntry,
  type ListOptions,
  type ObjectInfo,
  type ObjectRef,
  type PutOptions,
  type PutResult,
  type Signal,
  type Storage,
} from '@stowage/core';

/** What a test wants to happen to one `getObject` call (before it reaches the driver). */
export type GetFault =
  /** The body stream errors (like a dropped connection) after this many bytes. */
  | { dropAfter: number }
  /** Runs before the call goes to the driver (e.g. overwrites the object, aborts a controller). */
  | { before: () => Promise<void> | void };

/**
 * FAULT INJECTION, not a mock: a real driver behind a wrapper that records every `getObject` and
 * `putObject` call and can make chosen `getObject` calls fail the way a network does. Everything
 * else goes straight to the driver.
 */
export class FaultyStorage implements Storage {
  readonly gets: { key: string; options: GetOptions }[] = [];
  readonly puts: { key: string; options: PutOptions }[] = [];
  /** Faults by call number (0 = the first getObject). */
  readonly faults = new Map<number, GetFault>();
  /** Faults for every call whose range starts at this offset, first call only. */
  readonly faultsAtOffset = new Map<number, GetFault>();
  /** Called with the bytes the driver has pulled from a put's body so far (to abort mid-upload). */
  onPutBytes: ((loaded: number) => void) | undefined;
  private inFlight = 0;
  maxInFlight = 0;

  constructor(readonly inner: Storage) {}

  get name(): string {
    return this.inner.name;
  }
  /** Capabilities to deny, to run the paths a lesser driver takes (no ranges, no If-Match). */
  deny: Partial<Capabilities> = {};

  get capabilities(): Capabilities {
    return { ...this.inner.capabilities, ...this.deny };
  }

  async getObject(bucket: string, key: string, options: GetOptions = {}): Promise<GetResult> {
    const index = this.gets.length;
    this.gets.push({ key, options });
    const offset = options.range && 'offset' in options.range ? options.range.offset : undefined;
    let fault = this.faults.get(index);
    if (!fault && offset !== undefined && this.faultsAtOffset.has(offset)) {
      fault = this.faultsAtOffset.get(offset);
      this.faultsAtOffset.delete(offset);
    }
    if (fault && 'before' in fault) await fault.before();
    const result = await this.inner.getObject(bucket, key, options);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const done = () => {
      this.inFlight--;
    };
    result.body.once('close', done);
    if (!fault || !('dropAfter' in fault)) return result;
    return createGetResult(result.info, dropAfter(result.body, fault.dropAfter), result.range);
  }

  putObject(bucket: string, key: string, body: BodyInput, options: PutOptions = {}): Promise<PutResult> {
    this.puts.push({ key, options });
    const watch = this.onPutBytes;
    if (!watch) return this.inner.putObject(bucket, key, body, options);
    // The driver pulls the body through this generator, so `watch` sees the bytes as they go in.
    const chunks = normalizeBody(body).chunks;
    async function* watched() {
      let loaded = 0;
      for await (const chunk of chunks) {
        loaded += chunk.byteLength;
        watch?.(loaded);
        yield chunk;
      }
    }
    return this.inner.putObject(bucket, key, watched(), options);
  }

  listBuckets(options?: Signal): Promise<BucketInfo[]> {
    return this.inner.listBuckets(options);
  }
  createBucket(bucket: string, options?: Signal): Promise<void> {
    return this.inner.createBucket(bucket, options);
  }
  deleteBucket(bucket: string, options?: Signal): Promise<void> {
    return this.inner.deleteBucket(bucket, options);
  }
  bucketExists(bucket: string, options?: Signal): Promise<boolean> {
    return this.inner.bucketExists(bucket, options);
  }
  headObject(bucket: string, key: string, options?: HeadOptions): Promise<ObjectInfo> {
    return this.inner.headObject(bucket, key, options);
  }
  deleteObject(bucket: string, key: string, options?: Signal): Promise<void> {
    return this.inner.deleteObject(bucket, key, options);
  }
  deleteObjects(bucket: string, keys: string[], options?: Signal): Promise<DeleteObjectsResult> {
    return this.inner.deleteObjects(bucket, keys, options);
  }
  copyObject(source: ObjectRef, target: ObjectRef, options?: CopyOptions): Promise<PutResult> {
    return this.inner.copyObject(source, target, options);
  }
  listObjects(bucket: string, options?: ListOptions): AsyncIterable<ListEntry> {
    return this.inner.listObjects(bucket, options);
  }
}

/** A stream with the first `limit` bytes of `body`, then an `ECONNRESET` error, as a cut connection gives. */
function dropAfter(body: Readable, limit: number): Readable {
  async function* cut() {
    let sent = 0;
    try {
      for await (const chunk of body as AsyncIterable<Uint8Array>) {
        const room = limit - sent;
        if (chunk.byteLength >= room) {
          if (room > 0) yield chunk.subarray(0, room);
          throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
        }
        sent += chunk.byteLength;
        yield chunk;
      }
    } finally {
      body.destroy();
    }
  }
  return Readable.from(cut(), { objectMode: false });
}
