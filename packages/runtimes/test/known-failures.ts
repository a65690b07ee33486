/**
 * What the smoke suite is expected NOT to pass, as data, each with the module and line that causes
 * it. A runtime test asserts that every other case passed, and that each known failure still fails
 * (when one starts to pass, the test says so: remove its row).
 */
import { S3RVER_PROFILE } from '@stowage/testing';

export type RuntimeName = 'node' | 'bun' | 'deno' | 'workerd' | 'chromium';
export type DriverName = 'memory' | 's3rver';

export interface Expectation {
  runtime: RuntimeName | '*';
  driver: DriverName | '*';
  /** The case's name, exactly as in src/smoke.ts. */
  case: string;
  reason: string;
}

/**
 * Cases that fail in a runtime because stowage's own code needs something the runtime lacks, each
 * with the module that causes it. None at present.
 */
export const KNOWN_FAILURES: readonly Expectation[] = [];

/** Cases a run may skip: each names why, and the summary's reason must name the same capability. */
export const EXPECTED_SKIPS: readonly (Expectation & { reasonIncludes: string })[] = [
  ...(['workerd', 'chromium'] as const).map((runtime) => ({
    runtime,
    driver: '*' as const,
    case: 'the packages load from their built dist, not their sources',
    reason: 'a worker or a page is one bundle, with no import.meta.resolve: its test checks the bundle’s inputs instead',
    reasonIncludes: 'import.meta.resolve',
  })),
  ...(['workerd', 'chromium'] as const).map((runtime) => ({
    runtime,
    driver: '*' as const,
    case: 'get: body is a Node Readable that async-iterates the bytes',
    reason:
      'a worker or page bundle takes the web build (the `workerd` or `browser` export condition), whose GetResult has web streams only',
    reasonIncludes: 'the web build has no Node streams',
  })),
  {
    runtime: 'chromium',
    driver: '*',
    case: 'put a Node Readable (node:stream, imported when the case runs)',
    reason: 'a browser has no node:stream',
    reasonIncludes: 'node:stream does not load',
  },
  ...(
    [
      ['put ifNoneMatch * over an existing key is PreconditionFailed', 'conditionalPut'],
      ['list in pages of 2 sees every key once, in order', 'listPagination'],
    ] as const
  ).map(([name, capability]) => ({
    runtime: '*' as const,
    driver: 's3rver' as const,
    case: name,
    reason: S3RVER_PROFILE.lacks[capability] ?? '',
    reasonIncludes: `${capability}: false`,
  })),
];

const applies = (e: Expectation, runtime: RuntimeName, driver: DriverName) =>
  (e.runtime === '*' || e.runtime === runtime) && (e.driver === '*' || e.driver === driver);

export const knownFailuresFor = (runtime: RuntimeName, driver: DriverName) => KNOWN_FAILURES.filter((e) => applies(e, runtime, driver));
export const expectedSkipsFor = (runtime: RuntimeName, driver: DriverName) => EXPECTED_SKIPS.filter((e) => applies(e, runtime, driver));
