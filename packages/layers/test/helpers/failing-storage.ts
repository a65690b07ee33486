import type { ListEntry, ListOptions, ObjectInfo, Storage } from '@stowage/core';
import { ForwardingStorage } from '@stowage/layers';

/** A store whose heads fail with `error`, and whose listings fail after yielding `before` entries. */
export class FailingStorage extends ForwardingStorage {
  constructor(
    inner: Storage,
    private readonly error: unknown,
    private readonly before = 0,
  ) {
    super(inner);
  }
  override headObject(): Promise<ObjectInfo> {
    return Promise.reject(this.error);
  }
  override listObjects(bucket: string, options: ListOptions = {}): AsyncIterable<ListEntry> {
    const { inner, error, before } = this;
    return (async function* () {
      let n = 0;
      for await (const entry of inner.listObjects(bucket, options)) {
        if (n++ === before) break;
        yield entry;
      }
      throw error;
    })();
  }
}
