// Turns raw samples into the table (medians, throughput, spread, ratios), checks the targets, and
// renders text for the terminal and Markdown for docs/benchmarks.md.
import type { Role } from './adapters.js';
import { fmtBytes, type MetricSpec } from './cases.js';
import type { CaseResult, RssResult, TimedResult } from './results.js';
import { MiB } from './util.js';

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One line of the table: a subject's result on one metric of one case. */
export interface Row {
  caseId: string;
  group: string;
  metric: MetricSpec;
  subject: string;
  role: Role;
  note?: string;
  /** Median milliseconds per run, and the spread (max − min) ÷ median. */
  medianMs?: number;
  spread?: number;
  samples: number;
  /** MiB/s, ops/s or keys/s, from the median. */
  throughput?: number;
  /** stowage's throughput ÷ this row's (≥ 1: stowage is as fast or faster). Undefined on stowage's own row. */
  ratio?: number;
  /** Median CPU milliseconds per run (the whole process, all threads). */
  medianCpuMs?: number;
  /** This row's CPU time ÷ stowage's (≥ 1: stowage needs as little CPU or less). */
  cpuRatio?: number;
  error?: string;
}

export function rowsOf(result: TimedResult): Row[] {
  const rows: Row[] = [];
  for (const metric of result.metrics) {
    const stowage = result.subjects.find((s) => s.role === 'stowage');
    const throughputOf = (samples: number[] | undefined) => {
      if (!samples || samples.length === 0) return undefined;
      const ms = median(samples);
      const amount = metric.unit === 'MiB/s' ? metric.amount / MiB : metric.amount;
      return amount / (ms / 1000);
    };
    const stowageThroughput = throughputOf(stowage?.samples[metric.name]);
    const stowageCpu = stowage?.cpuSamples?.[metric.name];
    const stowageCpuMs = stowageCpu && stowageCpu.length > 0 ? median(stowageCpu) : undefined;
    for (const subject of result.subjects) {
      const samples = subject.samples[metric.name];
      if (!samples && !subject.error) continue; // this subject does not measure this metric
      const throughput = throughputOf(samples);
      const row: Row = {
        caseId: result.id,
        group: result.group,
        metric,
        subject: subject.name,
        role: subject.role,
        samples: samples?.length ?? 0,
        ...(subject.note ? { note: subject.note } : {}),
        ...(subject.error ? { error: subject.error } : {}),
      };
      if (samples && samples.length > 0) {
        row.medianMs = median(samples);
        row.spread = (Math.max(...samples) - Math.min(...samples)) / row.medianMs;
        row.throughput = throughput!;
        if (subject.role !== 'stowage' && stowageThroughput !== undefined) row.ratio = stowageThroughput / throughput!;
        const cpu = subject.cpuSamples?.[metric.name];
        if (cpu && cpu.length > 0) {
          row.medianCpuMs = median(cpu);
          if (subject.role !== 'stowage' && stowageCpuMs !== undefined && stowageCpuMs > 0) row.cpuRatio = row.medianCpuMs / stowageCpuMs;
        }
      }
      rows.push(row);
    }
  }
  return rows;
}

// ---- targets --------------------------------------------------------------------------------

export interface TargetCheck {
  target: string;
  what: string;
  measured: string;
  required: string;
  met: boolean | undefined;
}

/** A ratio with two decimals, or two significant digits below 0.1 (so 0.004 does not read 0.00). */
export const ratioText = (r: number) => (r >= 0.1 ? r.toFixed(2) : r.toPrecision(2));
const fmtRatio = (r: number | undefined) => (r === undefined ? 'n/a' : `${ratioText(r)}×`);
const fmtMiB = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;
const fmtUs = (us: number) => `${us >= 100 ? us.toFixed(0) : us >= 10 ? us.toFixed(1) : us.toFixed(2)} µs`;

