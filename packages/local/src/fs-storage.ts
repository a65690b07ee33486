import { FrontDoor } from '@stowage/core';
import { FsDriver, type FsStorageOptions } from './fs-driver.js';

/**
 * A `Storage` on any file system with Node's `fs.promises` API, behind core's front door:
 * buckets are folders under the root, objects are plain files at their key's path. Writes stream
 * to a temporary file and are renamed into place, so readers see the old version or the new one,
 * whole, with its own record. `LocalStorage` is this class on `node:fs`, or on a memfs volume.
 * See the package README for which keys are refused.
 */
export class FsStorage extends FrontDoor<FsDriver> {
  constructor(options: FsStorageOptions) {
    super(new FsDriver(options));
  }
}
