import type { ContentHeaders } from '@stowage/core';
import { errnoCode, type FsPromises, type FsStats } from './fs-api.js';

/** What the driver keeps beside each object's bytes. */
export interface SidecarRecord {
  v: 1;
  size: number;
  /** Hex MD5 of the bytes: the ETag, and a check on full reads. */
  md5: string;
  headers: ContentHeaders;
  metadata: Record<string, string>;
}

/**
 * Reads the record written for the data file `stat` describes; `undefined` when there is none (a
 * file someone put in the tree by hand, or a record removed by a concurrent overwrite).
 */
export async function readSidecar(fs: FsPromises, file: string, stat: FsStats): Promise<SidecarRecord | undefined> {
  let raw: Uint8Array;
  try {
    raw = await fs.readFile(file);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const record = JSON.parse(Buffer.from(raw).toString('utf8')) as SidecarRecord;
    return record.v === 1 && record.size === stat.size ? record : undefined;
  } catch {
    return undefined;
  }
}

/** Serialises a record. */
export function encodeSidecar(record: SidecarRecord): string {
  return JSON.stringify(record);
}
