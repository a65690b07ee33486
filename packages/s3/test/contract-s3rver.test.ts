// The shared contract suite against s3rver 3.7.1, started here on a free port of 127.0.0.1 in every
// run (no set-up). s3rver is a fast smoke server, not an oracle: what it cannot do is declared
// below, each with the missing server feature named; Ceph RGW runs the whole suite (contract-ceph).
import { describeStorageContract } from '@stowage/contract';
import { S3Storage } from '@stowage/s3';
import { afterAll } from 'vitest';
import { CONTRACT_TRANSFER, UNKNOWN_CREDENTIALS } from './servers/contract-options.ts';
import { type S3rver, S3RVER_KEY_CAPABILITIES, startS3rver } from '@stowage/testing';

let server: S3rver | undefined;
const storages: S3Storage[] = [];
afterAll(async () => {
  for (const s of storages) s.destroy();
  await server?.stop();
});

function storage(credentials: { accessKeyId: string; secretAccessKey: string }, endpoint: string): S3Storage {
  const s = new S3Storage({
    endpoint,
    credentials,
    ...CONTRACT_TRANSFER,
    capabilities: S3RVER_KEY_CAPABILITIES,
  });
  storages.push(s);
  return s;
}

describeStorageContract(
  's3 on s3rver 3.7.1',
  async () => {
    server = await startS3rver();
    return storage(server.credentials, server.endpoint);
  },
  {
    bucketPrefix: 'stowage-s3rver',
    deniedStorage: () => storage(UNKNOWN_CREDENTIALS, (server as S3rver).endpoint),
    limitations: {
      // Key shapes: declared as capabilities above too, so the driver rejects them (InvalidKey).
      emptySegments: 's3rver 3.7.1 stores objects as files: a key with an empty segment is no file path',
      dotSegments: 's3rver 3.7.1 stores objects as files: a `.` or `..` segment names another folder',
      longSegments: 's3rver 3.7.1 stores objects as files: a file name over 255 bytes crashes it (ENAMETOOLONG)',
      nulInKeys: 's3rver 3.7.1 answers 500 InternalError to a key holding U+0000',
      conditionalPut: 's3rver 3.7.1 ignores If-None-Match and If-Match on PUT (it overwrites)',
      ifMatchOnPut: 's3rver 3.7.1 ignores If-Match on PUT',
      listPagination: 's3rver 3.7.1 skips keys in pages of MaxKeys < 1000 when its file-walk order differs from byte order',
      paginationOrder: 's3rver 3.7.1 pages in file-walk order, not key order, below MaxKeys 1000',
      multipartAbort: 's3rver 3.7.1 has no AbortMultipartUpload (405) or ListMultipartUploads (501)',
      controlCharsInKeys:
        's3rver 3.7.1 ignores EncodingType=url: listed keys with control characters go through XML 1.0, which cannot carry most of them and turns CR into LF',
      largeBodies:
        's3rver 3.7.1 acknowledges a PUT or UploadPart before its file is fully written (it resolves on its hashing stream, not the file), so a multi-MiB read right after can see a short object',
      concurrentWrites:
        "s3rver 3.7.1 writes an object's file and its metadata file separately and in place: concurrent writers to one key can leave one writer's body under another's metadata",
      readIsolation: 's3rver 3.7.1 rewrites an object file in place: a read in flight during an overwrite is cut off',
      maxLengthSegments:
        "s3rver 3.7.1 stores an object as a file named after its last segment plus '._S3rver_metadata.json': a 255-byte segment makes a name the disk refuses",
      startAfterByteOrder: 's3rver 3.7.1 compares StartAfter in UTF-16 order, not by UTF-8 bytes',
    },
  },
);
