// Writes a run's results as <name>.json (everything), <name>.md (the tables docs/benchmarks.md
// quotes) and <name>.svg (the chart). `tsx src/render.ts results/full.json` redoes the .md and .svg.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchConfig } from './config.js';
import { checkTargets, markdownNotes, markdownTables, markdownTargets } from './report.js';
import type { CaseResult } from './results.js';
import { renderChart } from './svg.js';

export interface RunMeta {
  cpu: string;
  memory: string;
  kernel: string;
  node: string;
  tmp: string;
  commit: string;
  driversDirty: number;
  command: string;
  mode: string;
  date: string;
  seconds: number;
  loadBefore: number[];
  loadAfter: number[];
  servers: string[];
  skipped: Record<string, string>;
}

export interface RunData {
  meta: RunMeta;
  config: Omit<BenchConfig, 'servers'>;
  results: CaseResult[];
}

export function writeOutputs(out: string, name: string, data: RunData, json = true): void {
  const { meta, config, results } = data;
  const checks = checkTargets(results);
  if (json) writeFileSync(join(out, `${name}.json`), `${JSON.stringify({ ...data, targets: checks }, null, 1)}\n`);
  const reps = `${config.reps} timed repetitions (listings of local and memory: ${config.listReps}) after ${config.warmup} warm-up (an eighth of the size or count, except for listings), medians`;
  // The chart's one line: the short form of `reps`.
  const subtitle = `${meta.command} · ${meta.cpu} · Node ${meta.node} · commit ${meta.commit} · medians of ${config.reps} after a warm-up · ${meta.date.slice(0, 10)}`;
  writeFileSync(join(out, `${name}.svg`), renderChart(results, subtitle));
  const skipped = Object.entries(meta.skipped);
  const md = [
    `<!-- written by ${meta.command} on ${meta.date} -->`,
    `Command: \`${meta.command}\` · ${(meta.seconds / 60).toFixed(1)} min · ${reps} · commit ${meta.commit}${meta.driversDirty ? ` (+${meta.driversDirty} uncommitted files in packages/)` : ''}`,
    `Machine: ${meta.cpu}, ${meta.memory}, ${meta.kernel}, Node ${meta.node}; scratch ${meta.tmp}; load average ${meta.loadBefore[0]!.toFixed(2)} → ${meta.loadAfter[0]!.toFixed(2)}`,
    `S3 servers: ${meta.servers.join(', ') || 'none'}${skipped.length ? `; skipped: ${skipped.map(([k, v]) => `${k} (${v})`).join(', ')}` : ''}`,
    '',
    markdownTables(results),
    '#### Targets',
    '',
    markdownTargets(checks),
    '',
    '#### What differs between subjects',
    '',
    markdownNotes(results),
    '',
  ].join('\n');
  writeFileSync(join(out, `${name}.md`), md);
}
