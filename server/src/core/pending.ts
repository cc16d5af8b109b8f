/**
 * Values that are often known at once and sometimes only later (DNS answers: the zone files
 * answer at once, the network later). Code written over `Pending` runs synchronously as far as
 * the values are known, instead of waiting a turn of the microtask queue at every step.
 */
export type Pending<T> = T | Promise<T>;

/** `f` of the value: at once when it is known, else once the promise settles. */
export function then<T, R>(value: Pending<T>, f: (value: T) => Pending<R>): Pending<R> {
  return value instanceof Promise ? value.then(f) : f(value);
}

/** The value as a promise, for callers that await it anyway. */
export function settled<T>(value: Pending<T>): Promise<T> {
  return value instanceof Promise ? value : Promise.resolve(value);
}

/**
 * `settled(f(a, b, c))` for a promise-returning entry point: a throw becomes a rejection, as
 * from an async function. The arguments are passed on, not captured: no closure per call.
 */
export function settledCall<A, B, C, T>(f: (a: A, b: B, c: C) => Pending<T>, a: A, b: B, c: C): Promise<T> {
  try {
    return settled(f(a, b, c));
  } catch (e) {
    return Promise.reject(e);
  }
}
