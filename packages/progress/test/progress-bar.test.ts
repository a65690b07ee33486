import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '@stowage/core';
import { progressBar } from '@stowage/progress';
import { FakeClock, FakeTerminal } from './fake-terminal.js';

const MiB = 1024 * 1024;

/** Events of one transfer as a driver would send them: `loaded` and the `delta` since the last. */
function transfer(bucket: string, key: string, total: number | undefined) {
  let loaded = 0;
  return (to: number): ProgressEvent => {
    const event = { bucket, key, loaded: to, delta: to - loaded, ...(total !== undefined ? { total } : {}) };
    loaded = to;
    return event;
  };
}

describe('progressBar on a terminal', () => {
  it('redraws one line in place with label, percent, bytes, rate and ETA, then prints a final line', () => {
    const term = new FakeTerminal(true, 100);
    const clock = new FakeClock();
    const bar = progressBar({ label: 'cat.jpg', stream: term, now: clock.now });
    const at = transfer('photos', 'cat.jpg', 20 * MiB);

    bar(at(0));
    for (let mib = 1; mib <= 10; mib++) {
      clock.advance(500); // 2 MiB/s
      bar(at(mib * MiB));
    }
    const screen = term.screen();
    expect(screen).toHaveLength(1); // still one line: redrawn with \r, never a newline
    const line = screen[0] as string;
    expect(line).toMatch(/^cat\.jpg: {2}50% \|█+[▏▎▍▌▋▊▉]? +\| 10\.0 MiB\/20\.0 MiB 2\.00 MiB\/s ETA 0:05$/);
    expect(line.length).toBe(99); // the bar takes the width left, one column spare

    for (let mib = 11; mib <= 20; mib++) {
      clock.advance(500);
      bar(at(mib * MiB));
    }
    expect(bar.done).toBe(true);
    expect(term.screen()).toEqual([expect.stringMatching(/^cat\.jpg: 100% \|█+\| 20\.0 MiB in 0:10 \(2\.00 MiB\/s\)$/), '']);

    // Nothing is drawn after the final line, whatever arrives.
    const writes = term.writes.length;
    clock.advance(1000);
    bar(at(20 * MiB));
    bar.finish();
    expect(term.writes.length).toBe(writes);
  });

  it('redraws at most once per redraw interval however many events come', () => {
    const term = new FakeTerminal(true);
    const clock = new FakeClock();
    const bar = progressBar({ stream: term, now: clock.now, redrawInterval: 100 });
    const at = transfer('b', 'k', 1000 * 1024);
    for (let i = 0; i < 1000; i++) {
      bar(at(i * 1024));
      clock.advance(1); // 1000 events in one second
    }
    expect(term.writes.length).toBe(10);
    bar(at(1000 * 1024));
    expect(term.writes.length).toBe(11); // the final line is never held back
  });

  it('follows a rewind: a negative delta lowers the bytes shown', () => {
    const term = new FakeTerminal(true);
    const clock = new FakeClock();
    const bar = progressBar({ stream: term, now: clock.now, redrawInterval: 0 });
    const at = transfer('b', 'k', 10 * MiB);
    bar(at(0));
    clock.advance(1000);
    bar(at(6 * MiB));
    expect(term.screen()[0]).toContain(' 60% ');
    clock.advance(1000);
    bar(at(4 * MiB)); // a part failed and is sent again
    expect(bar.loaded).toBe(4 * MiB);
    expect(term.screen()[0]).toContain(' 40% ');
    expect(term.screen()[0]).toContain('4.00 MiB/10.0 MiB');
  });

  it('fits a narrow terminal by dropping the bar', () => {
    const term = new FakeTerminal(true, 44);
    const clock = new FakeClock();
    const bar = progressBar({ label: 'a-rather-long-label', stream: term, now: clock.now });
    const at = transfer('b', 'k', 10 * MiB);
    bar(at(0));
    clock.advance(1000);
    bar(at(MiB));
    const line = term.screen()[0] as string;
    expect(line.length).toBeLessThanOrEqual(43);
    expect(line).not.toContain('|');
    expect(line).toBe('a-rather-long-label:  10% 1.00 MiB/10.0 MiB'); // rate and ETA dropped, words whole
  });

  it('shows bytes, rate and elapsed time when the total is unknown', () => {
    const term = new FakeTerminal(true);
    const clock = new FakeClock();
    const bar = progressBar({ stream: term, now: clock.now, redrawInterval: 0 });
    const at = transfer('b', 'k', undefined);
    bar(at(0));
    clock.advance(2000);
    bar(at(3 * MiB));
    expect(term.screen()[0]).toBe('3.00 MiB 1.50 MiB/s 0:02');
    bar.finish();
    expect(term.screen()).toEqual(['3.00 MiB in 0:02 (1.50 MiB/s)', '']);
  });

  it('closes the line when stopped early, saying where it stopped', () => {
    const term = new FakeTerminal(true, 80);
    const clock = new FakeClock();
    const bar = progressBar({ label: 'big', stream: term, now: clock.now });
    const at = transfer('b', 'k', 10 * MiB);
    bar(at(0));
    clock.advance(3000);
    bar(at(3 * MiB));
    bar.finish(); // e.g. the upload was aborted
    expect(term.screen()).toEqual([
      expect.stringMatching(/^big: {2}30% \|█+[▏▎▍▌▋▊▉]? +\| 3\.00 MiB\/10\.0 MiB stopped after 0:03 \(1\.00 MiB\/s\)$/),
      '',
    ]);
  });
});

