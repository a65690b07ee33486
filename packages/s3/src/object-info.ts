import type { GetObjectCommandOutput, HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { DEFAULT_CONTENT_TYPE, quoteEtag, type ContentHeaders, type ObjectInfo } from '@stowage/core';
import { decodeMetadata, encodeMetadata } from './metadata.js';

/** The fields HeadObject and GetObject share. */
type ObjectOutput = Pick<
  HeadObjectCommandOutput & GetObjectCommandOutput,
  | 'ContentLength'
  | 'ETag'
  | 'LastModified'
  | 'ContentType'
  | 'ContentEncoding'
  | 'ContentDisposition'
  | 'ContentLanguage'
  | 'CacheControl'
  | 'Metadata'
>;

/** The content headers as S3 command input fields. */
export interface S3ContentHeaders {
  ContentType?: string;
  ContentEncoding?: string;
  ContentDisposition?: string;
  ContentLanguage?: string;
  CacheControl?: string;
}

/** An {@link ObjectInfo} from a HeadObject or GetObject response; `size` overrides `ContentLength` (ranged GETs). */
export function objectInfo(key: string, output: ObjectOutput, size?: number): ObjectInfo {
  const info: ObjectInfo = {
    key,
    size: size ?? output.ContentLength ?? 0,
    etag: quoteEtag(output.ETag ?? ''),
    lastModified: output.LastModified ?? new Date(0),
    metadata: decodeMetadata(output.Metadata),
  };
  if (output.ContentType !== undefined) info.contentType = output.ContentType;
  if (output.ContentEncoding !== undefined) info.contentEncoding = output.ContentEncoding;
  if (output.ContentDisposition !== undefined) info.contentDisposition = output.ContentDisposition;
  if (output.ContentLanguage !== undefined) info.contentLanguage = output.ContentLanguage;
  if (output.CacheControl !== undefined) info.cacheControl = output.CacheControl;
  return info;
}

/** Content headers and (normalized) metadata as the input fields of PutObject, CopyObject, CreateMultipartUpload. */
export function attributeInput(
  headers: ContentHeaders,
  metadata: Record<string, string>,
): S3ContentHeaders & { Metadata: Record<string, string> } {
  const input: S3ContentHeaders & { Metadata: Record<string, string> } = { Metadata: encodeMetadata(metadata) };
  // Sent even when not given: servers fill in different defaults (AWS binary/octet-stream, others
  // application/octet-stream), and every driver reports the same one.
  input.ContentType = headers.contentType ?? DEFAULT_CONTENT_TYPE;
  if (headers.contentEncoding !== undefined) input.ContentEncoding = headers.contentEncoding;
  if (headers.contentDisposition !== undefined) input.ContentDisposition = headers.contentDisposition;
  if (headers.contentLanguage !== undefined) input.ContentLanguage = headers.contentLanguage;
  if (headers.cacheControl !== undefined) input.CacheControl = headers.cacheControl;
  return input;
}
