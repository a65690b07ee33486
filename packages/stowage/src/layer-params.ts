import { StorageError, type Storage, parseDuration } from '@stowage/core';
import type { Layer } from '@stowage/layers';

/** The layers a storage URL can ask for, on any scheme (`&prefix=tenant-a/&retries=5&timeout=30s`). */
export interface LayerParams {
  /** `prefix=`: every key lives under this prefix (`prefixed`). */
  prefix?: string;
  /** `retries=`: transient failures are retried this many times (`retry`, `maxAttempts` = retries + 1). */
  retries?: number;
  /** `timeout=` (`500ms`, `30s`, `2m`): each attempt's deadline, in milliseconds (`timeout`). */
  timeoutMs?: number;
  /** `readOnly=true`: every write is refused with `AccessDenied` (`readOnly`). */
  readOnly?: boolean;
}

/** The parameter names {@link takeLayerParams} reads. */
export const LAYER_PARAM_NAMES = ['prefix', 'retries', 'timeout', 'readOnly'] as const;

function invalid(message: string): StorageError {
  return new StorageError('InvalidArgument', message);
}

/**
 * Takes the layer parameters out of a URL's parameters (so the scheme's own check sees only its
 * own), checked: a bad value is `InvalidArgument` naming the parameter, never quoting the value.
 */
export function takeLayerParams(params: Map<string, string>, scheme: string): LayerParams | undefined {
  const found: LayerParams = {};
  const prefix = params.get('prefix');
  if (prefix !== undefined) {
    if (prefix === '') throw invalid(`parameter "prefix" of the ${scheme}: URL must not be empty`);
    found.prefix = prefix;
  }
  const retries = params.get('retries');
  if (retries !== undefined) {
    if (!/^\d{1,2}$/.test(retries)) throw invalid(`parameter "retries" of the ${scheme}: URL must be a whole number from 0 to 99`);
    found.retries = Number(retries);
  }
  const duration = params.get('timeout');
  if (duration !== undefined) {
    const ms = parseDuration(duration);
    if (ms === undefined) throw invalid(`parameter "timeout" of the ${scheme}: URL must be a duration such as 500ms, 30s or 2m`);
    found.timeoutMs = ms;
  }
  const readOnlyParam = params.get('readOnly');
  if (readOnlyParam !== undefined) {
    if (readOnlyParam !== 'true' && readOnlyParam !== 'false')
      throw invalid(`parameter "readOnly" of the ${scheme}: URL must be true or false`);
    found.readOnly = readOnlyParam === 'true';
  }
  for (const name of LAYER_PARAM_NAMES) params.delete(name);
  return Object.keys(found).length > 0 ? found : undefined;
}

/**
 * `storage` in the layers the URL asked for, in the order docs/layers.md gives: each attempt's
 * `timeout` inside `retry`, then `prefixed`, then `readOnly` outermost. `@stowage/layers` is
 * loaded only when a URL asks for a layer: opening a URL without one does not load it.
 */
export async function applyLayerParams(storage: Storage, params: LayerParams | undefined): Promise<Storage> {
  if (params === undefined) return storage;
  const { layered, prefixed, readOnly, retry, timeout } = await import('@stowage/layers');
  const layers: Layer[] = [];
  if (params.timeoutMs !== undefined) layers.push(timeout(params.timeoutMs));
  if (params.retries !== undefined && params.retries > 0) layers.push(retry({ maxAttempts: params.retries + 1 }));
  if (params.prefix !== undefined) layers.push(prefixed(params.prefix));
  if (params.readOnly) layers.push(readOnly());
  return layered(storage, ...layers);
}
