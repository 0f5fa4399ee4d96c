/** Items handled between two turns of the event loop: progress gets out, and other requests are served meanwhile. */
const ITEMS_PER_TURN = 25;

/**
 * `handle` applied to every item in order, yielding to the event loop every few items (a 2,000-objective import
 * would otherwise hold the process for seconds); `onTurn` is told how many are done at each turn.
 */
export async function inTurns<T, R>(items: readonly T[], onTurn: (done: number) => void, handle: (item: T, index: number) => R): Promise<R[]> {
  const results: R[] = [];
  for (const [i, item] of items.entries()) {
    if (i % ITEMS_PER_TURN === 0) {
      onTurn(i);
      await new Promise((resolve) => setImmediate(resolve));
    }
    results.push(handle(item, i));
  }
  return results;
}