export function checkTargets(results: CaseResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const timed = results.filter((r): r is TimedResult => r.kind === 'timed' && !r.skipped);
  const rss = results.filter((r): r is RssResult => r.kind === 'rss' && !r.skipped);
  const rowsFor = (id: string) => timed.filter((r) => r.id === id).flatMap(rowsOf);

  // Local large read and write: ≥ 1.0× raw node:fs and every peer (issue 15: no regression).
  for (const row of rowsFor('local.large')) {
    if (row.role !== 'baseline' && row.role !== 'peer') continue;
    checks.push({
      target: row.role === 'baseline' ? 'local large ≥ 1.0× raw fs' : 'local large ≥ 1.0× every peer',
      what: `${row.metric.name} vs ${row.subject}`,
      measured: fmtRatio(row.ratio),
      required: '≥ 1.00×',
      met: row.ratio === undefined ? undefined : row.ratio >= 1,
    });
  }
  // Small objects, local: ≥ 1.0× the best (fastest) peer, per operation.
  for (const id of ['local.small']) {
    const rows = rowsFor(id);
    for (const metric of new Set(rows.map((r) => r.metric.name))) {
      const peers = rows.filter((r) => r.metric.name === metric && r.role === 'peer' && r.ratio !== undefined);
      if (peers.length === 0) continue;
      const best = peers.reduce((a, b) => (a.ratio! <= b.ratio! ? a : b)); // lowest ratio = fastest peer
      checks.push({
        target: `${id.split('.')[0]} small ≥ 1.0× best peer`,
        what: `${metric} vs ${best.subject}`,
        measured: fmtRatio(best.ratio),
        required: '≥ 1.00×',
        met: best.ratio! >= 1,
      });
    }
  }
  // Memory (MemoryStorage), against the peers' memory drivers: small objects ≥ 0.5× unstorage and
  // ≥ 3× opendal per operation, the listing ≥ 1.0× unstorage, the large write and read ≥ 1.0× both.
  const memoryTargets: [id: string, peer: string, at: number][] = [
    ['memory.small', 'unstorage', 0.5],
    ['memory.small', 'opendal', 3],
    ['memory.list', 'unstorage', 1],
    ['memory.large', 'unstorage', 1],
    ['memory.large', 'opendal', 1],
  ];
  for (const [id, peer, at] of memoryTargets) {
    for (const row of rowsFor(id).filter((r) => r.role === 'peer' && r.subject.startsWith(peer))) {
      checks.push({
        target: `${id} ≥ ${at.toFixed(1)}× ${peer}`,
        what: `${row.metric.name} vs ${row.subject}`,
        measured: fmtRatio(row.ratio),
        required: `≥ ${at.toFixed(2)}×`,
        met: row.ratio === undefined ? undefined : row.ratio >= at,
      });
    }
  }
  // Scale: stowage's time per operation at the large store ÷ at the small one, ≤ 2.
  for (const result of timed.filter((r) => r.id === 'memory.scale')) {
    const stowage = result.subjects.find((s) => s.role === 'stowage');
    if (!stowage) continue;
    for (const op of ['put', 'get', 'page']) {
      const small = result.metrics.find((m) => m.name === `${op}.small`);
      const large = result.metrics.find((m) => m.name === `${op}.large`);
      const a = stowage.samples[`${op}.small`];
      const b = stowage.samples[`${op}.large`];
      if (!small || !large) continue;
      const at = (m: MetricSpec) => m.label.split(', ').pop()!;
      const what = `${op}: time per ${op === 'page' ? 'page of 1,000' : 'operation'}, ${at(large)} ÷ ${at(small)}`;
      if (!a?.length || !b?.length) {
        checks.push({
          target: 'memory scale: large store ≤ 2× small',
          what,
          measured: stowage.error ? `failed: ${stowage.error.slice(0, 60)}` : 'n/a',
          required: '≤ 2.00×',
          met: undefined,
        });
        continue;
      }
      const per = (m: MetricSpec) => (op === 'page' ? m.amount / 1000 : m.amount);
      const usSmall = (median(a) * 1000) / per(small);
      const usLarge = (median(b) * 1000) / per(large);
      const ratio = usLarge / usSmall;
      checks.push({
        target: 'memory scale: large store ≤ 2× small',
        what,
        measured: `${fmtUs(usSmall)} → ${fmtUs(usLarge)} = ${ratioText(ratio)}×`,
        required: '≤ 2.00×',
        met: ratio <= 2,
      });
    }
  }
  // S3: ≥ 0.95× the raw SDK on the same server, every case.
  for (const result of timed.filter((r) => r.group === 's3rver' || r.group === 'ceph')) {
    for (const row of rowsOf(result).filter((r) => r.role === 'baseline')) {
      checks.push({
        target: `S3 ≥ 0.95× raw SDK (${result.group})`,
        what: row.metric.label,
        measured: fmtRatio(row.ratio),
        required: '≥ 0.95×',
        met: row.ratio === undefined ? undefined : row.ratio >= 0.95,
      });
    }
  }
  // CLI start-up: each command's wall time ≤ 1.6× an empty node process's (the ratio column is
  // node's time ÷ the CLI's, as for every throughput, so the check reads its inverse).
  for (const row of rowsFor('cli.start').filter((r) => r.role === 'baseline')) {
    checks.push({
      target: 'CLI start ≤ 1.6× node -e 0',
      what: row.metric.label,
      measured: row.ratio === undefined ? 'n/a' : `${ratioText(1 / row.ratio)}× node -e 0`,
      required: '≤ 1.60×',
      met: row.ratio === undefined ? undefined : 1 / row.ratio <= 1.6,
    });
  }
  // RSS growth: the peak while streaming through, or what holding the bytes costs.
  for (const r of rss.filter((x) => x.role === 'stowage' && !x.error)) {
    const target =
      r.measure === 'held'
        ? `RSS growth holding ${fmtBytes(r.bytes)} in ${r.name}`
        : `peak RSS growth, ${fmtBytes(r.bytes)} through ${r.name}`;
    checks.push({
      target,
      what: r.limit.rule,
      measured: fmtMiB(r.growth),
      required: `≤ ${fmtMiB(r.limit.bytes)}`,
      met: r.growth <= r.limit.bytes,
    });
  }
  return checks;
}

