import type { Args, OptionSpec, OptionSpecs } from './args.js';
import type { Context } from './context.js';

/** One `stowage` command: what `--help` shows, and what it does. */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Usage lines without the leading `stowage ` (`cp [options] SRC DST`). */
  usage: string[];
  /** A paragraph on what the command does and how it decides. */
  description: string;
  options: OptionSpecs;
  /** Examples for `--help`: a comment and the command line. */
  examples: [comment: string, command: string][];
  /** How many positional arguments it takes. */
  arity: { min: number; max: number };
  run(ctx: Context, args: Args): Promise<void>;
}

/** Options several commands share (by their long names), so they read the same everywhere. */
export const SHARED = {
  recursive: { type: 'boolean', short: 'r', description: 'every file under a folder, every object under a prefix' },
  'content-type': { type: 'string', placeholder: 'TYPE', description: 'the Content-Type to store (default: guessed from the file name)' },
  metadata: { type: 'string', multiple: true, placeholder: 'NAME=VALUE', description: 'user metadata to store; repeat for more than one' },
  'dry-run': { type: 'boolean', description: 'print what would be done, and do nothing' },
  transfers: { type: 'string', placeholder: 'N', description: 'files transferred at once in a recursive command (default 8)' },
  json: { type: 'boolean', description: 'print JSON instead of text' },
  exclude: {
    type: 'string',
    multiple: true,
    placeholder: 'PATTERN',
    description: "leave out paths (relative to the source) matching the glob ('*.tmp', 'cache/*'); repeatable, with --include",
  },
  include: {
    type: 'string',
    multiple: true,
    placeholder: 'PATTERN',
    description: 'take back in paths matching the glob; --include and --exclude apply in order, the last match wins',
  },
} as const satisfies Record<string, OptionSpec>;

/** Default number of transfers at once, rclone's `--transfers`. */
export const DEFAULT_TRANSFERS = 8;
