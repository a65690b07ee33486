import { GLOBAL_OPTIONS, type OptionSpecs } from './args.js';
import type { Command } from './command.js';
import { DEFAULT_STORE_DIR, STORE_ENV } from './store.js';

const WIDTH = 100;

/** Wraps `text` to {@link WIDTH} columns, every line after the first indented by `indent`. */
function wrap(text: string, indent: number, first = 0): string {
  const lines: string[] = [];
  let line = '';
  let room = WIDTH - first;
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > room) {
      lines.push(line);
      line = word;
      room = WIDTH - indent;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

function optionLines(specs: OptionSpecs): string[] {
  const heads = Object.entries(specs).map(([name, spec]) => {
    const short = spec.short !== undefined ? `-${spec.short}, ` : '    ';
    return `  ${short}--${name}${spec.placeholder !== undefined ? ` ${spec.placeholder}` : ''}`;
  });
  const width = Math.max(...heads.map((h) => h.length)) + 2;
  return Object.values(specs).map((spec, i) => {
    const head = (heads[i] as string).padEnd(width);
    return `${head}${wrap(spec.description, width, width)}`;
  });
}

/** `stowage --help`: the commands, locations, the store, global options and exit codes. */
export function overview(commands: readonly Command[]): string {
  const nameWidth = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    'stowage: buckets and objects on the local disk, S3 or memory, from the command line.',
    '',
    'Usage: stowage [--store URL] COMMAND [options] [ARGS]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(nameWidth)}${c.summary}`),
    '',
    'Locations:',
    '  stow://BUCKET/KEY   an object in the store (stow://BUCKET: the bucket; a key ending in /: a folder)',
    '  s3://BUCKET/KEY     an object on Amazon S3 (--endpoint-url: another S3 server; --profile, --region)',
    '  NAME:BUCKET/KEY     an object in the store NAME of ~/.config/stowage/config.toml ($STOWAGE_CONFIG)',
    '  anything else       a local file or folder; - is standard input or output',
    '  Copies go between any two of them.',
    '',
    'The store:',
    `  --store URL, else $${STORE_ENV}, else the folder ./${DEFAULT_STORE_DIR} (made on first use):`,
    '  ./folder or file:///abs/folder               the local disk: buckets are folders, objects plain files',
    '  s3://?region=eu-west-1                       Amazon S3 (credentials: the AWS environment, config and roles)',
    '  s3://?endpoint=http://host:9000&forcePathStyle=true   any S3-compatible server (MinIO, Ceph, R2...)',
    '  memory://                                    in memory, gone when the command ends (for trying things)',
    '',
    'Global options:',
    ...optionLines({ ...GLOBAL_OPTIONS, version: { type: 'boolean', description: 'print the version' } }),
    '',
    'Exit codes: 0 done, 1 an operation failed, 2 wrong usage, 130 interrupted (Ctrl-C).',
    '',
    'Examples:',
    '  stowage mb stow://photos',
    '  stowage cp ./cat.jpg stow://photos/cats/',
    '  stowage ls -r stow://photos',
    '  stowage cp -r s3://photos/2024/ backup:photos/2024/',
    '  STOWAGE_STORE="s3://?region=eu-west-1" stowage sync ./site stow://www.example.com/',
    '',
    "Run 'stowage COMMAND --help' for a command's options and examples.",
    '',
  ].join('\n');
}

/** `stowage COMMAND --help`. */
export function commandHelp(command: Command): string {
  const usage = command.usage.map((u, i) => `${i === 0 ? 'Usage: ' : '       '}stowage ${u}`);
  const options = Object.keys(command.options).length > 0 ? ['Options:', ...optionLines(command.options), ''] : [];
  return [
    ...usage,
    '',
    wrap(`${command.summary[0]?.toUpperCase()}${command.summary.slice(1)}. ${command.description}`, 0),
    '',
    ...options,
    'Global options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'Examples:',
    ...command.examples.flatMap(([comment, line]) => [`  # ${comment}`, `  ${line}`]),
    '',
  ].join('\n');
}
