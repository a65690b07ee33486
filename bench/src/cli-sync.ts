// `stowage sync <folder> <dest>` of many small files, with the built binary as a child process, to
// a local store (`--store DIR stow://bucket/prefix/`) and to s3rver (`s3://bucket/prefix/` with
// `--endpoint-url`): the time until the first transfer, the whole sync, the child's peak RSS, and
// a second sync of the same tree, which must copy nothing. The targets (issue 18): the first
// transfer within 2 s, peak RSS at 200,000 files ≤ 64 MiB more than at 20,000.
//
// The framework's table holds times (and ratios, which mean nothing here: there is one subject),
// so the case prints its own table with the peak RSS and the targets, and writes the peak RSS into
// the labels of its metrics, which the results (.json, .md) keep.
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { type MetricSpec, PartialRunError, type Subject, type TimedCase } from './cases.js';
import { CLI_BIN } from './cli-start.js';
import type { BenchConfig, ServerInfo } from './config.js';
import { MiB, pool, type Timing } from './util.js';

const run = promisify(execFile);
const TIME = '/usr/bin/time';

/** The two tree sizes compared. */
const countsOf = (cfg: BenchConfig): [number, number] => (cfg.mode === 'quick' ? [2_000, 20_000] : [20_000, 200_000]);
/** Files in the warm-up tree (synced to each destination once, untimed: it only checks the set-up works). */
const WARMUP_FILES = 200;
const FIRST_LIMIT_MS = 2000;
const GROWTH_LIMIT = 64 * MiB;

type Dest = 'local' | 's3rver';
const DESTS: Dest[] = ['local', 's3rver'];
const destLabel: Record<Dest, string> = { local: 'local store', s3rver: 's3rver' };
const fmtCount = (n: number) => n.toLocaleString('en-US');
const fmtMiB = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;
const fmtS = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

/**
 * `count` files of 16–64 bytes under `root`, 100 to a folder, 20 folders to a parent:
 * `t000/l00/f000000.txt` … (200,000 files: 100 parents, 2,000 folders).
 */
async function makeTree(root: string, count: number): Promise<void> {
  const folders = Math.ceil(count / 100);
  for (let f = 0; f < folders; f++) {
    await mkdir(join(root, `t${String(Math.floor(f / 20)).padStart(3, '0')}`, `l${String(f % 20).padStart(2, '0')}`), { recursive: true });
  }
  await pool(count, 16, async (i) => {
    const f = Math.floor(i / 100);
    const path = join(
      root,
      `t${String(Math.floor(f / 20)).padStart(3, '0')}`,
      `l${String(f % 20).padStart(2, '0')}`,
      `f${String(i).padStart(6, '0')}.txt`,
    );
    const size = 16 + ((i * 37) % 49);
    await writeFile(path, `${i}:`.padEnd(size, 'abcdefghijklmnopqrstuvwxyz').slice(0, size));
  });
}

