import { GLOBAL_OPTIONS, parseCommandArgs, splitCommand } from './args.js';
import type { Command } from './command.js';
import { cat } from './commands/cat.js';
import { completion } from './commands/completion.js';
import { COMPLETE_COMMAND, complete } from './completion.js';
import { cp, mv } from './commands/copy.js';
import { ls } from './commands/ls.js';
import { mb, rb } from './commands/buckets.js';
import { presign } from './commands/presign.js';
import { rm } from './commands/rm.js';
import { stat } from './commands/stat.js';
import { sync } from './commands/sync.js';
import { Context, type Io } from './context.js';
import { EXIT, FailuresReported, Secrets, UsageError, debugDetails, errorLine, exitCodeOf } from './errors.js';
import { commandHelp, overview } from './help.js';
import { formatObject } from './locations.js';
import { VERSION } from './version.js';

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [ls, mb, rb, cp, mv, rm, cat, stat, sync, presign, completion];

/**
 * Runs one `stowage` command line and resolves to its exit code (0 done, 1 failed, 2 wrong usage,
 * 130 interrupted). Never rejects: every error becomes one line on `io.stderr`.
 *
 * @example
 * process.exitCode = await main(process.argv.slice(2), { ...process streams..., signal });
 */
export async function main(argv: string[], io: Io): Promise<number> {
  let debug = false;
  let command: Command | undefined;
  let ctx: Context | undefined;
  try {
    const { name, rest } = splitCommand(argv);
    if (name === undefined) {
      const args = parseCommandArgs(argv, { version: { type: 'boolean', description: 'print the version' } });
      if (args.flag('version')) io.stdout.write(`${VERSION}\n`);
      else if (args.flag('help')) io.stdout.write(overview(COMMANDS));
      else {
        io.stderr.write(overview(COMMANDS));
        return EXIT.usage;
      }
      return EXIT.ok;
    }
    if (name === COMPLETE_COMMAND) return await completeLine(rest, io);
    if (name === 'help') {
      const topic = rest.find((a) => !a.startsWith('-'));
      const found = COMMANDS.find((c) => c.name === topic);
      if (topic !== undefined && !found) throw new UsageError(`unknown command "${topic}"; the commands are ${names()}`);
      io.stdout.write(found ? commandHelp(found) : overview(COMMANDS));
      return EXIT.ok;
    }
    command = COMMANDS.find((c) => c.name === name);
    if (!command) throw new UsageError(`unknown command "${name}"; the commands are ${names()}`);
    const args = parseCommandArgs(rest, command.options);
    debug = args.flag('debug');
    if (args.flag('help')) {
      io.stdout.write(commandHelp(command));
      return EXIT.ok;
    }
    const count = args.positionals.length;
    if (count < command.arity.min || count > command.arity.max) {
      const wanted =
        command.arity.min === command.arity.max
          ? `${command.arity.min}`
          : count < command.arity.min
            ? `at least ${command.arity.min}`
            : `at most ${command.arity.max}`;
      throw new UsageError(`${command.name} takes ${wanted} argument${wanted === '1' ? '' : 's'}, not ${count}`);
    }
    ctx = new Context(io, args);
    await command.run(ctx, args);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof FailuresReported) {
      // One operation: its own error line said it all.
      if (error.total > 1) io.stderr.write(`stowage: ${error.message}\n`);
      return EXIT.failed;
    }
    await ctx?.learnSecrets();
    const secrets = ctx?.secrets ?? new Secrets(io.env);
    io.stderr.write(`${errorLine(error, ctx?.formatFor(error) ?? formatObject, secrets)}\n`);
    if (error instanceof UsageError) {
      io.stderr.write(`Run 'stowage ${command ? `${command.name} ` : ''}--help' for usage.\n`);
    } else if (debug) io.stderr.write(`${debugDetails(error, secrets)}\n`);
    return exitCodeOf(error);
  }
}

/**
 * `stowage __complete --line LINE`: the candidates for the line's last word, one a line. Always
 * exits 0 and prints nothing on stderr: a shell completing must never show an error.
 */
async function completeLine(rest: string[], io: Io): Promise<number> {
  const at = rest.indexOf('--line');
  const line = at >= 0 ? rest[at + 1] : undefined;
  if (line === undefined) return EXIT.ok;
  try {
    const candidates = await complete(line, COMMANDS, { env: io.env, cwd: io.cwd });
    if (candidates.length > 0) io.stdout.write(`${candidates.join('\n')}\n`);
  } catch {
    // Nothing to offer: the shell falls back to completing files.
  }
  return EXIT.ok;
}

function names(): string {
  return COMMANDS.map((c) => c.name).join(', ');
}

export { GLOBAL_OPTIONS };