describe('progressBar for many transfers', () => {
  it('draws one bar for the total of a directory upload and completes only at that total', () => {
    const term = new FakeTerminal(true);
    const clock = new FakeClock();
    const sizes = [4 * MiB, 2 * MiB, 2 * MiB];
    const bar = progressBar({ label: 'photos/', stream: term, now: clock.now, total: 8 * MiB, redrawInterval: 0 });
    const files = sizes.map((size, i) => ({ size, at: transfer('photos', `p${i}.jpg`, size) }));

    // The two small files finish first, interleaved with the big one.
    for (const f of files) bar(f.at(0));
    clock.advance(1000);
    bar(files[1]!.at(2 * MiB));
    bar(files[2]!.at(2 * MiB));
    bar(files[0]!.at(MiB));
    expect(bar.done).toBe(false);
    expect(term.screen()).toHaveLength(1);
    expect(term.screen()[0]).toMatch(/^photos\/: {2}62% .* 5\.00 MiB\/8\.00 MiB /);

    clock.advance(1000);
    bar(files[0]!.at(4 * MiB));
    expect(bar.done).toBe(true);
    expect(term.screen()).toEqual([expect.stringMatching(/^photos\/: 100% \|█+\| 8\.00 MiB in 0:02 \(4\.00 MiB\/s\)$/), '']);
  });

  it('without a total, sums the transfers it has seen and completes when all of them have', () => {
    const term = new FakeTerminal(true);
    const clock = new FakeClock();
    const bar = progressBar({ stream: term, now: clock.now, redrawInterval: 0 });
    const a = transfer('b', 'a', MiB);
    const b = transfer('b', 'b', 3 * MiB);
    bar(a(0));
    bar(b(0));
    expect(bar.total).toBe(4 * MiB);
    clock.advance(1000);
    bar(a(MiB));
    expect(bar.done).toBe(false); // b is still running
    bar(b(3 * MiB));
    expect(bar.done).toBe(true);
  });
});

describe('progressBar when stderr is not a terminal', () => {
  it('prints a plain line now and then, and a final line, with no control characters', () => {
    const log = new FakeTerminal(false);
    const clock = new FakeClock();
    const bar = progressBar({ label: 'backup.tar', stream: log, now: clock.now, lineInterval: 10_000 });
    const at = transfer('b', 'backup.tar', 100 * MiB);
    bar(at(0));
    for (let s = 1; s <= 50; s++) {
      clock.advance(1000); // 1 MiB/s, one event a second
      bar(at(s * MiB));
    }
    expect(log.writes).toEqual([
      'backup.tar:  10% 10.0 MiB/100 MiB 1.00 MiB/s ETA 1:30\n',
      'backup.tar:  20% 20.0 MiB/100 MiB 1.00 MiB/s ETA 1:20\n',
      'backup.tar:  30% 30.0 MiB/100 MiB 1.00 MiB/s ETA 1:10\n',
      'backup.tar:  40% 40.0 MiB/100 MiB 1.00 MiB/s ETA 1:00\n',
      'backup.tar:  50% 50.0 MiB/100 MiB 1.00 MiB/s ETA 0:50\n',
    ]);
    clock.advance(2000);
    bar(at(100 * MiB));
    expect(log.writes.at(-1)).toBe('backup.tar: 100% 100 MiB in 0:52 (1.92 MiB/s)\n');
    expect(log.writes.join('')).not.toMatch(/[\r\x1b]/);
  });
});

describe('progressBar in silent mode', () => {
  it('writes nothing but still tracks progress', () => {
    const term = new FakeTerminal(true);
    const bar = progressBar({ stream: term, silent: true });
    const at = transfer('b', 'k', 2 * MiB);
    bar(at(0));
    bar(at(MiB));
    expect(bar.loaded).toBe(MiB);
    bar(at(2 * MiB));
    expect(bar.done).toBe(true);
    expect(term.writes).toEqual([]);
  });
});
