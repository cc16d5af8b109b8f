/** Shared by the tests that compare two evaluations of the same text. */
import type { NixValue } from '../../../server/src/nix/values';

/** Everything the evaluator built: keys, spans, dynamic attributes, values (functions by name). */
export function dump(v: NixValue, depth = 0): unknown {
  if (depth > 12) return '…';
  const base = { k: v.k, at: [v.at.start, v.at.end] };
  switch (v.k) {
    case 'attrs':
      return {
        ...base,
        attrs: [...v.attrs].map(([k, a]) => [k, a.keyAt.start, a.keyAt.end, a.bindingAt.start, a.bindingAt.end, dump(a.value.force(), depth + 1)]),
        dynamic: (v.dynamic ?? []).map((d) => [d.reason, d.keyAt.start, d.keyAt.end, d.bindingAt.start, d.bindingAt.end, dump(d.value.force(), depth + 1)]),
      };
    case 'list':
      return { ...base, items: v.items.map((i) => [i.at?.start, i.at?.end, dump(i.force(), depth + 1)]) };
    case 'fn':
      return { ...base, formals: v.formals };
    case 'merge':
      return { ...base, when: v.when && dump(v.when.force(), depth + 1), parts: v.parts.map((p) => dump(p.force(), depth + 1)) };
    default:
      return v;
  }
}