/** CPU ms (utime + stime, 100 Hz ticks) of a running process, from /proc/PID/stat; 0 when it is gone. */
function cpuOfPid(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** The node process /usr/bin/time started (its only child). */
function childOf(pid: number | undefined): number | undefined {
  try {
    const first = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ')[0];
    return first ? Number(first) : undefined;
  } catch {
    return undefined;
  }
}

function vmHwm(pid: number | undefined): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

interface SyncRun {
  /** From the spawn to the first action line on stdout (the first transfer done); NaN if none. */
  firstMs: number;
  /** The CLI's CPU time until then (ms), from /proc; 0 if not readable. */
  firstCpuMs: number;
  wallMs: number;
  cpuMs: number;
  /** Peak RSS of the node process (bytes). */
  peakRss: number;
  uploads: number;
  failed: number;
  summaryDone: number;
}

/**
 * Runs `node bin.js …args --json` as a child, under `/usr/bin/time -f %M` (the kernel's maxrss of
 * the child: its true peak) when that is there, else polling VmHWM in /proc/PID/status every 10 ms.
 */
async function syncOnce(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<SyncRun> {
  const timeFile = join(cwd, 'time.out');
  await rm(timeFile, { force: true });
  const useTime = existsSync(TIME);
  const nodeArgs = [CLI_BIN, ...args];
  const start = process.hrtime.bigint();
  const child = useTime
    ? spawn(TIME, ['-o', timeFile, '-f', '%M %U %S', process.execPath, ...nodeArgs], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, nodeArgs, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let polled = 0;
  const poller = useTime ? undefined : setInterval(() => (polled = Math.max(polled, vmHwm(child.pid))), 10);
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  const result: SyncRun = {
    firstMs: Number.NaN,
    firstCpuMs: 0,
    wallMs: 0,
    cpuMs: 0,
    peakRss: 0,
    uploads: 0,
    failed: 0,
    summaryDone: -1,
  };
  for await (const line of createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY })) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { type: string; op?: string; status?: string; done?: number; failed?: number };
    if (entry.type === 'action') {
      if (Number.isNaN(result.firstMs)) {
        result.firstMs = Number(process.hrtime.bigint() - start) / 1e6;
        result.firstCpuMs = cpuOfPid(useTime ? childOf(child.pid) : child.pid);
      }
      if (entry.status === 'failed') result.failed++;
      else if (entry.op === 'upload') result.uploads++;
    } else if (entry.type === 'summary') {
      result.summaryDone = entry.done ?? -1;
      result.failed = Math.max(result.failed, entry.failed ?? 0);
    }
  }
  const code = await exited;
  result.wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (poller) clearInterval(poller);
  if (code !== 0) throw new Error(`stowage ${args.join(' ')} exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' / ')}`);
  if (useTime) {
    const [maxKiB, user, system] = (await readFile(timeFile, 'utf8')).trim().split('\n').pop()!.split(' ').map(Number);
    result.peakRss = maxKiB! * 1024;
    result.cpuMs = (user! + system!) * 1000;
  } else {
    result.peakRss = polled;
    result.cpuMs = 0; // not known without /usr/bin/time
  }
  return result;
}

interface Measured {
  dest: Dest;
  count: number;
  first: SyncRun;
  again: SyncRun;
}

/** The metrics of the last `metrics()` call: the one runTimed reports, whose labels get the peak RSS. */
let reported: MetricSpec[] = [];

function metricsOf(cfg: BenchConfig): MetricSpec[] {
  const out: MetricSpec[] = [];
  for (const count of countsOf(cfg)) {
    for (const dest of DESTS) {
      const what = `sync ${fmtCount(count)} files → ${destLabel[dest]}`;
      out.push(
        { name: `${dest}.${count}.first`, label: `${what}: first transfer done (from spawn)`, unit: 'ops/s', amount: 1 },
        { name: `${dest}.${count}.wall`, label: `${what}: whole sync`, unit: 'ops/s', amount: count },
        { name: `${dest}.${count}.again`, label: `${what}: second sync (copies nothing)`, unit: 'keys/s', amount: count },
      );
    }
  }
  reported = out;
  return out;
}

