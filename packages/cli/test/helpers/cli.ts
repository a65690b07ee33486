import { spawn, type ChildProcess } from 'node:child_process';
import { buildCli } from './build.js';

/** What a run of the binary did. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** How to run the binary. */
export interface RunOptions {
  cwd: string;
  /** Extra environment (merged over a clean one: PATH and HOME only). */
  env?: Record<string, string>;
  /** Bytes for standard input (closed after them). */
  input?: string | Uint8Array;
}

/** A clean environment, so the developer's `STOWAGE_STORE` or AWS profile cannot leak in. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

/** Starts the binary as a child process (for tests that signal it or stream into it). */
export async function spawnCli(args: string[], options: RunOptions): Promise<ChildProcess> {
  const bin = await buildCli();
  return spawn(process.execPath, [bin, ...args], { cwd: options.cwd, env: cleanEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Collects a child's output and waits for its exit. */
export function finished(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs the binary to the end. */
export async function runCli(args: string[], options: RunOptions): Promise<CliResult> {
  const child = await spawnCli(args, options);
  const result = finished(child);
  child.stdin?.on('error', () => undefined); // the CLI may exit before reading its input
  child.stdin?.end(options.input ?? '');
  return result;
}
