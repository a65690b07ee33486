import type { ProgressEvent } from '@stowage/core';
import { formatBytes, formatDuration, formatRate } from './format.js';
import { RateMeter } from './rate.js';
import { renderBar } from './render-bar.js';

/** Where a progress bar draws: `process.stderr` by default, anything with `write` in tests. */
export interface ProgressStream {
  write(chunk: string): unknown;
  /** True for a terminal: the bar is redrawn in place. Otherwise plain lines are printed now and then. */
  isTTY?: boolean;
  /** The terminal's width; 80 when unknown. */
  columns?: number;
}

/** Options of {@link progressBar}. */
export interface ProgressBarOptions {
  /** Shown before the bar, like tqdm's `desc`. */
  label?: string;
  /**
   * Total bytes of everything this bar follows, such as all files of a directory upload. Without it
   * the total is the sum of the totals the transfers report, and the bar completes when every
   * transfer it has seen has.
   */
  total?: number;
  /** Where to draw (default `process.stderr`). */
  stream?: ProgressStream;
  /** Draw nothing at all; the handler still tracks progress (see {@link ProgressBar.loaded}). */
  silent?: boolean;
  /** The clock, in milliseconds (default `Date.now`); tests pass a fake one. */
  now?: () => number;
  /** Least time between two redraws on a terminal, in ms (default 100, tqdm's `mininterval`). */
  redrawInterval?: number;
  /** Least time between two plain lines when the stream is not a terminal, in ms (default 10 000). */
  lineInterval?: number;
}

/**
 * An `onProgress` handler that draws. Pass it to any number of transfers at once; call
 * {@link ProgressBar.finish} when they stop early (an error, an abort) so the line is closed.
 */
export interface ProgressBar {
  (event: ProgressEvent): void;
  /** Prints the final line now, unless it was printed already; nothing is drawn after it. */
  finish(): void;
  /** Bytes transferred so far, over all transfers. */
  readonly loaded: number;
  /** Total bytes, when known. */
  readonly total: number | undefined;
  /** True once the final line was printed (or would have been, when silent). */
  readonly done: boolean;
}

const CLEAR_TO_END = '\x1b[K';

/**
 * Turns progress events into a tqdm-like bar: on a terminal, one line redrawn in place with the
 * label, percent, bytes, rate and ETA; elsewhere (CI logs, files) a plain line now and then; and in
 * both cases one final line when everything is done.
 *
 * @example
 * const onProgress = progressBar({ label: 'cat.jpg' });
 * await bucket.uploadFile('./cat.jpg', 'cats/cat.jpg', { onProgress });
 *
 * @example
 * // One bar for a whole directory: give the total up front.
 * const onProgress = progressBar({ label: 'photos/', total: sizes.reduce((a, b) => a + b, 0) });
 * await Promise.all(files.map((f) => bucket.uploadFile(f, f, { onProgress })));
 */
