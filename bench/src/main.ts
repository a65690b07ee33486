// `pnpm bench [--quick] [--only ids] [--no-s3] [--no-ceph] [--reps n] [--profile]`
//
// Runs every case in its own child process (fresh heap, no garbage carried between cases), each
// repetition going round all subjects of the case in a rotating order; prints the table of medians
// and ratios (stowage ÷ baseline), checks the targets, and writes results/<mode>.{json,md,svg}.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CASES, type CaseDef } from './cases.js';
import { makeConfig, type BenchConfig } from './config.js';
import { writeOutputs } from './output.js';
import { checkTargets, textTable } from './report.js';
import type { CaseResult, ChildMessage } from './results.js';
import { findCeph, startS3rver, type RunningServer } from './servers.js';
import { GiB } from './util.js';

const benchDir = dirname(dirname(fileURLToPath(import.meta.url)));
const repoDir = dirname(benchDir);

interface Args {
  quick: boolean;
  only: string[];
  s3: boolean;
  ceph: boolean;
  reps?: number;
  warmup?: number;
  profile: boolean;
  subjects?: string[];
  resume: boolean;
  out: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, only: [], s3: true, ceph: true, profile: false, resume: false, out: join(benchDir, 'results') };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--') continue;
    else if (arg === '--quick') args.quick = true;
    else if (arg === '--only') args.only.push(...value().split(','));
    else if (arg === '--no-s3') args.s3 = false;
    else if (arg === '--no-ceph') args.ceph = false;
    else if (arg === '--reps') args.reps = Number(value());
    else if (arg === '--warmup') args.warmup = Number(value());
    else if (arg === '--profile') args.profile = true;
    else if (arg === '--resume') args.resume = true;
    else if (arg === '--subjects') args.subjects = value().split(',');
    else if (arg === '--out') args.out = value();
    else if (arg === '--help' || arg === '-h') {
      console.log(
        'pnpm bench [--quick] [--only id[,id...]] [--subjects name[,name...]] [--no-s3] [--no-ceph] [--reps n] [--warmup n] [--profile] [--resume] [--out dir]',
      );
      console.log(`cases: ${CASES.map((c) => c.id).join(', ')}`);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg} (try --help)`);
  }
  return args;
}

function git(...args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: repoDir, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

function mountOf(path: string): string {
  try {
    const mounts = readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' '))
      .filter((f) => f.length > 2 && path.startsWith(f[1]!))
      .sort((a, b) => b[1]!.length - a[1]!.length);
    const m = mounts[0];
    return m ? `${m[2]} (${m[0]} on ${m[1]})` : 'unknown';
  } catch {
    return 'unknown';
  }
}

function machine() {
  const cpu = cpus();
  return {
    cpu: `${cpu[0]?.model ?? 'unknown'} × ${cpu.length}`,
    memory: `${(totalmem() / GiB).toFixed(1)} GiB`,
    kernel: `Linux ${release()}`,
    node: process.version,
    tmp: `${tmpdir()}: ${mountOf(tmpdir())}`,
    commit: git('rev-parse', '--short', 'HEAD'),
    driversDirty: git('status', '--porcelain', '--', 'packages').split('\n').filter(Boolean).length,
  };
}

/** Runs one child: timed cases (one, or several in a quick run), or one subject of an RSS case. */
function runChild(defs: CaseDef[], cfg: BenchConfig, args: Args, index?: number): Promise<CaseResult[]> {
  const def = defs[0]!;
  const ids = defs.map((d) => d.id).join(',');
  const label = index === undefined ? (defs.length > 1 ? `${cfg.mode} batch` : def.id) : `${def.id}#${index}`;
  const flags = ['--expose-gc', '--import', 'tsx'];
  // One folder per child: Node writes a profile per thread (tsx's loader runs in a worker thread).
  if (args.profile) flags.unshift('--cpu-prof', '--cpu-prof-dir', join(benchDir, 'profiles', label.replace(/[^a-z0-9.]+/gi, '_')));
  const child = spawn(
    process.execPath,
    [...flags, join(benchDir, 'src', 'child.ts'), def.kind, ids, JSON.stringify(cfg), String(index ?? '')],
    {
      cwd: benchDir,
      env: { ...process.env, TSX_TSCONFIG_PATH: join(benchDir, 'tsconfig.run.json') },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const limitMs = (cfg.mode === 'quick' ? 5 : 45) * 60_000 * defs.length;
  return new Promise((resolve) => {
    const results: CaseResult[] = [];
    const timer = setTimeout(() => {
      console.error(`  ${label}: no result after ${limitMs / 60_000} min, stopping it`);
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, limitMs);
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'progress') console.error(`  ${label}: ${message.text}`);
      else {
        results.push(message.result);
        console.error(`${message.result.id}: done`);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) console.error(`  ${label}: child exited with ${code}`);
      resolve(results);
    });
  });
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const cfg = makeConfig(args.quick ? 'quick' : 'full');
  if (args.reps !== undefined) {
    cfg.reps = args.reps;
    cfg.listReps = args.reps;
  }
  if (args.warmup !== undefined) cfg.warmup = args.warmup;
  if (args.subjects) cfg.subjects = args.subjects;
  const started = Date.now();
  const info = machine();
  const loadBefore = loadavg();
  const command = `pnpm bench${process.argv
    .slice(2)
    .filter((a) => a !== '--')
    .map((a) => ` ${a}`)
    .join('')}`;

  const selected = CASES.filter(
    (c) => args.only.length === 0 || args.only.some((o) => c.id === o || c.id.startsWith(`${o}.`) || c.group === o),
  );
  const needsS3 = args.s3 && selected.some((c) => c.server !== undefined);

  const free = statfsSync(tmpdir());
  const freeBytes = free.bavail * free.bsize;
  const needBytes = 3 * Math.max(cfg.largeBytes, cfg.s3Bytes) + (needsS3 ? cfg.s3RssBytes : 0) + GiB;
  console.error(
    `stowage bench (${cfg.mode}): ${info.cpu}, ${info.memory}, Node ${info.node}, commit ${info.commit}${info.driversDirty ? ` (+${info.driversDirty} uncommitted files in packages/)` : ''}`,
  );
  console.error(
    `scratch space ${tmpdir()}: ${(freeBytes / GiB).toFixed(0)} GiB free, this run needs about ${(needBytes / GiB).toFixed(1)} GiB`,
  );
  if (freeBytes < needBytes) throw new Error('not enough free disk space for this run');

  const servers: RunningServer[] = [];
  const skipped = new Map<string, string>();
  try {
    if (needsS3 && selected.some((c) => c.server === 's3rver')) {
      const s3rver = await startS3rver();
      servers.push(s3rver);
      cfg.servers.push(s3rver.info);
      console.error(`s3rver on ${s3rver.info.endpoint}`);
    }
    if (needsS3 && args.ceph && selected.some((c) => c.server === 'ceph')) {
      const ceph = await findCeph();
      if (ceph) {
        cfg.servers.push(ceph);
        console.error(`Ceph RGW answers on ${ceph.endpoint}`);
      } else skipped.set('ceph', 'Ceph RGW does not answer (start it with scripts/ceph-rgw/start.sh)');
    }
    if (!args.ceph) skipped.set('ceph', '--no-ceph');
    if (!args.s3) {
      skipped.set('s3rver', '--no-s3');
      skipped.set('ceph', '--no-s3');
    }

    // Results are saved after every case, so a run that is stopped can go on with --resume.
    const name = args.only.length > 0 || !args.s3 || args.subjects ? `${cfg.mode}-partial` : cfg.mode;
    mkdirSync(args.out, { recursive: true });
    const progressFile = join(args.out, `${name}.progress.json`);
    const results: CaseResult[] = [];
    let secondsBefore = 0;
    if (args.resume && existsSync(progressFile)) {
      const saved = JSON.parse(readFileSync(progressFile, 'utf8')) as { results: CaseResult[]; seconds: number };
      results.push(...saved.results.filter((r) => !('skipped' in r && r.skipped)));
      secondsBefore = saved.seconds;
      console.error(`resuming: ${results.length} results from ${relative(process.cwd(), progressFile)}`);
    }
    const done = (id: string, subject?: string) => results.some((r) => r.id === id && (r.kind === 'timed' || r.name === subject));
    const save = () => writeFileSync(progressFile, JSON.stringify({ results, seconds: secondsBefore + (Date.now() - started) / 1000 }));
    const runnable: CaseDef[] = [];
    for (const def of selected) {
      const why = def.server ? skipped.get(def.server) : undefined;
      if (def.kind === 'timed' && done(def.id)) continue;
      if (!why) {
        runnable.push(def);
        continue;
      }
      if (def.kind === 'timed')
        results.push({
          kind: 'timed',
          id: def.id,
          group: def.group,
          title: def.title,
          metrics: [],
          subjects: [],
          reps: 0,
          warmup: 0,
          seconds: 0,
          skipped: why,
        });
      console.error(`${def.id}: skipped (${why})`);
    }
    // A full run gives every case a fresh process; a quick run (a smoke check) shares one among
    // the timed cases, since starting a process with the TypeScript loader costs seconds.
    if (cfg.mode === 'quick') {
      const timed = runnable.filter((d) => d.kind === 'timed');
      if (timed.length > 0) results.push(...(await runChild(timed, cfg, args)));
    }
    for (const def of runnable) {
      if (cfg.mode === 'quick' && def.kind === 'timed') continue;
      const t0 = Date.now();
      console.error(`${def.id}: ${def.title}`);
      if (def.kind === 'timed') {
        results.push(...(await runChild([def], cfg, args)));
        save();
      } else {
        const adapters = def.adapters(cfg, tmpdir());
        for (let i = 0; i < adapters.length; i++) {
          // RSS is watched for stowage and its raw baseline only: the bound is stowage's, the baseline
          // shows what the medium itself costs, and each peer streaming 2 GiB in a fresh process
          // would cost up to 25 s of the run's 20 minutes. A case that is cheap per process (one
          // put of what a store holds) watches the peers too (`allRoles`).
          if (!def.allRoles && adapters[i]!.role !== 'stowage' && adapters[i]!.role !== 'baseline') continue;
          if (cfg.subjects && !cfg.subjects.some((subject) => adapters[i]!.name.includes(subject))) continue;
          if (done(def.id, adapters[i]!.name)) continue;
          results.push(...(await runChild([def], cfg, args, i)));
          save();
        }
      }
      console.error(`${def.id}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }

    const seconds = secondsBefore + (Date.now() - started) / 1000;
    // Back in the order of the cases (a resumed run appends what it ran to what it had).
    const order = (r: CaseResult) => CASES.findIndex((c) => c.id === r.id);
    results.sort((a, b) => order(a) - order(b));
    const loadAfter = loadavg();
    const checks = checkTargets(results);
    console.log(`\n${textTable(results)}\n`);
    console.log('targets:');
    for (const c of checks)
      console.log(`  ${c.met === undefined ? 'n/a ' : c.met ? 'met ' : 'MISS'}  ${c.target}: ${c.what}: ${c.measured} (${c.required})`);
    console.log(
      `\n${cfg.mode} run: ${(seconds / 60).toFixed(1)} min; load average ${loadBefore[0]!.toFixed(2)} before, ${loadAfter[0]!.toFixed(2)} after`,
    );

    const meta = {
      ...info,
      command: command.replace(' --resume', ''),
      mode: cfg.mode,
      date: new Date().toISOString(),
      seconds,
      loadBefore,
      loadAfter,
      servers: cfg.servers.map((s) => s.label),
      skipped: Object.fromEntries(skipped),
    };
    const { servers: _servers, ...config } = cfg;
    writeOutputs(args.out, name, { meta, config, results });
    rmSync(progressFile, { force: true });
    console.log(`wrote ${relative(process.cwd(), join(args.out, name))}.{json,md,svg}`);
  } finally {
    for (const s of servers) await s.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
