import type { ContentHeaders } from '@stowage/core';
import { errnoCode, type FsPromises } from './fs-api.js';

/** What the driver keeps beside each object's bytes. */
export interface SidecarRecord {
  v: 2;
  /** Bytes written: a data file of another size was changed at rest. */
  size: number;
  /** Hex XXH3-128 of the bytes (see digest.ts): the ETag, and the check on full reads. */
  digest: string;
  headers: ContentHeaders;
  metadata: Record<string, string>;
}

/**
 * Reads the record written for a data file; `undefined` when there is none (a file someone put in
 * the tree by hand, or a record removed by a concurrent overwrite).
 */
export async function readSidecar(fs: FsPromises, file: string): Promise<SidecarRecord | undefined> {
  let raw: Uint8Array;
  try {
    raw = await fs.readFile(file);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const record = JSON.parse(Buffer.from(raw).toString('utf8')) as SidecarRecord;
    return record.v === 2 ? record : undefined;
  } catch {
    return undefined; // torn by a crash mid-write: the data it describes was never renamed into place
  }
}

/** Serialises a record. */
export function encodeSidecar(record: SidecarRecord): string {
  return JSON.stringify(record);
}
