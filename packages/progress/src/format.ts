const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/**
 * Bytes in binary units, as people read them: `512 B`, `1.50 KiB`, `20.0 MiB`, `100 MiB` (three digits, as tqdm).
 *
 * @example formatBytes(20 * 1024 * 1024) // '20.0 MiB'
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '? B';
  let value = bytes;
  let unit = 0;
  // 1000 rather than 1024 so "1023.9 KiB" never shows; 0.98 MiB is easier to read.
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ${UNITS[unit]}`;
}

/** A rate in bytes per second: `3.20 MiB/s`, or `? B/s` when it is not known yet. */
export function formatRate(bytesPerSecond: number | undefined): string {
  return bytesPerSecond === undefined ? '? B/s' : `${formatBytes(bytesPerSecond)}/s`;
}

/**
 * A duration as tqdm shows it: `m:ss`, or `h:mm:ss` from an hour on; `?` when unknown.
 *
 * @example formatDuration(65_000) // '1:05'
 */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '?';
  const total = Math.round(ms / 1000);
  const s = total % 60;
  const m = Math.floor(total / 60) % 60;
  const h = Math.floor(total / 3600);
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
