import { StorageError, type StorageErrorDetails } from './errors.js';
import type { ObjectInfo, PutOptions, ReadConditions } from './storage.js';

/** An ETag without quotes or a weak prefix, for comparing. */
export function bareEtag(etag: string): string {
  const strong = etag.startsWith('W/') ? etag.slice(2) : etag;
  return strong.length >= 2 && strong.startsWith('"') && strong.endsWith('"') ? strong.slice(1, -1) : strong;
}

/** An ETag in S3's quoted form. */
export function quoteEtag(etag: string): string {
  return `"${bareEtag(etag)}"`;
}

/** True when `condition` (`*`, one ETag, or a comma-separated list) names `etag`. */
export function etagMatches(condition: string, etag: string): boolean {
  const wanted = bareEtag(etag);
  return condition.split(',').some((c) => {
    const t = c.trim();
    return t === '*' || bareEtag(t) === wanted;
  });
}

// HTTP dates have whole seconds; compare at that precision as servers do.
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/**
 * Applies `If-*` read conditions to an object, in RFC 9110's order (which S3 follows): `ifMatch`
 * before `ifUnmodifiedSince` (412), `ifNoneMatch` before `ifModifiedSince` (304).
 */
export function checkReadConditions(info: ObjectInfo, conditions: ReadConditions, details: StorageErrorDetails = {}): void {
  const { ifMatch, ifNoneMatch, ifModifiedSince, ifUnmodifiedSince } = conditions;
  if (ifMatch !== undefined) {
    if (!etagMatches(ifMatch, info.etag)) {
      throw new StorageError('PreconditionFailed', `the object's ETag ${info.etag} does not match ${ifMatch}`, details);
    }
  } else if (ifUnmodifiedSince !== undefined && seconds(info.lastModified) > seconds(ifUnmodifiedSince)) {
    throw new StorageError('PreconditionFailed', `the object was modified after ${ifUnmodifiedSince.toISOString()}`, details);
  }
  if (ifNoneMatch !== undefined) {
    if (etagMatches(ifNoneMatch, info.etag)) {
      throw new StorageError('NotModified', `the object's ETag is ${info.etag}: not modified`, details);
    }
  } else if (ifModifiedSince !== undefined && seconds(info.lastModified) <= seconds(ifModifiedSince)) {
    throw new StorageError('NotModified', `the object was not modified since ${ifModifiedSince.toISOString()}`, details);
  }
}

/** Applies `ifMatch`/`ifNoneMatch: '*'` of a write to the object it would replace (`undefined`: none). */
export function checkPutConditions(
  current: { etag: string } | undefined,
  options: Pick<PutOptions, 'ifMatch' | 'ifNoneMatch'>,
  details: StorageErrorDetails = {},
): void {
  if (options.ifNoneMatch === '*' && current) {
    throw new StorageError('PreconditionFailed', 'an object already exists under this key (ifNoneMatch: "*")', details);
  }
  if (options.ifMatch !== undefined) {
    if (!current) {
      throw new StorageError('PreconditionFailed', `no object exists to match ETag ${options.ifMatch}`, details);
    }
    if (!etagMatches(options.ifMatch, current.etag)) {
      throw new StorageError('PreconditionFailed', `the object's ETag ${current.etag} does not match ${options.ifMatch}`, details);
    }
  }
}

/** Throws `InvalidArgument` for a put option no backend accepts. */
export function assertPutOptions(options: PutOptions, details: StorageErrorDetails = {}): void {
  if (options.ifNoneMatch !== undefined && options.ifNoneMatch !== '*') {
    throw new StorageError('InvalidArgument', 'ifNoneMatch on a write may only be "*"', details);
  }
  if (options.ifMatch !== undefined && typeof options.ifMatch !== 'string') {
    throw new StorageError('InvalidArgument', 'ifMatch must be an ETag string', details);
  }
  wholeNumber('size', options.size, 0, details);
  wholeNumber('multipartThreshold', options.multipartThreshold, 0, details);
  wholeNumber('partSize', options.partSize, 1, details);
  wholeNumber('concurrency', options.concurrency, 1, details);
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new StorageError('InvalidArgument', 'onProgress must be a function', details);
  }
}

function wholeNumber(name: string, value: number | undefined, min: number, details: StorageErrorDetails): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < min)) {
    throw new StorageError('InvalidArgument', `${name} must be a whole number ≥ ${min}`, details);
  }
}

/** Throws `InvalidArgument` for read conditions of the wrong type: ETags must be strings, dates valid `Date`s. */
export function assertReadConditions(conditions: ReadConditions, details: StorageErrorDetails = {}): void {
  for (const name of ['ifMatch', 'ifNoneMatch'] as const) {
    const value = conditions[name];
    if (value !== undefined && typeof value !== 'string')
      throw new StorageError('InvalidArgument', `${name} must be an ETag string`, details);
  }
  for (const name of ['ifModifiedSince', 'ifUnmodifiedSince'] as const) {
    const value = conditions[name];
    if (value !== undefined && !(value instanceof Date && !Number.isNaN(value.getTime()))) {
      throw new StorageError('InvalidArgument', `${name} must be a valid Date`, details);
    }
  }
}
