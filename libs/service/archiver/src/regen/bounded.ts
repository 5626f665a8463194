/**
 * Calls `fn` for each item of `source` with at most `concurrency` calls in flight, pulling the
 * next item only when a slot is free: a listing of millions of keys is never held in memory.
 * `fn` must not reject (callers count their failures). Stops pulling when `signal` aborts.
 */
export async function forEachBounded<T>(
  source: AsyncIterable<T> | Iterable<T>, concurrency: number, fn: (item: T) => Promise<void>, signal?: AbortSignal,
): Promise<void> {
  const running = new Set<Promise<void>>();
  for await (const item of source) {
    if (signal?.aborted) break;
    const call: Promise<void> = fn(item).finally(() => running.delete(call));
    running.add(call);
    if (running.size >= concurrency) await Promise.race(running);
  }
  await Promise.all(running);
}
