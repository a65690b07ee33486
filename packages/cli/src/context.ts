import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Storage } from '@stowage/core';
import type { ProgressBar } from '@stowage/progress';
import type { Args } from './args.js';
import { Secrets, UsageError, debugDetails, errorLine } from './errors.js';
import { type JsonAction, errorCode } from './json.js';
import { type StoresConfig, configPath, loadStores } from './config.js';
import { type StoreRef, formatIn, formatObject, storeId } from './locations.js';
import { type OutStream, Output } from './output.js';
import { type S3Flags, type StoreFlags, localRoot, openStore, s3Url, storeUrl, withFlags } from './store.js';

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

/** A store a command works on, opened: where `stow://`, `s3://` or `name:` locations live. */
export interface Remote {
  readonly store: StoreRef;
  /** The store in the layers the flags ask for (`--retries`, `--timeout`, `--debug`). */
  readonly storage: Storage;
  /** The store's folder when it is on the local disk (a tree walk never copies it into itself). */
  readonly root: string | undefined;
  /** `bucket`/`key` as the command line writes them in this store (`s3://b/k`). */
  format(bucket: string, key?: string): string;
}

interface Opened extends Remote {
  /** The store as opened, before the layers (its driver's own properties: an S3 client). */
  readonly bare: Storage;
}

/** Everything a command needs, built once per run from the global options. */
export class Context {
  readonly out: Output;
  readonly quiet: boolean;
  readonly debug: boolean;
  /** `--json`: results and actions as JSON lines (docs/cli.md has the schema). */
  readonly json: boolean;
  readonly signal: AbortSignal;
  /** The store URL of `stow://` locations (`--store`, `$STOWAGE_STORE` or the default folder). */
  readonly storeUrl: string;
  /** What error output must never show. */
  readonly secrets: Secrets;
  private readonly flags: StoreFlags;
  private readonly s3: S3Flags;
  private readonly profile: string | undefined;
  /** The stores opened so far, by {@link storeId}: each is opened once, when a location first needs it. */
  private readonly opened = new Map<string, Promise<Opened>>();
  private readonly settled: Opened[] = [];
  private named: Promise<StoresConfig> | undefined;
  /** Errors known to come from one store, so their line names the location in it. */
  private readonly origins = new WeakMap<object, Remote>();

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
    this.s3 = { endpointUrl: args.string('endpoint-url'), region: args.string('region') };
    this.profile = args.string('profile');
  }

  /** The store a location is in, opened (once) in the flags' layers. */
  remote(store: StoreRef): Promise<Remote> {
    const id = storeId(store);
    let found = this.opened.get(id);
    if (!found) {
      found = this.openRemote(store);
      this.opened.set(id, found);
      found.then((r) => this.settled.push(r)).catch(() => undefined);
    }
    return found;
  }

  private async openRemote(store: StoreRef): Promise<Opened> {
    let bare: Storage;
    switch (store.kind) {
      case 'default':
        bare = await openStore(this.storeUrl, { profile: this.profile });
        break;
      case 's3':
        bare = await openStore(s3Url(this.s3), { profile: this.profile, what: 's3://' });
        break;
      case 'named': {
        this.named ??= loadStores(configPath(this.io.env, this.io.cwd));
        const entry = (await this.named).get(store.name);
        if (!entry) {
          throw new UsageError(
            `no store named "${store.name}" in ${configPath(this.io.env, this.io.cwd)} (a local path with a colon is written ./${store.name}:…)`,
            'InvalidArgument',
          );
        }
        bare = await openStore(entry.url, { profile: entry.profile ?? this.profile, what: `${store.name}:` });
        break;
      }
    }
    const storage = await withFlags(bare, this.flags);
    return { store, storage, bare, root: localRoot(bare), format: (bucket, key) => formatIn(store, bucket, key) };
  }

  /** Marks an error as one of `remote`'s, for where two stores are at work. Returns the error. */
  tag(error: unknown, remote: Remote): unknown {
    if (typeof error === 'object' && error !== null && !this.origins.has(error)) this.origins.set(error, remote);
    return error;
  }

  /** How an error's bucket and key are written: in the store it came from, else the only one open, else `stow://`. */
  formatFor(error: unknown): (bucket: string, key?: string) => string {
    const origin = typeof error === 'object' && error !== null ? this.origins.get(error) : undefined;
    if (origin) return origin.format;
    const [only, ...others] = this.settled;
    return only && others.length === 0 ? only.format : formatObject;
  }

  /**
   * Folders a tree walk leaves out: every local store's own folder, the session's store's
   * included even when no `stow://` location opened it.
   */
  skipRoots(): string[] {
    const roots = this.settled.map((r) => r.root).filter((r): r is string => r !== undefined);
    if (this.storeUrl.startsWith('file:')) roots.push(fileURLToPath(this.storeUrl.split('?')[0] as string));
    return roots;
  }

  /**
   * Adds the secrets the stores' AWS SDK resolved (a profile's, SSO's, a role's) to
   * {@link Context.secrets}. The SDK keeps resolved credentials, so after a request this answers
   * at once; it waits at most `ms` otherwise, and never fails.
   */
  async learnSecrets(ms = 1000): Promise<void> {
    await Promise.all(this.settled.map((r) => this.learnSecretsOf(r.bare, ms)));
  }

  private async learnSecretsOf(bare: Storage, ms: number): Promise<void> {
    const provider = (bare as { client?: { config?: { credentials?: unknown } } }).client?.config?.credentials;
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

  /**
   * A progress bar on stderr, only when stderr is a terminal and not `--quiet`: piped or logged
   * output stays free of progress noise. @stowage/progress is loaded only then.
   */
  async progress(label: string, total?: number): Promise<ProgressBar | undefined> {
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
    const bar = progressBar({ label, ...(total !== undefined ? { total } : {}), stream });
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
    return { code: errorCode(error), message: errorLine(error, this.formatFor(error), this.secrets).replace(/^stowage: /, '') };
  }

  /** Prints one error line (and with `--debug` its stack and causes). */
  report(error: unknown): void {
    this.out.error(errorLine(error, this.formatFor(error), this.secrets));
    if (this.debug) this.out.error(debugDetails(error, this.secrets));
  }
}
