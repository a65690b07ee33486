// One small interface over stowage and every baseline and peer, so each case is written once and
// runs the same steps on all of them. Each adapter does what a user of that library would write:
// its own public API with its defaults, nothing tuned.
import * as nodeFs from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Storage } from '@stowage/core';
import { check, collect, MiB } from './util.js';

export type Role = 'stowage' | 'baseline' | 'peer' | 'reference';

/** What the cases need from a store. Keys use `/` between folders. */
export interface Adapter {
  readonly name: string;
  readonly role: Role;
  /** What differs from the others in what this adapter does (shown under the table). */
  readonly note?: string;
  init(): Promise<void>;
  /** Stores a stream under `key`. */
  putStream(key: string, source: Readable): Promise<void>;
  /** A stream of the object's bytes. */
  getStream(key: string): Promise<Readable>;
  put(key: string, bytes: Buffer): Promise<void>;
  get(key: string): Promise<Uint8Array>;
  /** The object's attributes (whatever the library offers: stat, meta data, size). */
  head(key: string): Promise<unknown>;
  del(key: string): Promise<void>;
  /** Lists every object; returns how many. */
  list(): Promise<number>;
  close(): Promise<void>;
}

/** The `fs` surface the raw adapters use: `node:fs` and a memfs volume both have it. */
export interface FsLike {
  createReadStream(path: string): Readable;
  createWriteStream(path: string): NodeJS.WritableStream;
  promises: {
    mkdir(path: string, options: { recursive: true }): Promise<unknown>;
    writeFile(path: string, data: Uint8Array): Promise<void>;
    readFile(path: string): Promise<Uint8Array>;
    stat(path: string): Promise<unknown>;
    lstat(path: string): Promise<unknown>;
    unlink(path: string): Promise<void>;
    readdir(
      path: string,
      options: { withFileTypes: true },
    ): Promise<{ name: string | Buffer; isDirectory(): boolean; isFile(): boolean }[]>;
  };
}

/** stowage, on any driver. */
export class StowageAdapter implements Adapter {
  readonly role: Role = 'stowage';
  storage!: Storage;

  constructor(
    readonly name: string,
    private readonly make: () => Storage | Promise<Storage>,
    readonly bucket: string,
    readonly note?: string,
  ) {}

  async init(): Promise<void> {
    this.storage = await this.make();
    if (!(await this.storage.bucketExists(this.bucket))) await this.storage.createBucket(this.bucket);
  }
  async putStream(key: string, source: Readable): Promise<void> {
    await this.storage.putObject(this.bucket, key, source);
  }
  async getStream(key: string): Promise<Readable> {
    return (await this.storage.getObject(this.bucket, key)).body;
  }
  async put(key: string, bytes: Buffer): Promise<void> {
    await this.storage.putObject(this.bucket, key, bytes);
  }
  async get(key: string): Promise<Uint8Array> {
    return (await this.storage.getObject(this.bucket, key)).bytes();
  }
  head(key: string): Promise<unknown> {
    return this.storage.headObject(this.bucket, key);
  }
  del(key: string): Promise<void> {
    return this.storage.deleteObject(this.bucket, key);
  }
  async list(): Promise<number> {
    let count = 0;
    for await (const entry of this.storage.listObjects(this.bucket)) if (entry.type === 'object') count++;
    return count;
  }
  /** One listing page: the first `limit` objects after `startAfter` (from the start without it); returns how many. */
  async page(startAfter: string | undefined, limit: number): Promise<number> {
    let count = 0;
    const options = startAfter === undefined ? { pageSize: limit } : { startAfter, pageSize: limit };
    for await (const entry of this.storage.listObjects(this.bucket, options)) {
      if (entry.type === 'object' && ++count === limit) break;
    }
    return count;
  }
  async close(): Promise<void> {
    (this.storage as { destroy?: () => void }).destroy?.();
  }
}

/**
 * A plain `Map<string, Uint8Array>` behind async methods: the floor of any store in memory, one
 * hash-table operation per call. It stores the caller's Buffer as it is (no copy), collects a stream
 * into one Buffer, hands a stored Buffer out in 64 KiB subarrays as a stream, and lists names only.
 */
