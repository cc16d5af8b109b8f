/**
 * Rules that look things up host by host wait for one DNS answer at a time: with live DNS a
 * whole analysis became a few chains of round trips, the resolver's slots mostly empty and
 * every question waking the server anew. `mapInOrder` lets the next items start their
 * questions while earlier ones wait, and still behaves like the plain loop it replaces.
 */

/**
 * `fn` over `items`, at most `window` calls in progress, results in item order. When calls
 * fail, the error of the first failing item is thrown, as a loop would; items after it are
 * not started, those before it are still awaited (one of them may fail first in item order).
 */
export async function mapInOrder<T, R>(items: readonly T[], window: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failedAt = items.length;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (next < failedAt) {
      const i = next++;
      try {
        results[i] = await fn(items[i]);
      } catch (e) {
        if (i < failedAt) {
          failedAt = i;
          failure = e;
        }
      }
    }
  };
  const workers: Promise<void>[] = [];
  for (let w = 0; w < Math.min(window, items.length); w++) workers.push(worker());
  await Promise.all(workers);
  if (failedAt < items.length) throw failure;
  return results;
}

/**
 * `promise`, started ahead of the point where it is awaited. Marked as handled, so that if an
 * earlier await throws first, its own rejection is not an unhandled one (which ends the
 * process); awaiting it still throws.
 */
export function ahead<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** The settled answer to no questions, shared (read-only). */
export const NO_ANSWERS: Promise<readonly never[]> = Promise.resolve(Object.freeze([]));

/**
 * `ahead(Promise.all(items.map(ask)))`, asked at once; for no items, one shared settled
 * promise that cannot reject: most hosts of a fleet ask no MX, and a combinator and a handler
 * per empty list were a visible part of a host's walk.
 */
export function allAhead<T, R>(items: readonly T[], ask: (item: T) => Promise<R>): Promise<readonly R[]> {
  return items.length === 0 ? NO_ANSWERS : ahead(Promise.all(items.map(ask)));
}
