import { fileURLToPath } from 'node:url';

/** The path a `file:` URL names, by this platform's rules (Node's `fileURLToPath`; throws when it names none). */
export function filePath(url: URL): string {
  return fileURLToPath(url);
}