export class MapAdapter implements Adapter {
  readonly role: Role = 'baseline';
  readonly note =
    "a Map<string, Uint8Array>: keeps the caller's Buffer (no copy), collects a stream into one Buffer, streams a read as 64 KiB subarrays, lists names only (no sort)";
  private map = new Map<string, Uint8Array>();

  constructor(readonly name = 'raw Map') {}

  async init(): Promise<void> {
    this.map = new Map();
  }
  private lookup(key: string): Uint8Array {
    const bytes = this.map.get(key);
    if (bytes === undefined) throw new Error(`no key ${key}`);
    return bytes;
  }
  async putStream(key: string, source: Readable): Promise<void> {
    this.map.set(key, await collect(source));
  }
  async getStream(key: string): Promise<Readable> {
    const bytes = this.lookup(key);
    function* chunks() {
      for (let offset = 0; offset < bytes.byteLength; offset += 64 * 1024) yield bytes.subarray(offset, offset + 64 * 1024);
    }
    return Readable.from(chunks(), { objectMode: false });
  }
  async put(key: string, bytes: Buffer): Promise<void> {
    this.map.set(key, bytes);
  }
  async get(key: string): Promise<Uint8Array> {
    return this.lookup(key);
  }
  async head(key: string): Promise<unknown> {
    return { size: this.lookup(key).byteLength };
  }
  async del(key: string): Promise<void> {
    this.map.delete(key);
  }
  async list(): Promise<number> {
    let count = 0;
    for (const _ of this.map.keys()) count++;
    return count;
  }
  async close(): Promise<void> {
    this.map = new Map();
  }
}

/**
 * Plain file system calls under a root: `node:fs` (the raw baseline of the local driver) or a memfs
 * volume (of the local driver on memfs). No atomic rename, no checksum, no metadata: the floor.
 */
export class RawFsAdapter implements Adapter {
  private readonly made = new Set<string>();
  private fs!: FsLike;

  constructor(
    readonly name: string,
    readonly role: Role,
    private readonly makeFs: () => Promise<FsLike>,
    private readonly root: string,
    private readonly withStat = false,
    readonly note?: string,
  ) {}

  private async path(key: string): Promise<string> {
    const file = join(this.root, key);
    const dir = dirname(file);
    if (!this.made.has(dir)) {
      await this.fs.promises.mkdir(dir, { recursive: true });
      this.made.add(dir);
    }
    return file;
  }
  async init(): Promise<void> {
    this.fs = await this.makeFs();
    await this.fs.promises.mkdir(this.root, { recursive: true });
    this.made.add(this.root);
  }
  async putStream(key: string, source: Readable): Promise<void> {
    await pipeline(source, this.fs.createWriteStream(await this.path(key)));
  }
  async getStream(key: string): Promise<Readable> {
    return this.fs.createReadStream(join(this.root, key));
  }
  async put(key: string, bytes: Buffer): Promise<void> {
    await this.fs.promises.writeFile(await this.path(key), bytes);
  }
  get(key: string): Promise<Uint8Array> {
    return this.fs.promises.readFile(join(this.root, key));
  }
  head(key: string): Promise<unknown> {
    return this.fs.promises.stat(join(this.root, key));
  }
  async del(key: string): Promise<void> {
    await this.fs.promises.unlink(join(this.root, key));
  }
  /** A walk with `readdir(withFileTypes)`; with `withStat`, an `lstat` per file too (size and mtime, as a listing returns). */
  async list(): Promise<number> {
    const walk = async (dir: string): Promise<number> => {
      let count = 0;
      for (const entry of await this.fs.promises.readdir(dir, { withFileTypes: true })) {
        const path = join(dir, String(entry.name));
        if (entry.isDirectory()) count += await walk(path);
        else if (entry.isFile()) {
          if (this.withStat) await this.fs.promises.lstat(path);
          count++;
        }
      }
      return count;
    };
    return walk(this.root);
  }
  async close(): Promise<void> {}
}

/** The AWS SDK v3 as its own docs show it: `Upload` (lib-storage) to write, `GetObject` to read. */
export class RawS3Adapter implements Adapter {
  readonly role: Role = 'baseline';
  client!: S3Client;
  private sdk!: typeof import('@aws-sdk/client-s3');

