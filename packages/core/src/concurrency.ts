/**
 * Runs `work` on every item, at most `limit` at a time, starting them in the order of `items`.
 * The first failure stops new items from starting and is thrown once every running item has
 * settled; so does `signal`, without throwing (the caller decides what an abort means). Either
 * way nothing is still running when this returns, so a caller can close what the work writes to.
 * A caller that wants every item tried, failures included, catches inside `work`.
 */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && !signal?.aborted && next < items.length) {
      const index = next++;
      try {
        await work(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
}
