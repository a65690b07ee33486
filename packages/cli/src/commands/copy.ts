import { basename } from 'node:path';
import { type Args, parseMetadata } from '../args.js';
import { type Command, DEFAULT_TRANSFERS, SHARED } from '../command.js';
import type { Location } from '../locations.js';
import type { RunOptions } from '../tasks.js';

// The work (and with it @stowage/core) is loaded when a copy runs, not for --help.
const transfer = () => import('./transfer.js');

const COPY_OPTIONS = {
  recursive: SHARED.recursive,
  'content-type': SHARED['content-type'],
  metadata: SHARED.metadata,
  'dry-run': SHARED['dry-run'],
  transfers: SHARED.transfers,
  exclude: SHARED.exclude,
  include: SHARED.include,
  json: SHARED.json,
};

/** `cp`: file → object, object → file, object → object, `-` for stdin/stdout; `--recursive` for trees. */
export const cp: Command = {
  name: 'cp',
  summary: 'copy a file or object (--recursive: a folder or prefix)',
  usage: ['cp [options] SRC DST', 'cp [options] --recursive SRC DST'],
  description:
    'Copies a local file to an object (upload), an object to a local file (download), or an object to another ' +
    "object (the store copies it). A destination ending in / (or an existing folder) takes the source's name. " +
    '- is standard input or output. With --recursive, SRC and DST are folders or prefixes and everything under ' +
    'SRC is copied, several files at once, under one progress bar. Downloads never leave a partial file, uploads ' +
    'never a partial object, even on Ctrl-C. Uploads guess the Content-Type from the file name; --content-type ' +
    "and --metadata set them (on a copy they replace the source's, other attributes are kept).",
  options: COPY_OPTIONS,
  examples: [
    ['upload a file', 'stowage cp ./cat.jpg stow://photos/cats/cat.jpg'],
    ['upload into a folder, keeping the name', 'stowage cp ./cat.jpg stow://photos/cats/'],
    ['download', 'stowage cp stow://photos/cats/cat.jpg ./cat-copy.jpg'],
    ['copy inside the store', 'stowage cp stow://photos/cats/cat.jpg stow://backup/cat.jpg'],
    ['upload a folder tree', 'stowage cp --recursive ./holiday stow://photos/2024/holiday/'],
    ['only the JPEGs of a tree', "stowage cp -r --exclude '*' --include '*.jpg' ./holiday stow://photos/2024/"],
    ['with attributes', 'stowage cp --content-type text/csv --metadata source=export ./data stow://reports/data.csv'],
    ['from a pipe', 'tar c ./src | stowage cp - stow://backup/src.tar'],
  ],
  arity: { min: 2, max: 2 },
  run: async (ctx, args) => (await transfer()).copyOrMove(ctx, args, false),
};

/** `mv`: `cp`, then delete each source once its copy is complete. */
export const mv: Command = {
  name: 'mv',
  summary: 'move a file or object (--recursive: a folder or prefix)',
  usage: ['mv [options] SRC DST', 'mv [options] --recursive SRC DST'],
  description:
    'As cp, and each source (local file or object) is deleted once its copy is complete, so a failure leaves the ' +
    'source in place. Folders emptied by a recursive move are left behind.',
  options: COPY_OPTIONS,
  examples: [
    ['rename an object', 'stowage mv stow://photos/cat.jpg stow://photos/cats/cat.jpg'],
    ['move a folder of logs into the store', 'stowage mv --recursive ./logs stow://archive/logs/'],
  ],
  arity: { min: 2, max: 2 },
  run: async (ctx, args) => (await transfer()).copyOrMove(ctx, args, true),
};

/** The transfer settings from the command line. */
export function runOptions(args: Args, label: string, command: string): RunOptions {
  const contentType = args.string('content-type');
  const metadata = parseMetadata(args.strings('metadata'));
  return {
    dryRun: args.flag('dry-run'),
    transfers: args.integer('transfers', DEFAULT_TRANSFERS, 1, 256),
    label,
    command,
    ...(contentType !== undefined ? { contentType } : {}),
    ...(metadata !== undefined ? { metadata } : {}),
  };
}

/** The progress bar's label: the source's last name (`cat.jpg`, `photos` for `stow://b/photos/`), short enough to leave the bar room. */
export function barLabel(source: Location): string {
  if (source.kind === 'stdio') return '-';
  const path = source.kind === 'file' ? source.path : source.key;
  const name = basename(path.replace(/[/\\]+$/, ''));
  return name !== '' ? name : source.kind === 'object' ? source.bucket : path;
}
