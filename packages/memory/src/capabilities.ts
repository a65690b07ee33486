import { S3_CAPABILITIES, type Capabilities } from '@stowage/core';

/**
 * What `MemoryStorage` supports: every key shape S3 accepts (a key beside keys that continue it,
 * empty and dot segments, long segments, U+0000), S3's conditions and ranges, and MD5 ETags. It
 * has no URLs to presign and stores every upload whole, so it declares neither, and its ETags never
 * take the multipart `-N` form.
 */
export const MEMORY_CAPABILITIES: Readonly<Capabilities> = Object.freeze({
  ...S3_CAPABILITIES,
  presign: false,
  multipartUpload: false,
  multipartEtag: false,
});
