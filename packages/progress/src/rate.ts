/**
 * The recent transfer rate, from the progress of the last few seconds rather than since the start,
 * so the ETA follows a transfer that speeds up or slows down (as tqdm's smoothing does).
 */
export class RateMeter {
  private readonly samples: { time: number; loaded: number }[] = [];

  /** @param windowMs how far back samples count. */
  constructor(private readonly windowMs = 5_000) {}

  /** Records `loaded` bytes at `time` (ms). */
  add(time: number, loaded: number): void {
    const last = this.samples[this.samples.length - 1];
    if (last && last.time === time) last.loaded = loaded;
    else this.samples.push({ time, loaded });
    // Keep one sample older than the window so the rate always spans the whole window.
    while (this.samples.length > 2 && (this.samples[1]?.time ?? time) <= time - this.windowMs) this.samples.shift();
  }

  /** Bytes per second over the window; `undefined` until time has passed. */
  rate(): number | undefined {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.time <= first.time) return undefined;
    return Math.max(0, ((last.loaded - first.loaded) * 1000) / (last.time - first.time));
  }
}
