import { describe, expect, it } from 'vitest';
import { RateMeter, formatBytes, formatDuration, formatRate, renderBar } from '@stowage/progress';

describe('formatting', () => {
  it('shows bytes in binary units with two or one decimals', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1000)).toBe('0.98 KiB');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(20 * 1024 * 1024)).toBe('20.0 MiB');
    expect(formatBytes(5 * 1024 ** 4)).toBe('5.00 TiB');
  });

  it('shows rates, and ? when unknown', () => {
    expect(formatRate(2 * 1024 * 1024)).toBe('2.00 MiB/s');
    expect(formatRate(undefined)).toBe('? B/s');
  });

  it('shows durations as m:ss and h:mm:ss like tqdm', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(65_000)).toBe('1:05');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(formatDuration(undefined)).toBe('?');
  });

  it('draws bars with eighth blocks and pads them to the width', () => {
    expect(renderBar(0, 4)).toBe('    ');
    expect(renderBar(0.5, 10)).toBe('█████     ');
    expect(renderBar(0.55, 10)).toBe('█████▌    ');
    expect(renderBar(1, 4)).toBe('████');
    expect(renderBar(2, 4)).toBe('████');
  });
});

describe('RateMeter', () => {
  it('measures over the recent window only', () => {
    const meter = new RateMeter(5_000);
    expect(meter.rate()).toBeUndefined();
    meter.add(0, 0);
    meter.add(1_000, 1_000); // 1000 B/s at first
    expect(meter.rate()).toBe(1000);
    for (let t = 2_000; t <= 20_000; t += 1_000) meter.add(t, 1_000 + (t - 1_000) * 10); // then 10 kB/s
    expect(meter.rate()).toBe(10_000);
  });
});
