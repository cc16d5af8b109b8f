/**
 * A deterministic integer source for generated test inputs: `next(n)` is in [0, n). A linear
 * congruential generator: weak, but the same sequence on every machine, which is the point.
 */
export function seededInts(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n: number) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state % n;
  };
}
