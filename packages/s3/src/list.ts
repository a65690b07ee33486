import { ListObjectsV2Command, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { compareKeys, quoteEtag, StorageError, type ListEntry, type ListOptions } from '@stowage/core';
import { call, type DriverContext } from './send.js';

/** S3's largest page. */
export const MAX_PAGE_SIZE = 1000;

/**
 * Decodes a value of a listing asked for with `EncodingType=url`. S3 encodes like an HTML form
 * (a space is `+`, a plus is `%2B`), as botocore's `unquote_plus` assumes.
 */
export function decodeListValue(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/** The entries of one ListObjectsV2 page, objects and common prefixes merged in key order. */
export function pageEntries(page: ListObjectsV2CommandOutput): ListEntry[] {
  // Keys travel url-encoded so that characters XML 1.0 cannot hold (U+0000, most controls)
  // survive; servers that ignore EncodingType say so by leaving it out of the response.
  const decode = page.EncodingType === 'url' ? decodeListValue : (v: string) => v;
  const entries: ListEntry[] = [];
  for (const object of page.Contents ?? []) {
    if (object.Key === undefined) continue;
    entries.push({
      type: 'object',
      key: decode(object.Key),
      size: object.Size ?? 0,
      etag: quoteEtag(object.ETag ?? ''),
      lastModified: object.LastModified ?? new Date(0),
      // S3's listing has no user metadata; headObject has it.
      metadata: {},
    });
  }
  for (const common of page.CommonPrefixes ?? []) {
    if (common.Prefix !== undefined) entries.push({ type: 'prefix', prefix: decode(common.Prefix) });
  }
  const sortKey = (e: ListEntry) => (e.type === 'object' ? e.key : e.prefix);
  return entries.sort((a, b) => compareKeys(sortKey(a), sortKey(b)));
}

/**
 * Lists a bucket through ListObjectsV2, one page per request, each fetched only when the entries
 * before it have been consumed (breaking out of the loop fetches nothing more).
 */
export async function* listObjects(ctx: DriverContext, bucket: string, options: ListOptions): AsyncGenerator<ListEntry> {
  const { prefix, delimiter, startAfter, pageSize, signal } = options;
  let continuationToken: string | undefined;
  do {
    const token = continuationToken;
    const page = await call(ctx, { operation: 'ListObjectsV2', bucket, signal }, (abortSignal) =>
      ctx.client.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          EncodingType: 'url',
          ...(prefix ? { Prefix: prefix } : {}),
          ...(delimiter ? { Delimiter: delimiter } : {}),
          // After the first page the token carries the position; StartAfter would be ignored.
          ...(startAfter && token === undefined ? { StartAfter: startAfter } : {}),
          ...(pageSize !== undefined ? { MaxKeys: Math.min(pageSize, MAX_PAGE_SIZE) } : {}),
          ...(token !== undefined ? { ContinuationToken: token } : {}),
        }),
        { abortSignal },
      ),
    );
    yield* pageEntries(page);
    continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    if (page.IsTruncated && continuationToken === undefined) {
      throw new StorageError('Unavailable', `ListObjectsV2 ${bucket}: a truncated page came without a continuation token`, { bucket });
    }
  } while (continuationToken !== undefined);
}
