const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m)$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000 };

/**
 * Milliseconds of a written duration (`500ms`, `30s`, `1.5m`), for deadlines given as text (URL
 * parameters, command-line flags); `undefined` for anything else, zero included.
 */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  const ms = match ? Number(match[1]) * (UNIT_MS[match[2] as string] as number) : Number.NaN;
  return ms > 0 ? ms : undefined;
}
