// Eighths of a block, so a bar moves smoothly even when it is narrow (as tqdm draws it).
const PARTIAL = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'] as const;
const FULL = '█';

/**
 * A bar `width` columns wide, filled to `fraction` (0 to 1) with full and partial blocks and padded
 * with spaces.
 *
 * @example renderBar(0.5, 10) // '█████     '
 */
export function renderBar(fraction: number, width: number): string {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const eighths = Math.floor(clamped * width * 8);
  const full = Math.floor(eighths / 8);
  const partial = full < width ? (PARTIAL[eighths % 8] ?? '') : '';
  return (FULL.repeat(full) + partial).padEnd(width, ' ');
}