  constructor(
    readonly name: string,
    private readonly make: () => Promise<S3Client>,
    readonly bucket: string,
    private readonly transfer: { partSize: number; queueSize: number } = { partSize: 8 * MiB, queueSize: 4 },
    readonly note?: string,
  ) {}

  async init(): Promise<void> {
    this.sdk = await import('@aws-sdk/client-s3');
    this.client = await this.make();
    try {
      await this.client.send(new this.sdk.HeadBucketCommand({ Bucket: this.bucket }));
    } catch {
      await this.client.send(new this.sdk.CreateBucketCommand({ Bucket: this.bucket }));
    }
  }
  async putStream(key: string, source: Readable): Promise<void> {
    const { Upload } = await import('@aws-sdk/lib-storage');
    await new Upload({ client: this.client, params: { Bucket: this.bucket, Key: key, Body: source }, ...this.transfer }).done();
  }
  async getStream(key: string): Promise<Readable> {
    const out = await this.client.send(new this.sdk.GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return out.Body as Readable;
  }
  async put(key: string, bytes: Buffer): Promise<void> {
    await this.client.send(new this.sdk.PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes }));
  }
  async get(key: string): Promise<Uint8Array> {
    const out = await this.client.send(new this.sdk.GetObjectCommand({ Bucket: this.bucket, Key: key }));
    if (!out.Body) throw new Error('GetObject: no body');
    return out.Body.transformToByteArray();
  }
  head(key: string): Promise<unknown> {
    return this.client.send(new this.sdk.HeadObjectCommand({ Bucket: this.bucket, Key: key }));
  }
  async del(key: string): Promise<void> {
    await this.client.send(new this.sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }
  async list(): Promise<number> {
    let count = 0;
    for await (const page of this.sdk.paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket }))
      count += page.Contents?.length ?? 0;
    return count;
  }
  async close(): Promise<void> {
    this.client.destroy();
  }
}

/** flydrive 1.3.0, `Disk` over its `FSDriver`. */
export class FlydriveAdapter implements Adapter {
  readonly role: Role = 'peer';
  readonly name = 'flydrive 1.3.0 (fs)';
  private disk!: import('flydrive').Disk;

  constructor(private readonly root: string) {}

  async init(): Promise<void> {
    const { Disk } = await import('flydrive');
    const { FSDriver } = await import('flydrive/drivers/fs');
    await nodeFs.promises.mkdir(this.root, { recursive: true });
    this.disk = new Disk(new FSDriver({ location: this.root, visibility: 'private' }));
  }
  putStream(key: string, source: Readable): Promise<void> {
    return this.disk.putStream(key, source);
  }
  getStream(key: string): Promise<Readable> {
    return this.disk.getStream(key);
  }
  put(key: string, bytes: Buffer): Promise<void> {
    return this.disk.put(key, bytes);
  }
  get(key: string): Promise<Uint8Array> {
    return this.disk.getBytes(key);
  }
  head(key: string): Promise<unknown> {
    return this.disk.getMetaData(key);
  }
  del(key: string): Promise<void> {
    return this.disk.delete(key);
  }
  async list(): Promise<number> {
    const { objects } = await this.disk.listAll('', { recursive: true });
    let count = 0;
    for (const _ of objects) count++;
    return count;
  }
  async close(): Promise<void> {}
}

/** unstorage 1.17.6: a key-value API with no streams, so a stream is read whole first (and a read is one Buffer). */
export class UnstorageAdapter implements Adapter {
  readonly note = 'no stream API: writes collect the whole stream into one Buffer, reads return one Buffer';
  private storage!: import('unstorage').Storage;

  constructor(
    readonly name: string,
    private readonly root: string | undefined,
    readonly role: Role = 'peer',
  ) {}

