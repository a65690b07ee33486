import { formatBytes } from '@stowage/progress';

/** A size as people read it (`12.1 KiB`), in the binary units the progress bar uses. */
export function humanSize(bytes: number): string {
  return formatBytes(bytes);
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A time as `aws s3 ls` prints it: `2024-05-01 12:34:56`, in local time, to the second, so
 * listings line up in columns. JSON output carries full ISO 8601 instead.
 */
export function shortDate(date: Date): string {
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

/** The width of {@link shortDate}'s output, to pad rows that have no date (prefixes). */
export const SHORT_DATE_WIDTH = 19;