/** The case's own table: times, peak RSS and the targets (printed, and the RSS put into the labels). */
function report(cfg: BenchConfig, all: Measured[]): void {
  const [small, large] = countsOf(cfg);
  const lines = [
    '',
    `cli.sync: stowage sync of small files (16–64 B) with the built CLI, one child process per sync (peak RSS: ${existsSync(TIME) ? '/usr/bin/time %M' : 'VmHWM polled'})`,
    '| destination | files | first transfer done | whole sync | files/s | CPU | peak RSS | second sync | copied again |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const m of all) {
    lines.push(
      `| ${destLabel[m.dest]} | ${fmtCount(m.count)} | ${fmtS(m.first.firstMs)} | ${fmtS(m.first.wallMs)} | ${Math.round((m.count * 1000) / m.first.wallMs)} | ${fmtS(m.first.cpuMs)} | ${fmtMiB(m.first.peakRss)} | ${fmtS(m.again.wallMs)} (${fmtMiB(m.again.peakRss)}) | ${m.again.uploads} |`,
    );
  }
  lines.push('', 'targets:');
  for (const m of all) {
    const met = m.first.firstMs <= FIRST_LIMIT_MS;
    lines.push(
      `  ${met ? 'met ' : 'MISS'}  first transfer ≤ 2 s: ${destLabel[m.dest]}, ${fmtCount(m.count)} files: ${fmtS(m.first.firstMs)}`,
    );
  }
  for (const dest of DESTS) {
    const a = all.find((m) => m.dest === dest && m.count === small);
    const b = all.find((m) => m.dest === dest && m.count === large);
    if (!a || !b) continue;
    const growth = b.first.peakRss - a.first.peakRss;
    const met = growth <= GROWTH_LIMIT;
    lines.push(
      `  ${met ? 'met ' : 'MISS'}  peak RSS at ${fmtCount(large)} ≤ at ${fmtCount(small)} + 64 MiB: ${destLabel[dest]}: ${fmtMiB(a.first.peakRss)} → ${fmtMiB(b.first.peakRss)} = ${growth >= 0 ? '+' : ''}${fmtMiB(growth)}`,
    );
    const label = reported.find((x) => x.name === `${dest}.${large}.wall`);
    if (label)
      label.label += `; peak RSS ${growth >= 0 ? '+' : ''}${fmtMiB(growth)} over ${fmtCount(small)} (≤ 64 MiB: ${met ? 'met' : 'MISSED'})`;
  }
  for (const m of all) {
    lines.push(
      `  ${m.again.uploads === 0 ? 'met ' : 'MISS'}  second sync copies nothing: ${destLabel[m.dest]}, ${fmtCount(m.count)} files: ${m.again.uploads} copied`,
    );
    const wall = reported.find((x) => x.name === `${m.dest}.${m.count}.wall`);
    if (wall) wall.label = wall.label.replace(': whole sync', `: whole sync, peak RSS ${fmtMiB(m.first.peakRss)}`);
    const first = reported.find((x) => x.name === `${m.dest}.${m.count}.first`);
    if (first) first.label += ` (≤ 2 s: ${m.first.firstMs <= FIRST_LIMIT_MS ? 'met' : 'MISSED'})`;
  }
  console.log(`${lines.join('\n')}\n`);
}