export function progressBar(options: ProgressBarOptions = {}): ProgressBar {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  const tty = stream.isTTY === true;
  const redrawInterval = options.redrawInterval ?? 100;
  const lineInterval = options.lineInterval ?? 10_000;
  const prefix = options.label ? `${options.label}: ` : '';
  const transfers = new Map<string, { loaded: number; total?: number }>();
  const meter = new RateMeter();
  let loaded = 0;
  let total = options.total;
  let startedAt: number | undefined;
  let lastDrawAt: number | undefined;
  let done = false;

  const write = (text: string) => {
    if (!options.silent) stream.write(text);
  };

  const percent = () => {
    if (total === undefined) return undefined;
    return total === 0 ? 100 : Math.floor((Math.min(loaded, total) / total) * 100);
  };

  const eta = () => {
    const rate = meter.rate();
    if (total === undefined || rate === undefined || rate === 0) return undefined;
    return ((total - Math.min(loaded, total)) / rate) * 1000;
  };

  /** The line while running: tqdm's order of fields, the bar taking whatever width is left. */
  const runningLine = (withBar: boolean) => {
    const pct = percent();
    const shown = total === undefined ? loaded : Math.min(loaded, total);
    if (pct === undefined) {
      return `${prefix}${formatBytes(shown)} ${formatRate(meter.rate())} ${formatDuration(now() - (startedAt ?? now()))}`;
    }
    const head = `${prefix}${String(pct).padStart(3)}%`;
    const tail = [`${formatBytes(shown)}/${formatBytes(total ?? 0)}`, formatRate(meter.rate()), `ETA ${formatDuration(eta())}`];
    return withBar ? fitBar(head, tail, pct) : [head, ...tail].join(' ');
  };

  const finalLine = (withBar: boolean) => {
    const elapsed = now() - (startedAt ?? now());
    // With no total, finishing is the only way to end, so it is not "stopped".
    const complete = total === undefined || loaded >= total;
    const pct = percent();
    const shown = total === undefined ? loaded : Math.min(loaded, total);
    const bytes = total === undefined || complete ? formatBytes(shown) : `${formatBytes(shown)}/${formatBytes(total)}`;
    const head = pct === undefined ? prefix.trimEnd() : `${prefix}${String(pct).padStart(3)}%`;
    const tail = [`${bytes} ${complete ? 'in' : 'stopped after'} ${formatDuration(elapsed)}`];
    if (elapsed > 0) tail.push(`(${formatRate((shown * 1000) / elapsed)})`);
    return withBar && pct !== undefined ? fitBar(head, tail, pct) : [head, ...tail].join(' ').trimStart();
  };

  /**
   * `head |bar| tail` in the terminal's width. When there is no room for a bar, the bar goes, then
   * tail fields from the last one on (ETA before rate before bytes), so what stays is whole words.
   */
  const fitBar = (head: string, tail: string[], pct: number) => {
    const columns = stream.columns ?? 80;
    const room = columns - 1; // writing the last column makes some terminals wrap
    const text = (fields: string[]) => fields.map((f) => ` ${f}`).join('');
    const barWidth = room - head.length - text(tail).length - 3;
    if (barWidth >= 5) return `${head} |${renderBar(pct / 100, barWidth)}|${text(tail)}`;
    for (let n = tail.length; n >= 0; n--) {
      const line = `${head}${text(tail.slice(0, n))}`;
      if (line.length <= room) return line;
    }
    return head.slice(0, room);
  };

  const finish = () => {
    if (done) return;
    done = true;
    if (startedAt === undefined) return; // never started: nothing to close
    write(tty ? `\r${finalLine(true)}${CLEAR_TO_END}\n` : `${finalLine(false)}\n`);
  };

  const handler = (event: ProgressEvent) => {
    if (done) return;
    const time = now();
    startedAt ??= time;
    // Each transfer's own `loaded` is kept, so a rewind (negative delta) lowers the sum by itself.
    transfers.set(`${event.bucket}\u0000${event.key}`, {
      loaded: event.loaded,
      ...(event.total !== undefined ? { total: event.total } : {}),
    });
    loaded = 0;
    let sum = 0;
    let allKnown = true;
    let allComplete = true;
    for (const t of transfers.values()) {
      loaded += t.loaded;
      if (t.total === undefined) allKnown = allComplete = false;
      else {
        sum += t.total;
        if (t.loaded < t.total) allComplete = false;
      }
    }
    if (options.total === undefined) total = allKnown ? sum : undefined;
    meter.add(time, loaded);

    const complete = options.total !== undefined ? loaded >= options.total : allKnown && allComplete;
    if (complete) return finish();
    if (tty) {
      if (lastDrawAt === undefined || time - lastDrawAt >= redrawInterval) {
        lastDrawAt = time;
        write(`\r${runningLine(true)}${CLEAR_TO_END}`);
      }
    } else if (time - (lastDrawAt ?? startedAt) >= lineInterval) {
      lastDrawAt = time;
      write(`${runningLine(false)}\n`);
    }
  };

  return Object.defineProperties(handler, {
    finish: { value: finish },
    loaded: { get: () => loaded },
    total: { get: () => total },
    done: { get: () => done },
  }) as ProgressBar;
}
