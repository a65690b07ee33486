import { pickContentHeaders, replacesAttributes } from './metadata.js';
import type { CopyOptions, ObjectRef, PutResult, Storage } from './storage.js';

/**
 * Copies an object between two storages (say, local disk to S3) by streaming it through this
 * process: `copyObject` only works inside one. Headers and metadata follow the same rule as a
 * copy: kept, unless the options give any, which then replace them all.
 */
export async function copyAcross(
  from: Storage,
  source: ObjectRef,
  to: Storage,
  target: ObjectRef,
  options: CopyOptions = {},
): Promise<PutResult> {
  const { signal, sourceIfMatch } = options;
  const got = await from.getObject(source.bucket, source.key, {
    ...(signal !== undefined ? { signal } : {}),
    ...(sourceIfMatch !== undefined ? { ifMatch: sourceIfMatch } : {}),
  });
  const attributes = replacesAttributes(options)
    ? { ...pickContentHeaders(options), ...(options.metadata !== undefined ? { metadata: options.metadata } : {}) }
    : { ...pickContentHeaders(got.info), metadata: got.info.metadata };
  try {
    return await to.putObject(target.bucket, target.key, got.body, {
      ...attributes,
      size: got.info.size,
      ...(signal !== undefined ? { signal } : {}),
    });
  } finally {
    got.body.destroy();
  }
}
