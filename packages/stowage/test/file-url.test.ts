import { describe, expect, it } from 'vitest';
import * as node from '../src/file-url.js';
import * as web from '../src/file-url.web.js';

// The web build parses file: URLs by POSIX rules; they must give what Node gives on Linux.
describe('file: URL paths: the web variant agrees with fileURLToPath', () => {
  it.each(['file:///var/lib/app', 'file:///tmp/with%20space/x', 'file:///%C3%A9t%C3%A9/', 'file://localhost/srv/data', 'file:///a/b/../c'])(
    '%s',
    (text) => {
      const url = new URL(text);
      expect(web.filePath(url)).toBe(node.filePath(url));
    },
  );

  it('refuses an encoded slash, as Node does', () => {
    const url = new URL('file:///a%2Fb');
    expect(() => node.filePath(url)).toThrow();
    expect(() => web.filePath(url)).toThrow();
  });
});
