// A hand-built SVG bar chart: one bar per (case, baseline or peer), the ratio stowage ÷ it on a log
// scale around a 1.0 line, and the peak RSS growth per streaming run against its limit.
import type { CaseResult, RssResult, TimedResult } from './results.js';
import { groupTitle, ratioText, rowsOf } from './report.js';
import { MiB } from './util.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const WIDTH = 980;
const LABEL_W = 500;
const PLOT_X = LABEL_W + 10;
const PLOT_W = WIDTH - PLOT_X - 70;
const ROW_H = 17;
const GREEN = '#2e7d32';
const RED = '#c62828';
const GREY = '#9e9e9e';

/** Ratios on log2 from 1/16 to 16. */
const LOG_MIN = -4;
const LOG_MAX = 4;
function ratioX(ratio: number): number {
  const l = Math.min(LOG_MAX, Math.max(LOG_MIN, Math.log2(ratio)));
  return PLOT_X + ((l - LOG_MIN) / (LOG_MAX - LOG_MIN)) * PLOT_W;
}

/** RSS MiB on log10 from 1 to 10,000. */
function rssX(mib: number): number {
  const l = Math.min(4, Math.max(0, Math.log10(Math.max(mib, 1))));
  return PLOT_X + (l / 4) * PLOT_W;
}

function fmtFraction(l: number): string {
  return l >= 0 ? String(2 ** l) : `1/${2 ** -l}`;
}

export function renderChart(results: CaseResult[], subtitle: string): string {
  const parts: string[] = [];
  /** Grid lines, drawn first (behind the bars). */
  const back: string[] = [];
  let y = 70;
  const text = (x: number, yy: number, s: string, attrs = '') =>
    parts.push(`<text x="${x.toFixed(1)}" y="${yy.toFixed(1)}" ${attrs}>${esc(s)}</text>`);

  // Ratio axis ticks at the top.
  const axis = (top: number, bottom: number) => {
    for (let l = LOG_MIN; l <= LOG_MAX; l++) {
      const x = ratioX(2 ** l);
      back.push(
        `<line x1="${x}" y1="${top}" x2="${x}" y2="${bottom}" stroke="${l === 0 ? '#000' : '#e0e0e0'}" stroke-width="${l === 0 ? 1.5 : 1}"/>`,
      );
      text(x, top - 4, fmtFraction(l), 'text-anchor="middle" font-size="10" fill="#555"');
    }
  };

  const timed = results.filter((r): r is TimedResult => r.kind === 'timed' && !r.skipped);
  const rowsStart = y + 14;
  y = rowsStart;
  for (const group of [...new Set(timed.map((r) => r.group))]) {
    y += 8;
    text(10, y + 11, groupTitle(group), 'font-weight="bold" font-size="12"');
    y += ROW_H;
    for (const result of timed.filter((r) => r.group === group)) {
      for (const row of rowsOf(result)) {
        if (row.role === 'stowage') continue;
        const label = `${row.metric.label} — vs ${row.subject}${row.role === 'baseline' ? ' (baseline)' : row.role === 'reference' ? ' (ref)' : ''}`;
        text(LABEL_W, y + 12, label, 'text-anchor="end" font-size="11"');
        if (row.ratio === undefined) {
          text(PLOT_X + 4, y + 12, row.error ? 'failed' : 'n/a', `font-size="11" fill="${GREY}"`);
        } else {
          const x1 = ratioX(1);
          const x2 = ratioX(row.ratio);
          const colour = row.ratio >= 1 ? GREEN : RED;
          const opacity = row.role === 'reference' ? 0.45 : 0.9;
          parts.push(
            `<rect x="${Math.min(x1, x2).toFixed(1)}" y="${y + 3}" width="${Math.max(1, Math.abs(x2 - x1)).toFixed(1)}" height="${ROW_H - 5}" fill="${colour}" fill-opacity="${opacity}"/>`,
          );
          const clipped = row.ratio < 2 ** LOG_MIN || row.ratio > 2 ** LOG_MAX;
          if (clipped || x2 - PLOT_X < 50 || PLOT_X + PLOT_W - x2 < 40) {
            // Off the scale or near its edge: the value goes inside the bar, at its far end.
            const inside = row.ratio < 1 ? x2 + 3 : x2 - 3;
            text(
              inside,
              y + 12,
              `${ratioText(row.ratio)}×${clipped ? ' (off scale)' : ''}`,
              `font-size="10" fill="#fff" font-weight="bold" ${row.ratio < 1 ? '' : 'text-anchor="end"'}`,
            );
          } else {
            const tx = row.ratio >= 1 ? x2 + 4 : x2 - 4;
            text(tx, y + 12, `${ratioText(row.ratio)}×`, `font-size="10" ${row.ratio >= 1 ? '' : 'text-anchor="end"'}`);
          }
        }
        y += ROW_H;
      }
    }
  }
  const rowsEnd = y;
  axis(rowsStart, rowsEnd);

  // RSS section.
  const rss = results.filter((r): r is RssResult => r.kind === 'rss' && !r.skipped && !r.error);
  if (rss.length > 0) {
    y += 36;
    text(
      10,
      y,
      'RSS growth: peak while streaming, or while a store holds what was put (MiB, log scale; | marks the limit)',
      'font-weight="bold" font-size="13"',
    );
    y += 22;
    const top = y;
    for (const mib of [1, 10, 100, 1000, 10000]) {
      const x = rssX(mib);
      text(x, top - 4, `${mib.toLocaleString('en-US')}`, 'text-anchor="middle" font-size="10" fill="#555"');
    }
    const rssTop = y;
    for (const r of rss) {
      const mib = r.growth / MiB;
      const what =
        r.measure === 'held' ? `holding ${(r.bytes / MiB).toFixed(0)} MiB` : r.title.replace('Peak RSS growth streaming through the ', '');
      text(LABEL_W, y + 12, `${what}: ${r.name}`, 'text-anchor="end" font-size="11"');
      const over = r.role === 'stowage' && r.growth > r.limit.bytes;
      const colour = r.role === 'stowage' ? (over ? RED : GREEN) : GREY;
      parts.push(
        `<rect x="${PLOT_X}" y="${y + 3}" width="${Math.max(1, rssX(mib) - PLOT_X).toFixed(1)}" height="${ROW_H - 5}" fill="${colour}" fill-opacity="0.85"/>`,
      );
      text(rssX(mib) + 4, y + 12, `${mib.toFixed(0)} MiB`, 'font-size="10"');
      if (r.role === 'stowage') {
        const lx = rssX(r.limit.bytes / MiB);
        parts.push(`<line x1="${lx}" y1="${y + 1}" x2="${lx}" y2="${y + ROW_H - 1}" stroke="#000" stroke-width="2"/>`);
      }
      y += ROW_H;
    }
    for (const mib of [1, 10, 100, 1000, 10000]) {
      const x = rssX(mib);
      back.push(`<line x1="${x}" y1="${rssTop}" x2="${x}" y2="${y}" stroke="#e0e0e0"/>`);
    }
  }

  const height = y + 20;
  const header = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="22" font-size="16" font-weight="bold">stowage ÷ baseline and peers: throughput ratio (log scale; right of the 1.0 line = stowage faster)</text>`,
    `<text x="10" y="42" font-size="11" fill="#444">${esc(subtitle)}</text>`,
    `<text x="10" y="58" font-size="11" fill="#444">green ≥ 1 (stowage as fast or faster), red &lt; 1 (stowage behind); bars are clipped at 1/16 and 16.</text>`,
  ];
  return [...header, ...back, ...parts, '</svg>', ''].join('\n');
}
