import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

/** One command-line option, as `node:util` `parseArgs` takes it plus what `--help` shows. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** The option may be given more than once (`--metadata a=1 --metadata b=2`). */
  multiple?: boolean;
  /** The value's name in help (`--store URL`). */
  placeholder?: string;
  description: string;
}

/** Options by long name. */
export type OptionSpecs = Record<string, OptionSpec>;

/** Options every command takes, before or after the command name. */
export const GLOBAL_OPTIONS = {
  store: {
    type: 'string',
    placeholder: 'URL',
    description:
      'the store the stow:// locations live in: file:///abs/folder, a folder path, s3://?endpoint=…, memory:// ' +
      '(default: $STOWAGE_STORE, else the folder ./.stowage-store)',
  },
  'endpoint-url': {
    type: 'string',
    placeholder: 'URL',
    description: 's3:// locations are on this S3-compatible server instead of Amazon S3 (as aws s3 --endpoint-url)',
  },
  profile: {
    type: 'string',
    placeholder: 'NAME',
    description: 'the AWS profile (~/.aws/config) S3 stores take credentials and region from',
  },
  region: { type: 'string', placeholder: 'REGION', description: 'the region of s3:// locations (default: the AWS environment or profile)' },
  quiet: { type: 'boolean', short: 'q', description: 'no progress bar and no status lines; errors still print' },
  retries: {
    type: 'string',
    placeholder: 'N',
    description: 'retry a storage call that failed for a transient reason up to N times, with backoff',
  },
  timeout: { type: 'string', placeholder: 'DURATION', description: 'give each storage call (each attempt) this long: 500ms, 30s, 2m' },
  debug: { type: 'boolean', description: 'print the stack and causes of an error, and one line per storage call on stderr' },
  help: { type: 'boolean', short: 'h', description: 'show help for the command' },
} as const satisfies OptionSpecs;

/** Values of parsed options; read them through {@link Args}. */
type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** A parsed command line: typed access to options, and the positional arguments. */
export class Args {
  constructor(
    private readonly values: Values,
    readonly positionals: string[],
    /** The options as given, in command-line order (for options whose order matters). */
    private readonly order: readonly { name: string; value: string | undefined }[] = [],
  ) {}

  /** The values of the named string options in the order they were given (`--exclude a --include b`). */
  inOrder(names: readonly string[]): { name: string; value: string }[] {
    return this.order.filter((o): o is { name: string; value: string } => names.includes(o.name) && o.value !== undefined);
  }

  /** True when the boolean option was given. */
  flag(name: string): boolean {
    return this.values[name] === true;
  }

  /** The string option's value (the last one, if it was given twice). */
  string(name: string): string | undefined {
    const value = this.values[name];
    if (Array.isArray(value)) return value.length > 0 ? String(value[value.length - 1]) : undefined;
    return typeof value === 'string' ? value : undefined;
  }

  /** Every value of a `multiple` option, in order. */
  strings(name: string): string[] {
    const value = this.values[name];
    if (Array.isArray(value)) return value.map(String);
    return typeof value === 'string' ? [value] : [];
  }

  /** A whole-number option within bounds, or the default; anything else is a usage error. */
  integer(name: string, fallback: number, least: number, most = Number.MAX_SAFE_INTEGER): number {
    const text = this.string(name);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < least || value > most) {
      throw new UsageError(`--${name} must be a whole number from ${least} to ${most}, not ${JSON.stringify(text)}`);
    }
    return value;
  }
}

function toParseArgsOptions(specs: OptionSpecs) {
  return Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [
      name,
      { type: spec.type, ...(spec.short !== undefined ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) },
    ]),
  );
}

/**
 * Finds the command name: the first positional argument, skipping global options (and the value
 * of `--store`) in front of it. Returns the name and the arguments without it, or `undefined` for
 * a command line with no command.
 */
export function splitCommand(argv: string[]): { name: string | undefined; rest: string[] } {
  // Lenient on purpose: options of the command (unknown here) may come before its name too.
  const { tokens } = parseArgs({
    args: argv,
    options: toParseArgsOptions(GLOBAL_OPTIONS),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const first = tokens.find((t) => t.kind === 'positional');
  if (first === undefined || first.kind !== 'positional') return { name: undefined, rest: argv };
  return { name: first.value, rest: argv.filter((_, i) => i !== first.index) };
}

/**
 * Parses a command's arguments strictly (an unknown option, a missing value, a value given to a
 * flag are usage errors) with `node:util` `parseArgs`.
 */
export function parseCommandArgs(argv: string[], specs: OptionSpecs): Args {
  try {
    const { values, positionals, tokens } = parseArgs({
      args: argv,
      options: toParseArgsOptions({ ...GLOBAL_OPTIONS, ...specs }),
      strict: true,
      allowPositionals: true,
      tokens: true,
    });
    const order = tokens.flatMap((t) => (t.kind === 'option' ? [{ name: t.name, value: t.value }] : []));
    return new Args(values as Values, positionals, order);
  } catch (error) {
    // parseArgs's messages are clear ("Unknown option '--x'"), but mention how to get help.
    const message = error instanceof Error ? error.message.replace(/\. To specify a positional.*$/s, '') : String(error);
    throw new UsageError(message);
  }
}

/** Reads `--metadata name=value` values into an object (`=` in the value is kept). */
export function parseMetadata(pairs: string[]): Record<string, string> | undefined {
  if (pairs.length === 0) return undefined;
  const metadata: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--metadata takes name=value, not ${JSON.stringify(pair)}`);
    metadata[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return metadata;
}
