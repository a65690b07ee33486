import { isStorageError } from '@stowage/core';

/**
 * What a call ends with, as one string to compare: its `StorageError` code, `'resolved'`, or a
 * line naming any other kind of error (which no expected code equals, so the test fails showing it).
 */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return isStorageError(error) ? error.code : `not a StorageError: ${String(error)}`;
  }
  return 'resolved';
}
