#!/usr/bin/env node
import { setMaxListeners } from 'node:events';
import { main } from './main.js';

// The AWS SDK announces, through process.emitWarning, that it will drop Node 20 one day. That is
// not the user's problem while it works; keep it off their terminal. Other warnings still show.
const emitWarning = process.emitWarning;
process.emitWarning = function filtered(this: NodeJS.Process, warning: string | Error, ...rest: unknown[]) {
  const text = typeof warning === 'string' ? `${String(rest[0] ?? '')} ${warning}` : `${warning.name} ${warning.message}`;
  if (text.includes('NodeVersionSupportWarning')) return;
  return (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
} as typeof process.emitWarning;

// Ctrl-C (or SIGTERM) aborts through the AbortSignal every operation takes, so uploads leave no
// object and downloads no file. A second Ctrl-C gives up waiting and exits at once.
const controller = new AbortController();
// Every transfer in flight listens on the signal (up to --transfers 256, a few listeners each):
// not a leak, so no MaxListenersExceededWarning on stderr.
setMaxListeners(4096, controller.signal);
let interrupts = 0;
const interrupt = (signal: NodeJS.Signals) => {
  if (++interrupts > 1) process.exit(130);
  controller.abort(new Error(`interrupted (${signal})`));
};
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);

// A reader that stops early (`stowage cat … | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

void main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
}).then(async (code) => {
  // Exit explicitly (keep-alive sockets, a half-read stdin must not hold the process), once
  // everything written has been handed to the OS.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  await new Promise<void>((resolve) => process.stderr.write('', () => resolve()));
  process.exit(code);
});
