import type { DownloadFileOptions } from './download-file.js';
import { nodeOnly } from './errors.js';
import type { Storage } from './storage.js';
import type { TransferResult } from './transfer-config.js';

/** The web variant of `download-file.ts`: there is no disk to write a file to. */

export async function downloadFile(
  _storage: Storage,
  _bucket: string,
  _key: string,
  _path: string,
  _options?: DownloadFileOptions,
): Promise<TransferResult> {
  throw nodeOnly('downloadFile (a file on disk)');
}
