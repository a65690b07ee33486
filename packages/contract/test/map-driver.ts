// A complete stowage driver: objects in a Map per bucket. The front door checks every input, counts
// the body, maps errors and watches the signal; the driver keeps S3's rules on its own state.
import { createHash } from 'node:crypto';
import * as core from '@stowage/core';
import type { CopyOptions, CountedBody, GetOptions, HeadOptions, ListOptions, ObjectInfo, ObjectRef, PutOptions } from '@stowage/core';

type Objects = Map<string, { info: ObjectInfo; bytes: Buffer }>;
const fail = (code: core.ErrorCode, why: string, bucket: string, key?: string) => new core.StorageError(code, why, { bucket, key });
function found<T>(value: T | undefined, missing: () => Error): T {
  if (value === undefined) throw missing();
  return value;
}

export class MapDriver implements core.StorageDriver {
  readonly name = 'map';
  readonly capabilities = { ...core.S3_CAPABILITIES, presign: false, multipartUpload: false, multipartEtag: false };
  private readonly buckets = new Map<string, { createdAt: Date; objects: Objects }>();

  private bucket(name: string): Objects {
    return found(this.buckets.get(name)?.objects, () => fail('NoSuchBucket', `no bucket ${name}`, name));
  }
  private object(bucket: string, key: string, conditions: core.ReadConditions = {}) {
    const object = found(this.bucket(bucket).get(key), () => fail('NoSuchKey', `no object ${key}`, bucket, key));
    core.checkReadConditions(object.info, conditions, { bucket, key });
    return { info: structuredClone(object.info), bytes: object.bytes };
  }
  private store(bucket: string, key: string, bytes: Buffer, from: core.ContentHeaders & { metadata?: Record<string, string> }) {
    const etag = `"${createHash('md5').update(bytes).digest('hex')}"`;
    const attributes = { contentType: core.DEFAULT_CONTENT_TYPE, ...core.pickContentHeaders(from), metadata: { ...from.metadata } };
    this.bucket(bucket).set(key, { info: { key, size: bytes.length, etag, lastModified: new Date(), ...attributes }, bytes });
    return { etag, size: bytes.length };
  }

  async listBuckets() {
    return [...this.buckets].map(([name, { createdAt }]) => ({ name, createdAt })).sort((a, b) => core.compareKeys(a.name, b.name));
  }
  async createBucket(name: string) {
    if (this.buckets.has(name)) throw fail('BucketAlreadyExists', `bucket ${name} exists`, name);
    this.buckets.set(name, { createdAt: new Date(), objects: new Map() });
  }
  async deleteBucket(name: string) {
    if (this.bucket(name).size > 0) throw fail('BucketNotEmpty', `bucket ${name} is not empty`, name);
    this.buckets.delete(name);
  }
  async bucketExists(name: string) {
    return this.buckets.has(name);
  }
  async putObject(bucket: string, key: string, body: CountedBody, options: PutOptions) {
    const chunks: Uint8Array[] = [];
    for await (const chunk of body.chunks()) chunks.push(chunk);
    core.checkPutConditions(this.bucket(bucket).get(key)?.info, options, { bucket, key });
    return this.store(bucket, key, Buffer.concat(chunks), options);
  }
  async getObject(bucket: string, key: string, options: GetOptions) {
    const { info, bytes } = this.object(bucket, key, options);
    return core.bytesRead(info, bytes, options.range && core.resolveRange(options.range, info.size, { bucket, key }));
  }
  async headObject(bucket: string, key: string, options: HeadOptions) {
    return this.object(bucket, key, options).info;
  }
  async deleteObject(bucket: string, key: string) {
    this.bucket(bucket).delete(key);
  }
  async deleteObjects(bucket: string, keys: string[]) {
    for (const key of keys) this.bucket(bucket).delete(key);
    return { deleted: keys, errors: [] };
  }
  async copyObject(source: ObjectRef, target: ObjectRef, options: CopyOptions) {
    this.bucket(target.bucket);
    const { info, bytes } = this.object(source.bucket, source.key, { ifMatch: options.sourceIfMatch });
    return this.store(target.bucket, target.key, bytes, core.replacesAttributes(options) ? options : info);
  }
  async *listObjects(bucket: string, options: ListOptions & { prefix: string }) {
    const infos = [...this.bucket(bucket).values()].map((object) => structuredClone(object.info));
    yield* core.listSorted(
      infos.sort((a, b) => core.compareKeys(a.key, b.key)),
      options,
    );
  }
}
