import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProgressThrottle, isStorageError, type ProgressEvent } from '@stowage/core';

const MiB = 1024 * 1024;

/** Checks what every transfer's events must satisfy; returns the events for more checks. */
function assertProgressRules(events: ProgressEvent[], total: number): void {
  let previous = 0;
  for (const [i, e] of events.entries()) {
    expect(e.loaded).toBeLessThanOrEqual(total);
    expect(e.delta).toBe(e.loaded - previous);
    // Only going back with an explicit negative delta, and only the last event reaches the total.
    if (e.delta < 0) expect(e.loaded).toBeLessThan(previous);
    if (i < events.length - 1) expect(e.loaded).toBeLessThan(total);
    previous = e.loaded;
  }
  expect(events.at(-1)?.loaded).toBe(total);
}

describe('ProgressThrottle (fake clock)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends at most ~20 events a second on a fast transfer, and ends at the total', () => {
    const events: ProgressEvent[] = [];
    const total = 100 * MiB;
    const p = new ProgressThrottle({ bucket: 'b', key: 'k', total, onProgress: (e) => events.push(e) });
    p.start();
    // 100 MiB in 64 KiB chunks, one chunk per ms: 62.5 MiB/s for 1.6 s.
    for (let sent = 0; sent < total; sent += 64 * 1024) {
      p.add(64 * 1024);
      vi.advanceTimersByTime(1);
    }
    p.complete();
    const seconds = 1.6;
    expect(events.length).toBeLessThanOrEqual(Math.ceil(seconds * 20) + 2); // + the first and the last
    expect(events.length).toBeGreaterThanOrEqual(Math.floor(seconds * 20));
    assertProgressRules(events, total);
    expect(events[0]).toEqual({ bucket: 'b', key: 'k', loaded: 0, delta: 0, total });
  });

  it('sends at least one event per MiB on a transfer slower than 20 MiB/s', () => {
    const events: ProgressEvent[] = [];
    const total = 10 * MiB;
    const p = new ProgressThrottle({ bucket: 'b', key: 'k', total, onProgress: (e) => events.push(e) });
    p.start();
    // 16 KiB every 5 ms: 3.2 MiB/s.
    for (let sent = 0; sent < total; sent += 16 * 1024) {
      p.add(16 * 1024);
      vi.advanceTimersByTime(5);
    }
    p.complete();
    assertProgressRules(events, total);
    for (let i = 1; i < events.length; i++) expect(events[i]!.delta).toBeLessThanOrEqual(MiB);
    // ...and no more often than every 50 ms.
    expect(events.length).toBeLessThanOrEqual(Math.ceil(((total / (16 * 1024)) * 5) / 50) + 2);
  });

  it('flushes held-back bytes by itself when the transfer stalls', () => {
    const events: ProgressEvent[] = [];
    const p = new ProgressThrottle({ bucket: 'b', key: 'k', total: 10 * MiB, onProgress: (e) => events.push(e) });
    p.start();
    p.add(MiB); // within 50 ms of the first event: held back
    expect(events.map((e) => e.loaded)).toEqual([0]);
    vi.advanceTimersByTime(50);
    expect(events.map((e) => e.loaded)).toEqual([0, MiB]);
    p.close();
  });

  it('reports a rewind at once as a negative delta', () => {
    const events: ProgressEvent[] = [];
    const total = 10 * MiB;
    const p = new ProgressThrottle({ bucket: 'b', key: 'k', total, onProgress: (e) => events.push(e) });
    p.start();
    vi.advanceTimersByTime(100);
    p.add(4 * MiB);
    p.add(-MiB); // a part is sent again
    expect(events.at(-1)).toMatchObject({ loaded: 3 * MiB, delta: -MiB });
    vi.advanceTimersByTime(100);
    p.add(7 * MiB);
    p.complete();
    assertProgressRules(events, total);
  });

  it('never reports past the total, and keeps the total for the last event', () => {
    const events: ProgressEvent[] = [];
    const p = new ProgressThrottle({ bucket: 'b', key: 'k', total: MiB, onProgress: (e) => events.push(e) });
    p.start();
    vi.advanceTimersByTime(100);
    p.add(2 * MiB); // a driver that counted more than the total
    expect(events.at(-1)?.loaded).toBe(MiB - 1);
    p.complete();
    expect(events.at(-1)).toMatchObject({ loaded: MiB, delta: 1 });
  });

  it('follows a driver forwards only, unless the driver rewinds', () => {
    const events: ProgressEvent[] = [];
    const p = new ProgressThrottle({ bucket: 'b', key: 'k', total: 8 * MiB, onProgress: (e) => events.push(e) });
    p.start();
    vi.advanceTimersByTime(100);
    p.follow(4 * MiB, false);
    p.follow(3 * MiB, false); // stale, ignored
    expect(p.loaded).toBe(4 * MiB);
    p.follow(2 * MiB, true);
    expect(events.at(-1)).toMatchObject({ loaded: 2 * MiB, delta: -2 * MiB });
    p.complete();
  });

  it('sends a single event for an empty transfer', () => {
    const events: ProgressEvent[] = [];
    const p = new ProgressThrottle({ bucket: 'b', key: 'k', total: 0, onProgress: (e) => events.push(e) });
    p.start();
    p.complete();
    expect(events).toEqual([{ bucket: 'b', key: 'k', loaded: 0, delta: 0, total: 0 }]);
  });

  it('turns a throwing handler into a StorageError from the transfer, not an uncaught error', () => {
    const p = new ProgressThrottle({
      bucket: 'b',
      key: 'k',
      total: MiB,
      onProgress: (e) => {
        if (e.loaded > 0) throw new Error('boom');
      },
    });
    p.start();
    p.add(10); // held back; the timer's call throws inside the handler
    vi.advanceTimersByTime(50);
    let caught: unknown;
    try {
      p.add(10);
    } catch (error) {
      caught = error;
    }
    expect(isStorageError(caught, 'InvalidArgument')).toBe(true);
    expect((caught as Error).message).toContain('the onProgress callback threw: boom');
  });
});