// ---- rendering ------------------------------------------------------------------------------

function fmtThroughput(value: number | undefined, unit: string): string {
  if (value === undefined) return '—';
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${unit}`;
}

function fmtMs(ms: number | undefined): string {
  if (ms === undefined) return '—';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${ms.toFixed(ms >= 100 ? 0 : 1)} ms`;
}

const roleMark: Record<Role, string> = { stowage: '', baseline: ' (baseline)', peer: '', reference: ' (reference)' };

export const RATIO_HEADER = 'stowage ÷ this (≥ 1 good)';
export const CPU_HEADER = 'CPU: this ÷ stowage (≥ 1 good)';

/** Markdown tables, one per place (local, memory, each S3 server), plus the RSS table. */
export function markdownTables(results: CaseResult[]): string {
  const out: string[] = [];
  const timed = results.filter((r): r is TimedResult => r.kind === 'timed');
  for (const group of [...new Set(timed.map((r) => r.group))]) {
    out.push(`#### ${groupTitle(group)}`, '');
    out.push(
      `| case | subject | median | throughput | spread | ${RATIO_HEADER} | CPU per run | ${CPU_HEADER} |`,
      '|---|---|---:|---:|---:|---:|---:|---:|',
    );
    for (const result of timed.filter((r) => r.group === group)) {
      if (result.skipped) {
        out.push(`| ${result.title} | skipped: ${result.skipped} | | | | | | |`);
        continue;
      }
      let lastMetric = '';
      for (const row of rowsOf(result)) {
        const label = row.metric.label !== lastMetric ? row.metric.label : '';
        lastMetric = row.metric.label;
        const name = row.role === 'stowage' ? `**${row.subject}**` : `${row.subject}${roleMark[row.role]}`;
        const ratio = row.error
          ? `failed: ${row.error.slice(0, 80)}`
          : row.role === 'stowage'
            ? '—'
            : row.ratio === undefined
              ? 'n/a'
              : ratioText(row.ratio);
        out.push(
          `| ${label} | ${name} | ${fmtMs(row.medianMs)} | ${fmtThroughput(row.throughput, row.metric.unit)} | ${row.spread === undefined ? '—' : `±${((row.spread * 100) / 2).toFixed(0)}%`} | ${ratio} | ${fmtMs(row.medianCpuMs)} | ${row.role === 'stowage' ? '—' : row.cpuRatio === undefined ? 'n/a' : ratioText(row.cpuRatio)} |`,
        );
      }
    }
    out.push('');
  }
  const rss = results.filter((r): r is RssResult => r.kind === 'rss' && r.measure !== 'held');
  if (rss.length > 0) {
    out.push('#### Peak RSS growth while streaming (fresh process per row)', '');
    out.push(
      '| driver case | subject | bytes streamed (in, then out) | RSS before | peak RSS | growth | time |',
      '|---|---|---:|---:|---:|---:|---:|',
    );
    let last = '';
    for (const r of rss) {
      const label = r.id !== last ? r.title.replace('Peak RSS growth streaming through the ', '') : '';
      last = r.id;
      const name = r.role === 'stowage' ? `**${r.name}**` : `${r.name}${roleMark[r.role]}`;
      if (r.skipped || r.error) {
        out.push(
          `| ${label} | ${name} | ${fmtBytes(r.bytes)} | | | ${r.skipped ? `skipped: ${r.skipped}` : `failed: ${r.error!.slice(0, 80)}`} | |`,
        );
        continue;
      }
      out.push(
        `| ${label} | ${name} | ${fmtBytes(r.bytes)} | ${fmtMiB(r.startRss)} | ${fmtMiB(r.peakRss)} | ${fmtMiB(r.growth)} | ${r.seconds.toFixed(1)} s |`,
      );
    }
    out.push('');
  }
  const held = results.filter((r): r is RssResult => r.kind === 'rss' && r.measure === 'held');
  if (held.length > 0) {
    out.push('#### RSS growth while a store holds what was put (fresh process per row)', '');
    out.push(
      '| case | subject | bytes put (64 KiB chunks) | RSS before | peak RSS while putting | RSS holding (after GC) | growth | time |',
      '|---|---|---:|---:|---:|---:|---:|---:|',
    );
    let last = '';
    for (const r of held) {
      const label = r.id !== last ? r.id : '';
      last = r.id;
      const name = r.role === 'stowage' ? `**${r.name}**` : `${r.name}${roleMark[r.role]}`;
      if (r.skipped || r.error) {
        out.push(
          `| ${label} | ${name} | ${fmtBytes(r.bytes)} | | | | ${r.skipped ? `skipped: ${r.skipped}` : `failed: ${r.error!.slice(0, 80)}`} | |`,
        );
        continue;
      }
      out.push(
        `| ${label} | ${name} | ${fmtBytes(r.bytes)} | ${fmtMiB(r.startRss)} | ${fmtMiB(r.peakRss)} | ${fmtMiB(r.heldRss ?? Number.NaN)} | ${fmtMiB(r.growth)} | ${r.seconds.toFixed(1)} s |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}

export function markdownTargets(checks: TargetCheck[]): string {
  const out = ['| target | what | measured | required | met |', '|---|---|---:|---:|:---:|'];
  for (const c of checks)
    out.push(`| ${c.target} | ${c.what} | ${c.measured} | ${c.required} | ${c.met === undefined ? 'n/a' : c.met ? 'yes' : '**no**'} |`);
  return out.join('\n');
}

/** Notes on what subjects do differently, once each. */
export function markdownNotes(results: CaseResult[]): string {
  const notes = new Map<string, string>();
  for (const r of results) {
    if (r.kind === 'timed') for (const s of r.subjects) if (s.note) notes.set(s.name, s.note);
    if (r.kind === 'rss' && r.note) notes.set(r.name, r.note);
  }
  return [...notes].map(([name, note]) => `- ${name}: ${note}`).join('\n');
}

export function groupTitle(group: string): string {
  return (
    (
      {
        local: 'Local disk',
        memory: 'Memory',
        memfs: 'Local driver on memfs (memoryVolume)',
        s3rver: 'S3 on s3rver 3.7.1',
        ceph: 'S3 on Ceph RGW 16.2',
        cli: 'CLI: start-up and sync',
      } as Record<string, string>
    )[group] ?? group
  );
}

/** A compact plain-text table for the terminal. */
export function textTable(results: CaseResult[]): string {
  const lines: string[] = [];
  const pad = (s: string, n: number) => (s.length >= n ? s.slice(0, n) : s + ' '.repeat(n - s.length));
  const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
  lines.push(
    `${pad('case', 44)} ${pad('subject', 36)} ${lpad('median', 9)} ${lpad('throughput', 16)} ${lpad('spread', 7)} ${lpad(RATIO_HEADER, 26)} ${lpad(CPU_HEADER, 32)}`,
  );
  for (const result of results) {
    if (result.kind !== 'timed') continue;
    if (result.skipped) {
      lines.push(`${pad(result.title, 44)} skipped: ${result.skipped}`);
      continue;
    }
    let last = '';
    for (const row of rowsOf(result)) {
      const label = row.metric.label !== last ? `${row.group}: ${row.metric.label}` : '';
      last = row.metric.label;
      const ratio = row.error
        ? `FAILED ${row.error.slice(0, 60)}`
        : row.role === 'stowage'
          ? '—'
          : row.ratio === undefined
            ? 'n/a'
            : ratioText(row.ratio);
      lines.push(
        `${pad(label, 44)} ${pad(row.subject + (row.role === 'baseline' ? ' *' : row.role === 'reference' ? ' (ref)' : ''), 36)} ${lpad(fmtMs(row.medianMs), 9)} ${lpad(fmtThroughput(row.throughput, row.metric.unit), 16)} ${lpad(row.spread === undefined ? '—' : `±${((row.spread * 100) / 2).toFixed(0)}%`, 7)} ${lpad(ratio, 26)} ${lpad(row.role === 'stowage' || row.cpuRatio === undefined ? '—' : ratioText(row.cpuRatio), 32)}`,
      );
    }
  }
  const rss = results.filter((r): r is RssResult => r.kind === 'rss');
  if (rss.length) {
    lines.push('', `${pad('RSS growth (peak, or while holding)', 44)} ${pad('subject', 36)} ${lpad('bytes', 9)} ${lpad('growth', 16)}`);
    for (const r of rss) {
      const id = r.measure === 'held' ? `${r.id} (held after GC)` : `${r.id} (peak)`;
      lines.push(
        `${pad(id, 44)} ${pad(r.name, 36)} ${lpad(fmtBytes(r.bytes), 9)} ${lpad(r.skipped ? 'skipped' : r.error ? `FAILED ${r.error.slice(0, 40)}` : fmtMiB(r.growth), 16)}`,
      );
    }
  }
  lines.push(
    '',
    "* baseline.  ratio = stowage throughput ÷ that row's throughput (= its time ÷ stowage's time); ≥ 1 means stowage is as fast or faster.",
  );
  lines.push('  spread = ±half of (max − min) ÷ median over the timed repetitions.');
  lines.push(
    '  CPU = CPU time of the whole process (all threads) during the run; this ÷ stowage ≥ 1 means stowage needed as little CPU or less.',
  );
  return lines.join('\n');
}
