import { describe, expect, it } from 'vitest';
import { forEachLimited } from '@stowage/core';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('forEachLimited', () => {
  it('runs every item, never more than the limit at once, starting them in order', async () => {
    let running = 0;
    let most = 0;
    const started: number[] = [];
    await forEachLimited([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 3, async (item, index) => {
      expect(index).toBe(item);
      started.push(item);
      running++;
      most = Math.max(most, running);
      for (let i = 0; i < (item % 3) + 1; i++) await tick();
      running--;
    });
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(most).toBe(3);
  });

  it('stops starting items at the first failure and throws it once the running ones settled', async () => {
    const started: number[] = [];
    let settled = 0;
    // Item 0 ends after one turn, item 1 fails after two, item 2 (started when 0 ended) runs on.
    const turns = [1, 2, 4, 1, 1, 1];
    const run = forEachLimited([0, 1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item);
      for (let i = 0; i < (turns[item] as number); i++) await tick();
      if (item === 1) throw new Error('item 1 failed');
      settled++;
    });
    await expect(run).rejects.toThrow('item 1 failed');
    expect(started).toEqual([0, 1, 2]);
    expect(settled).toBe(2);
  });

  it('starts nothing more once the signal fires, and does not throw for it', async () => {
    const controller = new AbortController();
    const started: number[] = [];
    await forEachLimited(
      [0, 1, 2, 3],
      1,
      async (item) => {
        started.push(item);
        if (item === 1) controller.abort();
      },
      controller.signal,
    );
    expect(started).toEqual([0, 1]);
  });

  it('does nothing for no items', async () => {
    let calls = 0;
    await forEachLimited([], 4, async () => {
      calls++;
    });
    expect(calls).toBe(0);
  });
});
