import type { Storage } from '@stowage/core';
import type { LocalStorageOptions } from '@stowage/local';

/**
 * A `file://` store: the local driver, loaded when a URL asks for one. Its web variant
 * (`open-local.web.ts`) has no disk, so a browser bundle never takes the local driver in.
 */
export async function openLocal(options: LocalStorageOptions): Promise<Storage> {
  const { LocalStorage } = await import('@stowage/local');
  return new LocalStorage(options);
}
