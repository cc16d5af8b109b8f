/** Per-object memos for facts several rules derive from the same model object. */

/**
 * `derive` computed once per object (model objects are not changed once built; an edited
 * file yields new ones). The result is shared between callers: treat it as read-only.
 */
export function oncePerObject<K extends object, V>(derive: (key: K) => V): (key: K) => V {
  const memo = new WeakMap<K, V>();
  return (key) => {
    // One lookup when the value is known (derived values are rarely undefined).
    let value = memo.get(key);
    if (value !== undefined || memo.has(key)) return value as V;
    value = derive(key);
    memo.set(key, value);
    return value;
  };
}
