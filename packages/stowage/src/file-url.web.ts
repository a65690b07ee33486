/**
 * The web variant of `file-url.ts`: there is no platform path here, so the URL's path as POSIX
 * spells it (what `fileURLToPath` gives on Linux and macOS), with the same refusal of an encoded `/`.
 */
export function filePath(url: URL): string {
  if (/%2f/i.test(url.pathname)) throw new TypeError('a file: URL path must not include an encoded /');
  return decodeURIComponent(url.pathname);
}
