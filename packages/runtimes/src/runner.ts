/**
 * A tiny assert library and case runner that needs nothing but the language: it runs the same in
 * Node, Bun, Deno and workerd (no vitest, no node:assert), and sums up as plain JSON.
 */

/** What one case gets: the storage under test and a bucket of its own run. */
export interface Case<Context> {
  name: string;
  run(context: Context): Promise<void>;
}

/** How one case ended. `skipped` carries the reason (a capability the store declares missing). */
export interface CaseResult {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  /** Why it failed (the error's name, code and message) or why it was skipped. */
  reason?: string;
}

/** What a run prints: one line of JSON, after {@link SUMMARY_MARKER}. */
export interface Summary {
  runtime: string;
  driver: string;
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  cases: CaseResult[];
}

/** Printed before the summary's JSON, so a reader can find it among whatever else a runtime prints. */
export const SUMMARY_MARKER = 'STOWAGE_SMOKE_SUMMARY ';

/** Thrown by a case to say it does not apply here; the reason is reported. */
export class Skip extends Error {
  override name = 'Skip';
}

/** Thrown by the asserts below. */
export class AssertionFailed extends Error {
  override name = 'AssertionFailed';
}

function show(value: unknown): string {
  if (value instanceof Uint8Array) return `Uint8Array(${value.byteLength})`;
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Fails unless `condition` holds. */
export function ok(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionFailed(message);
}

/** Fails unless `actual === expected` (`Object.is`). */
export function equal<T>(actual: T, expected: T, what: string): void {
  if (!Object.is(actual, expected)) throw new AssertionFailed(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}

/** Fails unless both have the same JSON form (plain data: arrays, objects, strings, numbers). */
export function sameJson(actual: unknown, expected: unknown, what: string): void {
  const a = show(actual);
  const e = show(expected);
  if (a !== e) throw new AssertionFailed(`${what}: expected ${e}, got ${a}`);
}

/** Fails unless the two byte arrays hold the same bytes. */
export function sameBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  if (actual.byteLength !== expected.byteLength) {
    throw new AssertionFailed(`${what}: expected ${expected.byteLength} bytes, got ${actual.byteLength}`);
  }
  for (let i = 0; i < actual.byteLength; i++) {
    if (actual[i] !== expected[i]) throw new AssertionFailed(`${what}: bytes differ at offset ${i}`);
  }
}

/** The error's `code` (a `StorageError`'s), or undefined. */
export function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Awaits `promise` and fails unless it rejects with an error whose `code` is `code`; returns that error. */
export async function rejectsWith(promise: Promise<unknown>, code: string, what: string): Promise<Error> {
  let outcome: { value: unknown } | { error: unknown };
  try {
    outcome = { value: await promise };
  } catch (error) {
    outcome = { error };
  }
  if (!('error' in outcome)) throw new AssertionFailed(`${what}: expected a rejection with ${code}, it resolved to ${show(outcome.value)}`);
  const got = codeOf(outcome.error);
  if (got !== code) throw new AssertionFailed(`${what}: expected ${code}, got ${describe(outcome.error)}`);
  return outcome.error as Error;
}

/** An error in one line: name, code, message (and the cause's, which often names the real problem). */
export function describe(error: unknown): string {
  if (!(error instanceof Error)) return `thrown ${show(error)}`;
  const code = codeOf(error);
  let text = `${error.name}${code ? ` [${code}]` : ''}: ${error.message}`;
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error && !(error instanceof AssertionFailed)) text += ` (cause: ${cause.name}: ${cause.message})`;
  return text;
}

/** Runs every case in order (one failing does not stop the others) and sums up. */
export async function runCases<Context>(
  runtime: string,
  driver: string,
  cases: readonly Case<Context>[],
  context: Context,
): Promise<Summary> {
  const results: CaseResult[] = [];
  for (const c of cases) {
    try {
      await c.run(context);
      results.push({ name: c.name, status: 'passed' });
    } catch (error) {
      if (error instanceof Skip) results.push({ name: c.name, status: 'skipped', reason: error.message });
      else results.push({ name: c.name, status: 'failed', reason: describe(error) });
    }
  }
  const count = (status: CaseResult['status']) => results.filter((r) => r.status === status).length;
  return {
    runtime,
    driver,
    total: results.length,
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    cases: results,
  };
}
