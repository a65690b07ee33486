import type { ContentHeaders } from '@stowage/core';
import { errnoCode, type FsFileHandle, type FsPromises } from './fs-api.js';

/** What the driver keeps beside each object's bytes. */
export interface SidecarRecord {
  v: 2;
  /** Bytes written: a data file of another size was changed at rest. */
  size: number;
  /** Hex XXH3-128 of the bytes (see digest.ts): the ETag, and the check on full reads. */
  digest: string;
  headers: ContentHeaders;
  metadata: Record<string, string>;
  /**
   * When a folder marker was put (ms since the epoch): a marker's folder changes its own time
   * whenever objects under it come and go. Files have none; their time is the file's.
   */
  modified?: number;
}

// Records are a few hundred bytes; metadata (≤ 2 KiB on S3) and headers fit this in one read.
const FIRST_READ_BYTES = 8 * 1024;

/**
 * Reads the record written for a data file; `undefined` when there is none (a file someone put in
 * the tree by hand, or a record removed by a concurrent overwrite). One open, one read, one close:
 * `readFile` would add an `fstat` and a read to end of file, each a thread-pool trip.
 */
export async function readSidecar(fs: FsPromises, file: string): Promise<SidecarRecord | undefined> {
  let handle: FsFileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  let raw: Buffer;
  try {
    raw = await readToEnd(handle);
  } finally {
    await handle.close();
  }
  try {
    const record = JSON.parse(raw.toString('utf8')) as SidecarRecord;
    return record.v === 2 ? record : undefined;
  } catch {
    return undefined; // torn by a crash mid-write: the data it describes was never renamed into place
  }
}

async function readToEnd(handle: FsFileHandle): Promise<Buffer> {
  let buffer = Buffer.allocUnsafe(FIRST_READ_BYTES);
  let length = 0;
  for (;;) {
    if (length === buffer.byteLength) {
      const bigger = Buffer.allocUnsafe(buffer.byteLength * 2);
      buffer.copy(bigger, 0, 0, length);
      buffer = bigger;
    }
    const { bytesRead } = await handle.read(buffer, length, buffer.byteLength - length, length);
    if (bytesRead === 0) return buffer.subarray(0, length);
    length += bytesRead;
    // A short read of a small file is its end: skip the read that would return 0.
    if (length < buffer.byteLength) return buffer.subarray(0, length);
  }
}

/** Serialises a record. */
export function encodeSidecar(record: SidecarRecord): string {
  return JSON.stringify(record);
}
