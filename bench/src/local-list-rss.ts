// Peak RSS while the local driver lists a bucket of 100,000 and of 1,000,000 keys, each listing in
// a fresh node process of the built package: listing streams, so the peak must not grow with the
// number of keys (issue 15: "listing 1,000,000 keys keeps RSS flat"). The files are made by hand
// (plain empty files, as a person or another program adds them), which the driver lists as it does
// its own objects, reading each to give it an ETag.
//
// As in cli-sync.ts, the framework's table holds times; the case prints its own table with the
// peak RSS growth and the target, and writes the growth into its metrics' labels.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { MetricSpec, Subject, TimedCase } from './cases.js';
import type { BenchConfig } from './config.js';
import { MiB, pool, type Timing } from './util.js';

const run = promisify(execFile);
const repoDir = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const LOCAL_DIST = pathToFileURL(join(repoDir, 'packages/local/dist/index.js')).href;

const countsOf = (cfg: BenchConfig): [number, number] => (cfg.mode === 'quick' ? [10_000, 100_000] : [100_000, 1_000_000]);
/** How much more the larger listing's peak RSS growth may be than the smaller one's. */
const FLAT_LIMIT = 32 * MiB;
const fmtCount = (n: number) => n.toLocaleString('en-US');
const fmtMiB = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

// The child: opens the store, settles, resets the kernel's high-water mark, lists every key
// (counting them, keeping none), and prints the count, the time and the RSS before and at peak.
const CHILD = `
import { readFileSync, writeFileSync } from 'node:fs';
const { LocalStorage } = await import(process.env.LOCAL_DIST);
const status = (field) => Number(new RegExp(field + ':\\\\s+(\\\\d+) kB').exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
const storage = new LocalStorage({ root: process.env.ROOT });
await storage.bucketExists('bench');
for (let i = 0; i < 2; i++) { gc(); await new Promise((r) => setTimeout(r, 50)); }
writeFileSync('/proc/self/clear_refs', '5');
const startRss = status('VmRSS');
let sampled = startRss;
const timer = setInterval(() => { sampled = Math.max(sampled, process.memoryUsage.rss()); }, 10);
const started = performance.now();
const cpu = process.cpuUsage();
let keys = 0;
for await (const entry of storage.listObjects('bench')) if (entry.type === 'object') keys++;
const ms = performance.now() - started;
const used = process.cpuUsage(cpu);
clearInterval(timer);
console.log(JSON.stringify({ keys, ms, cpuMs: (used.user + used.system) / 1000, startRss, peakRss: Math.max(status('VmHWM'), sampled) }));
`;

interface Listed {
  keys: number;
  ms: number;
  cpuMs: number;
  startRss: number;
  peakRss: number;
}

/** `count` empty files in `bucket`, 1,000 to a folder: `d0000/f000.txt` … */
async function makeFiles(bucket: string, count: number): Promise<void> {
  const folders = Math.ceil(count / 1000);
  for (let f = 0; f < folders; f++) await mkdir(join(bucket, `d${String(f).padStart(4, '0')}`), { recursive: true });
  await pool(count, 16, (i) =>
    writeFile(join(bucket, `d${String(Math.floor(i / 1000)).padStart(4, '0')}`, `f${String(i % 1000).padStart(3, '0')}.txt`), ''),
  );
}

async function listOnce(root: string): Promise<Listed> {
  const { stdout } = await run(process.execPath, ['--expose-gc', '--input-type=module', '-e', CHILD], {
    env: { ...process.env, LOCAL_DIST, ROOT: root },
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').pop() as string) as Listed;
}

/** The metrics of the last `metrics()` call: the ones the run reports, whose labels get the RSS growth. */
let reported: MetricSpec[] = [];

function metricsOf(cfg: BenchConfig): MetricSpec[] {
  reported = countsOf(cfg).map((count) => ({
    name: `list.${count}`,
    label: `list ${fmtCount(count)} keys`,
    unit: 'keys/s',
    amount: count,
  }));
  return reported;
}

export const localListRssCase: TimedCase = {
  kind: 'timed',
  id: 'rss.local-list',
  group: 'local',
  title: 'Peak RSS growth while the local driver lists 100,000 and 1,000,000 keys (fresh process each)',
  reps: () => 1,
  metrics: metricsOf,
  async subjects(cfg, dir) {
    const counts = countsOf(cfg);
    const roots = new Map(counts.map((count) => [count, join(dir, `root-${count}`)]));
    const subject: Subject = {
      name: 'stowage local (dist), listObjects',
      role: 'stowage',
      note: 'a fresh node process per listing; peak RSS growth = VmHWM (reset after start-up) − RSS before listing; the files are empty, made by hand',
      async setup() {
        for (const [count, root] of roots) await makeFiles(join(root, 'bench'), count);
      },
      async run(warmup) {
        if (warmup) return {};
        const times: Record<string, Timing> = {};
        const listed: [number, Listed][] = [];
        for (const [count, root] of roots) {
          const result = await listOnce(root);
          if (result.keys !== count) throw new Error(`listed ${result.keys} keys of ${count}`);
          listed.push([count, result]);
          times[`list.${count}`] = { ms: result.ms, cpuMs: result.cpuMs };
          console.error(
            `  rss.local-list: ${fmtCount(count)} keys in ${(result.ms / 1000).toFixed(1)} s, peak RSS growth ${fmtMiB(result.peakRss - result.startRss)}`,
          );
        }
        const growth = listed.map(([, r]) => r.peakRss - r.startRss);
        const extra = (growth[1] as number) - (growth[0] as number);
        const lines = [
          `rss.local-list: peak RSS growth ${listed.map(([c], i) => `${fmtCount(c)} keys ${fmtMiB(growth[i] as number)}`).join(', ')};`,
          `  the larger listing grows ${fmtMiB(extra)} more (target ≤ ${fmtMiB(FLAT_LIMIT)}: ${extra <= FLAT_LIMIT ? 'met' : 'MISSED'})`,
        ];
        console.log(lines.join('\n'));
        listed.forEach(([count], i) => {
          const metric = reported.find((m) => m.name === `list.${count}`);
          if (metric) metric.label += `, peak RSS growth ${fmtMiB(growth[i] as number)}`;
        });
        const larger = reported.find((m) => m.name === `list.${counts[1]}`);
        if (larger) larger.label += ` (≤ ${fmtMiB(FLAT_LIMIT)} over ${fmtCount(counts[0])}: ${extra <= FLAT_LIMIT ? 'met' : 'MISSED'})`;
        return times;
      },
      async cleanup() {},
      async teardown() {},
    };
    return [subject];
  },
};
