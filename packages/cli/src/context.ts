import type { Readable } from 'node:stream';
import type { Storage } from '@stowage/core';
import { type ProgressBar, progressBar } from '@stowage/progress';
import type { Args } from './args.js';
import { debugDetails, errorLine } from './errors.js';
import { formatObject } from './locations.js';
import { type OutStream, Output } from './output.js';
import { localRoot, openStore, storeUrl } from './store.js';

/** What the CLI runs against: the process's streams, environment and directory, or a test's. */
export interface Io {
  stdout: OutStream;
  stderr: OutStream;
  stdin: Readable;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Fires on Ctrl-C: every operation takes it, and stops cleanly. */
  signal: AbortSignal;
}

/** Everything a command needs, built once per run from the global options. */
export class Context {
  readonly out: Output;
  readonly quiet: boolean;
  readonly debug: boolean;
  readonly signal: AbortSignal;
  /** The store URL (`--store`, `$STOWAGE_STORE` or the default folder). */
  readonly storeUrl: string;
  private opened: Storage | undefined;

  constructor(
    readonly io: Io,
    args: Args,
  ) {
    this.quiet = args.flag('quiet');
    this.debug = args.flag('debug');
    this.signal = io.signal;
    this.out = new Output(io.stdout, io.stderr, this.quiet);
    this.storeUrl = storeUrl(args.string('store'), io.env, io.cwd);
  }

  /** Opens the store; called once the command line is known to be good. */
  async open(): Promise<void> {
    this.opened ??= await openStore(this.storeUrl);
  }

  /** The store (after {@link Context.open}). */
  get storage(): Storage {
    if (!this.opened) throw new Error('the store is not open yet');
    return this.opened;
  }

  /** The store's folder when it is on the local disk. */
  get storeRoot(): string | undefined {
    return this.opened && localRoot(this.opened);
  }

  /**
   * A progress bar on stderr, only when stderr is a terminal and not `--quiet`: piped or logged
   * output stays free of progress noise.
   */
  progress(label: string, total: number): ProgressBar | undefined {
    if (this.quiet || this.io.stderr.isTTY !== true) return undefined;
    const stderr = this.io.stderr;
    const stream = {
      write: (text: string) => stderr.write(text),
      isTTY: true,
      // A pseudo-terminal with no size (script(1), some CI runners) reports 0 columns.
      get columns() {
        return stderr.columns || 80;
      },
    };
    const bar = progressBar({ label, total, stream });
    this.out.bar = bar;
    return bar;
  }

  /** Prints one error line (and with `--debug` its stack and causes). */
  report(error: unknown): void {
    this.out.error(errorLine(error, formatObject));
    if (this.debug) this.out.error(debugDetails(error));
  }
}
