/**
 * Runs `work` on every item, at most `limit` at a time, in order of the items. A failure does not
 * stop the others (it goes to `onError`, like `aws s3 cp --recursive`); an abort does: no new item
 * starts once `signal` fires, and every running one is awaited, so nothing is still writing when
 * this returns.
 */
export async function runPool<T>(
  items: readonly T[],
  limit: number,
  signal: AbortSignal,
  work: (item: T) => Promise<void>,
  onError: (error: unknown, item: T) => void,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (!signal.aborted && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        if (!signal.aborted) onError(error, item);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
