// Preloaded into the s3rver child process (node -r) by s3rver.ts. s3rver 3.7.1 keeps each object
// as a file named `<last key segment>._S3rver_<resource>`; when that name is over 255 bytes the
// file system refuses it and s3rver dies on the unhandled ENAMETOOLONG, taking every later test
// with it. This answers such a request with S3's own KeyTooLongError (400) instead: the request
// still fails (the test that sent it sees the server's limitation), but s3rver stays up.
'use strict';
const FilesystemStore = require('s3rver/lib/stores/filesystem.js');
const S3Error = require('s3rver/lib/models/error.js');

const NAME_MAX = 255;
const original = FilesystemStore.prototype.getResourcePath;
FilesystemStore.prototype.getResourcePath = function getResourcePath(bucket, key, resource) {
  const resourcePath = original.call(this, bucket, key, resource);
  const relative = resourcePath.slice(this.rootDirectory.length);
  if (relative.split('/').some((name) => Buffer.byteLength(name) > NAME_MAX)) {
    throw new S3Error('KeyTooLongError', `s3rver cannot store this key: a file name would be over ${NAME_MAX} bytes`);
  }
  return resourcePath;
};
