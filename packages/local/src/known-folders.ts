import path from 'node:path';

/**
 * Folders this process has seen to be real folders (no symbolic link, no file) inside a bucket,
 * bucket folders included, so a put into a known folder skips the `mkdir` (a thrown EEXIST) and
 * `lstat` that create or check it. A folder removed behind the driver's back makes the final
 * rename fail with ENOENT, and the writer then forgets the bucket's folders and checks again; one
 * swapped for a symbolic link is caught by the `realpath` every write makes of its target folder.
 * A wrong entry costs a retry, never a wrong result. Reads do not use it.
 */
export class KnownFolders {
  private readonly folders = new Set<string>();

  has(dir: string): boolean {
    return this.folders.has(dir);
  }

  add(dir: string): void {
    this.folders.add(dir);
  }

  /** Forgets one folder (one just removed, so empty). */
  delete(dir: string): void {
    this.folders.delete(dir);
  }

  /** Forgets a folder and every folder below it. */
  forget(dir: string): void {
    this.folders.delete(dir);
    const below = dir + path.sep;
    for (const known of this.folders) if (known.startsWith(below)) this.folders.delete(known);
  }

  clear(): void {
    this.folders.clear();
  }
}