  async init(): Promise<void> {
    const { createStorage } = await import('unstorage');
    if (this.root === undefined) {
      this.storage = createStorage();
    } else {
      const { default: fsDriver } = await import('unstorage/drivers/fs');
      await nodeFs.promises.mkdir(this.root, { recursive: true });
      this.storage = createStorage({ driver: fsDriver({ base: this.root }) });
    }
  }
  async putStream(key: string, source: Readable): Promise<void> {
    await this.storage.setItemRaw(key, await collect(source));
  }
  async getStream(key: string): Promise<Readable> {
    const { Readable } = await import('node:stream');
    return Readable.from([await this.get(key)]);
  }
  async put(key: string, bytes: Buffer): Promise<void> {
    await this.storage.setItemRaw(key, bytes);
  }
  async get(key: string): Promise<Uint8Array> {
    const value: unknown = await this.storage.getItemRaw(key);
    // The fs driver hands back some read errors (a file over 2 GiB: ERR_FS_FILE_TOO_LARGE) as the value.
    if (value instanceof Error) throw value;
    if (!(value instanceof Uint8Array)) throw new Error(`getItemRaw returned ${value === null ? 'null' : typeof value}`);
    return value;
  }
  async head(key: string): Promise<unknown> {
    return this.storage.getMeta(key);
  }
  async del(key: string): Promise<void> {
    await this.storage.removeItem(key);
  }
  async list(): Promise<number> {
    return (await this.storage.getKeys()).length;
  }
  async close(): Promise<void> {
    await this.storage.dispose();
  }
}

/** Apache OpenDAL 0.49.2 (Rust, through its N-API binding): `Operator` with its `Writer`/`Reader` streams. */
export class OpendalAdapter implements Adapter {
  readonly role: Role = 'peer';
  private op!: import('opendal').Operator;

  constructor(
    readonly name: string,
    private readonly scheme: 'fs' | 'memory',
    private readonly root: string,
  ) {}

  async init(): Promise<void> {
    const { Operator } = await import('opendal');
    if (this.scheme === 'fs') await nodeFs.promises.mkdir(this.root, { recursive: true });
    this.op = new Operator(this.scheme, { root: this.root });
  }
  async putStream(key: string, source: Readable): Promise<void> {
    const writer = await this.op.writer(key);
    await pipeline(source, writer.createWriteStream());
  }
  async getStream(key: string): Promise<Readable> {
    return (await this.op.reader(key)).createReadStream();
  }
  async put(key: string, bytes: Buffer): Promise<void> {
    await this.op.write(key, bytes);
  }
  get(key: string): Promise<Uint8Array> {
    return this.op.read(key);
  }
  head(key: string): Promise<unknown> {
    return this.op.stat(key);
  }
  del(key: string): Promise<void> {
    return this.op.delete(key);
  }
  async list(): Promise<number> {
    let count = 0;
    for (const entry of await this.op.list('', { recursive: true })) if (!entry.path().endsWith('/')) count++;
    return count;
  }
  async close(): Promise<void> {}
}

/** @tweedegolf/storage-abstraction 3.0.3 with its local adapter (errors come back as values). */
export class TweedegolfAdapter implements Adapter {
  readonly role: Role = 'peer';
  readonly name = 'storage-abstraction 3.0.3 (local)';
  private storage!: import('@tweedegolf/storage-abstraction').Storage;

  constructor(
    private readonly directory: string,
    private readonly bucket: string,
  ) {}

  async init(): Promise<void> {
    const { Storage } = await import('@tweedegolf/storage-abstraction');
    await nodeFs.promises.mkdir(this.directory, { recursive: true });
    this.storage = new Storage({ provider: 'local', directory: this.directory, bucketName: this.bucket } as never);
    const exists = check(await this.storage.bucketExists(this.bucket), 'bucketExists');
    if (!exists) check(await this.storage.createBucket(this.bucket), 'createBucket');
  }
  async putStream(key: string, source: Readable): Promise<void> {
    check(await this.storage.addFile({ bucketName: this.bucket, targetPath: key, stream: source }), 'addFile');
  }
  async getStream(key: string): Promise<Readable> {
    return check(await this.storage.getFileAsStream(this.bucket, key), 'getFileAsStream');
  }
  async put(key: string, bytes: Buffer): Promise<void> {
    check(await this.storage.addFile({ bucketName: this.bucket, targetPath: key, buffer: bytes }), 'addFile');
  }
  async get(key: string): Promise<Uint8Array> {
    return collect(await this.getStream(key));
  }
  async head(key: string): Promise<unknown> {
    return check(await this.storage.sizeOf(this.bucket, key), 'sizeOf');
  }
  async del(key: string): Promise<void> {
    check(await this.storage.removeFile(this.bucket, key), 'removeFile');
  }
  async list(): Promise<number> {
    return check(await this.storage.listFiles(this.bucket), 'listFiles').length;
  }
  async close(): Promise<void> {}
}
