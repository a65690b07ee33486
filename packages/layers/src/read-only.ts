import {
  type BodyInput,
  type CopyOptions,
  type DeleteObjectsResult,
  type ObjectRef,
  type PresignOptions,
  type PutOptions,
  type PutResult,
  type Signal,
  StorageError,
  describeLocation,
} from '@stowage/core';
import { ForwardingStorage, type Layer } from './layer.js';

/**
 * A read-only view of a store: every write (`createBucket`, `deleteBucket`, `putObject`,
 * `copyObject`, `deleteObject`, `deleteObjects`) and a presigned `PUT` URL reject with
 * `AccessDenied` before any I/O, whatever their arguments: the inner store is never called and a
 * put's body is never read (a stream given to a refused put is left as it was, for the caller to
 * close). Reads (`getObject`, `headObject`, `listObjects`, `listBuckets`, `bucketExists`, a
 * presigned `GET`) pass through unchanged, as do `capabilities`.
 *
 * @example
 * const archive = layered(new LocalStorage({ root: '/srv/archive' }), readOnly());
 * await archive.getObject('reports', '2024.pdf'); // reads as before
 * await archive.deleteObject('reports', '2024.pdf'); // rejects AccessDenied
 */
export function readOnly(): Layer {
  return (inner) => new ReadOnlyStorage(inner);
}

/** The refusal of one write, naming where it was aimed when the names are strings. */
function denied(operation: string, bucket?: unknown, key?: unknown): Promise<never> {
  const details = {
    ...(typeof bucket === 'string' ? { bucket } : {}),
    ...(typeof key === 'string' ? { key } : {}),
  };
  const where = describeLocation(details.bucket, details.key);
  const message = `${operation}${where ? ` ${where}` : ''} is refused: the store is read-only`;
  return Promise.reject(new StorageError('AccessDenied', message, details));
}

/** A store whose writes are refused; see {@link readOnly}. */
class ReadOnlyStorage extends ForwardingStorage {
  override createBucket(bucket: string, _options?: Signal): Promise<void> {
    return denied('createBucket', bucket);
  }
  override deleteBucket(bucket: string, _options?: Signal): Promise<void> {
    return denied('deleteBucket', bucket);
  }
  override putObject(bucket: string, key: string, _body: BodyInput, _options?: PutOptions): Promise<PutResult> {
    return denied('putObject', bucket, key);
  }
  override copyObject(_source: ObjectRef, target: ObjectRef, _options?: CopyOptions): Promise<PutResult> {
    return denied('copyObject', target?.bucket, target?.key);
  }
  override deleteObject(bucket: string, key: string, _options?: Signal): Promise<void> {
    return denied('deleteObject', bucket, key);
  }
  override deleteObjects(bucket: string, _keys: string[], _options?: Signal): Promise<DeleteObjectsResult> {
    return denied('deleteObjects', bucket);
  }
  protected override presignObject(bucket: string, key: string, options: PresignOptions): Promise<string> {
    // A PUT URL is a write by another hand: refused like one. Anything else is the inner store's to judge.
    if (typeof options === 'object' && options !== null && options.method === 'PUT') return denied('presign PUT', bucket, key);
    return super.presignObject(bucket, key, options);
  }
}
