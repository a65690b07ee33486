import type { Readable } from 'node:stream';
import type { Storage } from '@stowage/core';
import type { ProgressBar } from '@stowage/progress';
import type { Args } from './args.js';
import { Secrets, debugDetails, errorLine } from './errors.js';
import { type JsonAction, errorCode } from './json.js';
import { formatObject } from './locations.js';
import { type OutStream, Output } from './output.js';
import { type StoreFlags, localRoot, openStore, storeUrl, withFlags } from './store.js';

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
  /** `--json`: results and actions as JSON lines (docs/cli.md has the schema). */
  readonly json: boolean;
  readonly signal: AbortSignal;
  /** The store URL (`--store`, `$STOWAGE_STORE` or the default folder). */
  readonly storeUrl: string;
  /** What error output must never show. */
  readonly secrets: Secrets;
  private opened: Storage | undefined;
  /** The store as opened, before the flags' layers (its driver's own properties: an S3 client, a root). */
  private bare: Storage | undefined;
  private readonly flags: StoreFlags;

  constructor(
    readonly io: Io,
    args: Args,
  ) {
    this.quiet = args.flag('quiet');
    this.debug = args.flag('debug');
    this.json = args.flag('json');
    this.signal = io.signal;
    this.out = new Output(io.stdout, io.stderr, this.quiet);
    this.secrets = new Secrets(io.env);
    this.storeUrl = storeUrl(args.string('store'), io.env, io.cwd);
    this.flags = {
      retries: args.string('retries'),
      timeout: args.string('timeout'),
      ...(this.debug ? { log: (line: string) => this.out.error(line) } : {}),
    };
  }

  /** Opens the store; called once the command line is known to be good. */
  async open(): Promise<void> {
    if (this.opened) return;
    this.bare = await openStore(this.storeUrl);
    this.opened = await withFlags(this.bare, this.flags);
  }

  /**
   * Adds the secrets the store's AWS SDK resolved (a profile's, SSO's, a role's) to
   * {@link Context.secrets}. The SDK keeps resolved credentials, so after a request this answers
   * at once; it waits at most `ms` otherwise, and never fails.
   */
  async learnSecrets(ms = 1000): Promise<void> {
    const provider = (this.bare as { client?: { config?: { credentials?: unknown } } } | undefined)?.client?.config?.credentials;
    if (typeof provider !== 'function') return;
    let timer: NodeJS.Timeout | undefined;
    try {
      const credentials = await Promise.race([
        (provider as () => Promise<{ secretAccessKey?: unknown; sessionToken?: unknown }>)(),
        new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms))),
      ]);
      this.secrets.add(credentials?.secretAccessKey);
      this.secrets.add(credentials?.sessionToken);
    } catch {
      // No credentials: nothing to hide.
    } finally {
      clearTimeout(timer);
    }
  }

  /** The store (after {@link Context.open}). */
  get storage(): Storage {
    if (!this.opened) throw new Error('the store is not open yet');
    return this.opened;
  }

  /** The store's folder when it is on the local disk. */
  get storeRoot(): string | undefined {
    return this.bare && localRoot(this.bare);
  }

  /**
   * A progress bar on stderr, only when stderr is a terminal and not `--quiet`: piped or logged
   * output stays free of progress noise. @stowage/progress is loaded only then.
   */
  async progress(label: string, total: number): Promise<ProgressBar | undefined> {
    if (this.quiet || this.io.stderr.isTTY !== true) return undefined;
    const { progressBar } = await import('@stowage/progress');
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

  /**
   * Says that an action was done (or planned): its status line (`upload: a to b`, unless
   * `--quiet`), or with `--json` its JSON line (always: it is the command's result).
   */
  async action(action: JsonAction): Promise<void> {
    if (this.json) return this.out.line(JSON.stringify(action));
    const what = action.location ?? `${action.source} to ${action.destination}`;
    await this.out.status(`${action.status === 'dryrun' ? '(dryrun) ' : ''}${action.op}: ${what}`);
  }

  /** An error as `--json` output carries it: its code and its line (secrets redacted, no `stowage: `). */
  errorJson(error: unknown): { code: string; message: string } {
    return { code: errorCode(error), message: errorLine(error, formatObject, this.secrets).replace(/^stowage: /, '') };
  }

  /** Prints one error line (and with `--debug` its stack and causes). */
  report(error: unknown): void {
    this.out.error(errorLine(error, formatObject, this.secrets));
    if (this.debug) this.out.error(debugDetails(error, this.secrets));
  }
}