export const cliSyncCase: TimedCase = {
  kind: 'timed',
  id: 'cli.sync',
  group: 'cli',
  server: 's3rver',
  title: 'CLI sync of many small files: first transfer, whole sync, peak RSS, second sync',
  // One sync per destination and size: 200,000 files to s3rver take minutes.
  reps: () => 1,
  metrics: metricsOf,
  async subjects(cfg, dir) {
    if (!existsSync(CLI_BIN)) throw new Error(`${CLI_BIN} is missing: run pnpm build first (the case times the built binary)`);
    const info: ServerInfo | undefined = cfg.servers.find((s) => s.id === 's3rver');
    if (!info) throw new Error('s3rver is not running');
    const counts = countsOf(cfg);
    const trees = join(dir, 'trees');
    const store = join(dir, 'store');
    const bucket = `stowage-bench-sync-${process.pid}`;
    // Nothing of the user's: no session store, config file or AWS profile but these.
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: dir,
      STOWAGE_CONFIG: join(dir, 'no-config.toml'),
      AWS_ACCESS_KEY_ID: info.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: info.credentials.secretAccessKey,
      AWS_REGION: 'us-east-1',
    };
    const target = (dest: Dest, prefix: string) =>
      dest === 'local' ? ['--store', store, `stow://bench/${prefix}/`] : ['--endpoint-url', info.endpoint, `s3://${bucket}/${prefix}/`];
    const syncArgs = (dest: Dest, tree: string, prefix: string) => {
      const [flag, value, location] = target(dest, prefix) as [string, string, string];
      return [flag, value, 'sync', '--json', join(trees, tree), location];
    };
    let runs = 0;
    /** Each size, each destination: a sync of the tree into a fresh prefix, then the same sync again. */
    const measureAll = async (all: Measured[], times: Record<string, Timing>) => {
      for (const count of counts) {
        for (const dest of DESTS) {
          const args = syncArgs(dest, String(count), `r${runs}-n${count}`);
          const first = await syncOnce(args, env, dir);
          if (first.uploads !== count || first.failed > 0)
            throw new Error(`sync of ${count} files to ${dest}: ${first.uploads} uploaded, ${first.failed} failed`);
          const again = await syncOnce(args, env, dir);
          all.push({ dest, count, first, again });
          console.error(
            `  cli.sync: ${destLabel[dest]}, ${fmtCount(count)} files: first transfer ${fmtS(first.firstMs)}, whole ${fmtS(first.wallMs)}, peak RSS ${fmtMiB(first.peakRss)}; again ${fmtS(again.wallMs)}, ${again.uploads} copied`,
          );
          times[`${dest}.${count}.first`] = { ms: first.firstMs, cpuMs: first.firstCpuMs };
          times[`${dest}.${count}.wall`] = { ms: first.wallMs, cpuMs: first.cpuMs };
          times[`${dest}.${count}.again`] = { ms: again.wallMs, cpuMs: again.cpuMs };
        }
      }
    };
    const subject: Subject = {
      name: 'stowage CLI sync (dist/bin.js)',
      role: 'stowage',
      note: 'the built binary, `stowage sync --json FOLDER DEST`, a fresh node process per sync (default 8 transfers); "first transfer done" is the time from the spawn to the first NDJSON action line on stdout (a line prints as its transfer completes); peak RSS is /usr/bin/time %M of the node process',
      async setup() {
        await mkdir(store, { recursive: true });
        await run(process.execPath, [CLI_BIN, '--store', store, 'mb', 'stow://bench'], { cwd: dir, env });
        await run(process.execPath, [CLI_BIN, '--endpoint-url', info.endpoint, 'mb', `s3://${bucket}`], { cwd: dir, env });
        await makeTree(join(trees, 'warmup'), WARMUP_FILES);
        for (const count of counts) await makeTree(join(trees, String(count)), count);
      },
      async run(warmup) {
        runs++;
        if (warmup) {
          for (const dest of DESTS) {
            const r = await syncOnce(syncArgs(dest, 'warmup', `warmup${runs}`), env, dir);
            if (r.uploads !== WARMUP_FILES) throw new Error(`warm-up sync to ${dest} copied ${r.uploads} of ${WARMUP_FILES} files`);
          }
          return {};
        }
        const times: Record<string, Timing> = {};
        const all: Measured[] = [];
        try {
          await measureAll(all, times);
        } catch (error) {
          // Keep (and show) what was measured before the failure.
          report(cfg, all);
          throw new PartialRunError(error instanceof Error ? error.message : String(error), times);
        }
        report(cfg, all);
        const copied = all.filter((m) => m.again.uploads > 0 || m.again.summaryDone !== 0);
        if (copied.length > 0)
          throw new PartialRunError(
            `the second sync copied files: ${copied.map((m) => `${destLabel[m.dest]} ${fmtCount(m.count)}: ${m.again.uploads} (summary done ${m.again.summaryDone})`).join(', ')}`,
            times,
          );
        return times;
      },
      async cleanup() {},
      async teardown() {
        // s3rver's data folder goes when the bench stops it; the local store with the scratch folder.
      },
    };
    return [subject];
  },
};
