import { assertKey, invalidKey, keyProblem, utf8Length, type Capabilities } from '@stowage/core';

/** The key-shape capabilities a server may lack. */
export type KeyCapabilities = Pick<Capabilities, 'dotSegments' | 'emptySegments' | 'longSegments' | 'nulInKeys' | 'maxKeyBytes'>;

/**
 * Why `key` has a shape the server cannot store, by the declared capabilities (S3 itself takes
 * them all; s3rver, which keeps objects as files, does not: a segment over 255 bytes crashes it).
 */
export function keyShapeProblem(key: string, capabilities: KeyCapabilities): string | undefined {
  if (capabilities.maxKeyBytes < 1024) {
    const problem = keyProblem(key, capabilities.maxKeyBytes);
    if (problem) return problem;
  }
  if (!capabilities.nulInKeys && key.includes('\u0000')) return 'this server cannot store U+0000 in a key';
  if (capabilities.dotSegments && capabilities.emptySegments && capabilities.longSegments) return undefined;
  for (const segment of key.split('/')) {
    if (!capabilities.emptySegments && segment === '')
      return 'this server cannot store a key with an empty segment (a leading, trailing or doubled "/")';
    if (!capabilities.dotSegments && (segment === '.' || segment === '..'))
      return `this server cannot store a key with a "${segment}" segment`;
    if (!capabilities.longSegments && utf8Length(segment) > 255) return 'this server cannot store a key segment longer than 255 bytes';
  }
  return undefined;
}

/** `assertKey`, plus the shapes the declared capabilities rule out: `InvalidKey` before any I/O. */
export function assertKeyFor(capabilities: KeyCapabilities, key: unknown, bucket: string): asserts key is string {
  assertKey(key, bucket);
  const problem = keyShapeProblem(key, capabilities);
  if (problem) throw invalidKey(key, problem, bucket);
}
