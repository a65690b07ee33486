import { nodeOnly } from './errors.js';
import type { Storage } from './storage.js';
import type { TransferResult } from './transfer-config.js';
import type { UploadFileOptions } from './upload-file.js';

/** The web variant of `upload-file.ts`: there are no files on disk to read, and no table of file names. */

export async function guessContentType(_path: string): Promise<string | undefined> {
  throw nodeOnly('guessContentType');
}

export async function uploadFile(
  _storage: Storage,
  _bucket: string,
  _key: string,
  _path: string,
  _options?: UploadFileOptions,
): Promise<TransferResult> {
  throw nodeOnly('uploadFile (a file on disk)');
}
