// The CLI's start-up: `stowage --help`, `stowage ls` on a small local store and a small `cp`, each
// a fresh process of the built binary, against `node -e 0` started the same way in the same run.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BenchConfig } from './config.js';
import type { MetricSpec, Subject, TimedCase } from './cases.js';
import type { Timing } from './util.js';

const run = promisify(execFile);
const repoDir = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
/** The binary as users run it: the build, not the sources (tsx would be most of the time). */
export const CLI_BIN = join(repoDir, 'packages/cli/dist/bin.js');

/** Starts per metric and repetition: several, so one slow start on a busy machine weighs less. */
const starts = (cfg: BenchConfig) => (cfg.mode === 'quick' ? 3 : 5);

/** CPU time of this process's finished children, in ms (Linux: /proc/self/stat's cutime + cstime). */
function childrenCpuMs(): number {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    // After "pid (comm) ", cutime and cstime are the 14th and 15th fields, in clock ticks (100 Hz).
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return 0;
  }
}

/** Runs `args` with node `count` times, one after the other; the wall and children's CPU time. */
async function startMany(args: string[], count: number, cwd: string): Promise<Timing> {
  const cpu = childrenCpuMs();
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await run(process.execPath, args, { cwd });
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, cpuMs: childrenCpuMs() - cpu };
}

type Command = 'help' | 'ls' | 'cp';

/** A subject that runs each command line as `node …args`. */
function startSubject(
  name: string,
  role: Subject['role'],
  note: string,
  dir: string,
  count: number,
  argsFor: (command: Command) => string[],
) {
  const subject: Subject = {
    name,
    role,
    note,
    async setup() {},
    async run(warmup) {
      const times = warmup ? 1 : count;
      return {
        help: await startMany(argsFor('help'), times, dir),
        ls: await startMany(argsFor('ls'), times, dir),
        cp: await startMany(argsFor('cp'), times, dir),
      };
    },
    async cleanup() {},
    async teardown() {},
  };
  return subject;
}

export const cliStartCase: TimedCase = {
  kind: 'timed',
  id: 'cli.start',
  group: 'cli',
  title: 'CLI start-up against node -e 0',
  metrics: (cfg): MetricSpec[] => [
    { name: 'help', label: `stowage --help, ${starts(cfg)} starts`, unit: 'ops/s', amount: starts(cfg) },
    { name: 'ls', label: `stowage ls on a local store of 20 objects, ${starts(cfg)} starts`, unit: 'ops/s', amount: starts(cfg) },
    { name: 'cp', label: `stowage cp of a 4 KiB file into it, ${starts(cfg)} starts`, unit: 'ops/s', amount: starts(cfg) },
  ],
  async subjects(cfg, dir) {
    if (!existsSync(CLI_BIN)) throw new Error(`${CLI_BIN} is missing: run pnpm build first (the case times the built binary)`);
    // A store in the scratch folder: a bucket of 20 small objects.
    const store = ['--store', join(dir, 'store')];
    const file = join(dir, 'small.bin');
    await mkdir(join(dir, 'store'), { recursive: true });
    await writeFile(file, Buffer.alloc(4096, 1));
    await run(process.execPath, [CLI_BIN, ...store, 'mb', 'stow://bench'], { cwd: dir });
    for (let i = 0; i < 20; i++)
      await run(process.execPath, [CLI_BIN, '--quiet', ...store, 'cp', file, `stow://bench/k${i}`], { cwd: dir });
    const cli: Record<Command, string[]> = {
      help: [CLI_BIN, '--help'],
      ls: [CLI_BIN, ...store, 'ls', 'stow://bench'],
      cp: [CLI_BIN, '--quiet', ...store, 'cp', file, 'stow://bench/copied'],
    };
    return [
      startSubject(
        'stowage CLI (dist/bin.js)',
        'stowage',
        'the built binary, a fresh node process per start',
        dir,
        starts(cfg),
        (c) => cli[c],
      ),
      startSubject('node -e 0', 'baseline', 'an empty node process, started the same way: the floor', dir, starts(cfg), () => ['-e', '0']),
    ];
  },
};
