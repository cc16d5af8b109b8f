/**
 * The builtins and `lib` functions the evaluator understands. The module-system helpers
 * (`mkIf`, `mkForce`, `mkDefault`, `mkOverride`, `mkMerge`, `mkBefore`, `mkAfter`) are
 * transparent: they return their content, with the priority NixOS gives it. Every other
 * name of `lib`/`builtins` is an unknown value naming the function.
 */
import { concatStrings, sliceString } from './strings';
import type { Attr, NixValue, Of, Span } from './values';
import { Lazy, OpenAttrs, describe, plainString, unknownValue, withMeta } from './values';

type Fn = Of<'fn'>;
const NOWHERE: Span = { file: '', start: 0, end: 0 };

/** A curried builtin of `arity` arguments. */
function fn(name: string, arity: number, body: (args: Lazy[], at: Span) => NixValue): Fn {
  const curry = (got: Lazy[]): Fn => ({
    k: 'fn',
    at: NOWHERE,
    name,
    call: (arg: Lazy, at: Span) => {
      const args = [...got, arg];
      return args.length >= arity ? body(args, at) : curry(args);
    },
  });
  return curry([]);
}

function passUnknown(v: NixValue, at: Span): NixValue | undefined {
  return v.k === 'unknown' ? unknownValue(v.reason, at, undefined) : undefined;
}

/** Module priorities as in nixpkgs lib/modules.nix. */
export const PRIORITY = { force: 50, plain: 100, default: 1000, optionDefault: 1500 } as const;

function withPriority(name: string, priority: number): Fn {
  return fn(name, 1, ([x]) => withMeta(x.force(), { priority }));
}

/** `toString` and string interpolation coercion. Interpolation refuses booleans, null, lists. */
export function toStringValue(v: NixValue, at: Span, interpolation: boolean): Of<'str'> | Of<'unknown'> {
  switch (v.k) {
    case 'str':
      return v;
    case 'int':
      return plainString(String(v.n), v.at.file ? v.at : at);
    case 'float':
      return plainString(String(v.n), v.at.file ? v.at : at);
    case 'path':
      if (v.external) return { k: 'unknown', reason: `path ${v.external} is outside the workspace`, at };
      return plainString(v.p, v.at);
    case 'unknown':
      return { k: 'unknown', reason: v.reason, at: v.at };
    case 'bool':
      if (!interpolation) return plainString(v.b ? '1' : '', at);
      break;
    case 'null':
      if (!interpolation) return plainString('', at);
      break;
    case 'list': {
      if (interpolation) break;
      const parts: Of<'str'>[] = [];
      for (const [i, item] of v.items.entries()) {
        const s = toStringValue(item.force(), at, false);
        if (s.k === 'unknown') return s;
        if (i) parts.push(plainString(' ', at));
        parts.push(s);
      }
      return concatStrings(parts, at);
    }
    case 'attrs': {
      const outPath = v.attrs.get('outPath');
      if (outPath) return toStringValue(outPath.value.force(), at, interpolation);
      return { k: 'unknown', reason: 'a derivation or attribute set turned into a string', at };
    }
    default:
      break;
  }
  return { k: 'unknown', reason: `cannot turn ${describe(v)} into a string`, at };
}

function forceList(v: NixValue, at: Span): Of<'list'> | Of<'unknown'> {
  if (v.k === 'list') return v;
  if (v.k === 'unknown') return { k: 'unknown', reason: v.reason, at };
  return { k: 'unknown', reason: `expected a list, got ${describe(v)}`, at };
}

function apply(f: NixValue, arg: Lazy, at: Span): NixValue {
  if (f.k === 'fn') return f.call(arg, at);
  return f.k === 'unknown' ? unknownValue(f.reason, at) : unknownValue(`cannot call ${describe(f)}`, at);
}

function attrsOf(entries: [string, NixValue][], at: Span): Of<'attrs'> {
  const attrs = new Map<string, Attr>();
  for (const [k, v] of entries) attrs.set(k, { value: Lazy.of(v), keyAt: v.at.file ? v.at : at, bindingAt: v.at.file ? v.at : at });
  return { k: 'attrs', attrs, at };
}

const concatStringsSep = fn('concatStringsSep', 2, ([sep, list], at) => {
  const s = sep.force();
  const l = forceList(list.force(), at);
  if (l.k === 'unknown') return l;
  if (s.k !== 'str') return passUnknown(s, at) ?? unknownValue('separator is not a string', at);
  const parts: Of<'str'>[] = [];
  for (const [i, item] of l.items.entries()) {
    const v = toStringValue(item.force(), at, true);
    if (v.k === 'unknown') return v;
    if (i) parts.push(s);
    parts.push(v);
  }
  return concatStrings(parts, at);
});

const optional = fn('optional', 2, ([c, x], at) => {
  const cond = c.force();
  if (cond.k === 'bool') return { k: 'list', items: cond.b ? [x] : [], at };
  return unknownValue(cond.k === 'unknown' ? `condition not evaluable (${cond.reason})` : 'condition is not a boolean', at);
});

const optionals = fn('optionals', 2, ([c, x], at) => {
  const cond = c.force();
  if (cond.k === 'bool') return cond.b ? x.force() : { k: 'list', items: [], at };
  return unknownValue(cond.k === 'unknown' ? `condition not evaluable (${cond.reason})` : 'condition is not a boolean', at);
});

const optionalString = fn('optionalString', 2, ([c, x], at) => {
  const cond = c.force();
  if (cond.k === 'bool') return cond.b ? x.force() : plainString('', at);
  return unknownValue(cond.k === 'unknown' ? `condition not evaluable (${cond.reason})` : 'condition is not a boolean', at);
});

const mkIf = fn('mkIf', 2, ([c, x], at) => ({ k: 'merge', parts: [x], at, when: c }));

/**
 * Whether the definitions of a merge apply: a `mkIf` whose condition is false drops them;
 * anything else is transparent (the reviewer reads what the configuration would set when
 * enabled, also when the condition cannot be evaluated).
 */
export function mkIfApplies(v: Of<'merge'>): boolean {
  if (!v.when) return true;
  const cond = v.when.force();
  return !(cond.k === 'bool' && !cond.b);
}

const mkMerge = fn('mkMerge', 1, ([list], at) => {
  const l = forceList(list.force(), at);
  return l.k === 'list' ? { k: 'merge', parts: l.items, at } : l;
});

const mkOverride = fn('mkOverride', 2, ([n, x]) => {
  const p = n.force();
  const v = x.force();
  return p.k === 'int' ? withMeta(v, { priority: p.n }) : v;
});

const mkOrder = fn('mkOrder', 2, ([, x]) => x.force());
const identity = (name: string) => fn(name, 1, ([x]) => x.force());

/** `mkOption { default = ...; }`: kept as a set marked `_type = "option"` (defaults are read). */
const mkOption = fn('mkOption', 1, ([x], at) => {
  const v = x.force();
  if (v.k !== 'attrs') return unknownValue('mkOption of a non-set', at);
  const attrs = new Map(v.attrs);
  attrs.set('_type', { value: Lazy.of(plainString('option', at)), keyAt: at, bindingAt: at });
  return { ...v, attrs };
});

const mkEnableOption = fn('mkEnableOption', 1, (_args, at) =>
  attrsOf([['_type', plainString('option', at)], ['default', { k: 'bool', b: false, at }]], at),
);

const map = fn('map', 2, ([f, list], at) => {
  const l = forceList(list.force(), at);
  if (l.k === 'unknown') return l;
  const fv = f.force();
  return { k: 'list', items: l.items.map((item) => new Lazy(() => apply(fv, item, at), undefined, at)), at };
});

const concatMap = fn('concatMap', 2, ([f, list], at) => {
  const l = forceList(list.force(), at);
  if (l.k === 'unknown') return l;
  const fv = f.force();
  const items: Lazy[] = [];
  for (const item of l.items) {
    const r = forceList(apply(fv, item, at), at);
    if (r.k === 'unknown') return r;
    items.push(...r.items);
  }
  return { k: 'list', items, at };
});

const concatLists = fn('concatLists', 1, ([list], at) => {
  const l = forceList(list.force(), at);
  if (l.k === 'unknown') return l;
  const items: Lazy[] = [];
  for (const item of l.items) {
    const r = forceList(item.force(), at);
    if (r.k === 'unknown') return r;
    items.push(...r.items);
  }
  return { k: 'list', items, at };
});

const filter = fn('filter', 2, ([f, list], at) => {
  const l = forceList(list.force(), at);
  if (l.k === 'unknown') return l;
  const fv = f.force();
  const items: Lazy[] = [];
  for (const item of l.items) {
    const keep = apply(fv, item, at);
    if (keep.k !== 'bool') return unknownValue(keep.k === 'unknown' ? keep.reason : 'filter predicate is not a boolean', at);
    if (keep.b) items.push(item);
  }
  return { k: 'list', items, at };
});

const elem = fn('elem', 2, ([x, list], at) => {
  const l = forceList(list.force(), at);
  const v = x.force();
  if (l.k === 'unknown') return l;
  if (v.k !== 'str' && v.k !== 'int' && v.k !== 'bool') return passUnknown(v, at) ?? unknownValue('elem of a complex value', at);
  let unsure = false;
  for (const item of l.items) {
    const i = item.force();
    if (i.k === 'unknown') unsure = true;
    else if (i.k === v.k && ((i.k === 'str' && i.s === (v as Of<'str'>).s) || ('n' in i && i.n === (v as Of<'int'>).n) || ('b' in i && i.b === (v as Of<'bool'>).b)))
      return { k: 'bool', b: true, at };
  }
  return unsure ? unknownValue('list has unknown elements', at) : { k: 'bool', b: false, at };
});

const length = fn('length', 1, ([list], at) => {
  const l = forceList(list.force(), at);
  return l.k === 'list' ? { k: 'int', n: l.items.length, at } : l;
});

const elemAt = fn('elemAt', 2, ([list, n], at) => {
  const l = forceList(list.force(), at);
  const i = n.force();
  if (l.k === 'unknown') return l;
  if (i.k !== 'int') return passUnknown(i, at) ?? unknownValue('index is not an integer', at);
  const item = l.items[i.n];
  return item ? item.force() : unknownValue('index out of range', at);
});

const head = fn('head', 1, ([list], at) => {
  const l = forceList(list.force(), at);
  if (l.k === 'unknown') return l;
  return l.items[0] ? l.items[0].force() : unknownValue('head of an empty list', at);
});

const splitString = fn('splitString', 2, ([sep, str], at) => {
  const s = sep.force();
  const v = str.force();
  if (s.k !== 'str') return passUnknown(s, at) ?? unknownValue('separator is not a string', at);
  if (v.k !== 'str') return passUnknown(v, at) ?? unknownValue(`cannot split ${describe(v)}`, at);
  if (v.holes || !s.s) return unknownValue('string not fully known', at);
  const items: Lazy[] = [];
  let from = 0;
  for (;;) {
    const i = v.s.indexOf(s.s, from);
    const end = i < 0 ? v.s.length : i;
    items.push(Lazy.of(sliceString(v, from, end)));
    if (i < 0) break;
    from = i + s.s.length;
  }
  return { k: 'list', items, at };
});

const toInt = fn('toInt', 1, ([x], at) => {
  const v = x.force();
  if (v.k === 'int') return v;
  if (v.k === 'str' && !v.holes && /^\s*-?\d+\s*$/.test(v.s)) return { k: 'int', n: Number(v.s), at: v.at };
  return passUnknown(v, at) ?? unknownValue('not an integer string', at);
});

const attrNames = fn('attrNames', 1, ([x], at) => {
  const v = x.force();
  if (v.k !== 'attrs') return passUnknown(v, at) ?? unknownValue('not a set', at);
  if (v.dynamic?.length) return unknownValue('set with computed attribute names', at);
  return { k: 'list', items: [...v.attrs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, a]) => Lazy.of(plainString(k, a.keyAt))), at };
});

const attrValues = fn('attrValues', 1, ([x], at) => {
  const v = x.force();
  if (v.k !== 'attrs') return passUnknown(v, at) ?? unknownValue('not a set', at);
  if (v.dynamic?.length) return unknownValue('set with computed attribute names', at);
  return { k: 'list', items: [...v.attrs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, a]) => a.value), at };
});

const hasAttr = fn('hasAttr', 2, ([name, set], at) => {
  const n = name.force();
  const s = set.force();
  if (n.k !== 'str' || s.k !== 'attrs') return unknownValue('hasAttr of unknown values', at);
  return { k: 'bool', b: s.attrs.has(n.s), at };
});

const toStringFn = fn('toString', 1, ([x], at) => toStringValue(x.force(), at, false));

/** Names of `lib` that are themselves `lib` (lib.strings.concatStringsSep, lib.lists.optional...). */
const LIB_SUBSETS = ['strings', 'lists', 'attrsets', 'trivial', 'modules', 'options'];

let builtinsSet: Of<'attrs'> | undefined;
let libSet: Of<'attrs'> | undefined;
let globals: Map<string, Lazy> | undefined;

function builtinFns(): Fn[] {
  return [concatStringsSep, map, concatMap, concatLists, filter, elem, length, elemAt, head, splitString, toStringFn, attrNames, attrValues, hasAttr];
}

/** `builtins`: what the evaluator implements; other names are unknown values naming them. */
export function builtinsValue(): Of<'attrs'> {
  if (!builtinsSet) {
    const entries: [string, NixValue][] = builtinFns().map((f) => [f.name!, f]);
    builtinsSet = withFallback(attrsOf(entries, NOWHERE), 'builtins');
  }
  return builtinsSet;
}

/** The `lib` module argument (nixpkgs lib), as far as the evaluator implements it. */
export function libValue(): Of<'attrs'> {
  if (!libSet) {
    const fns: Fn[] = [
      ...builtinFns(),
      mkIf,
      mkMerge,
      mkOverride,
      mkOrder,
      mkOption,
      mkEnableOption,
      optional,
      optionals,
      optionalString,
      toInt,
      withPriority('mkForce', PRIORITY.force),
      withPriority('mkDefault', PRIORITY.default),
      withPriority('mkOptionDefault', PRIORITY.optionDefault),
      withPriority('mkVMOverride', 10),
      withPriority('mkImageMediaOverride', 60),
      identity('mkBefore'),
      identity('mkAfter'),
      identity('mdDoc'),
      identity('literalExpression'),
      { ...toInt, name: 'toIntBase10' },
      { ...elemAt, name: 'elemAt' },
    ];
    const entries: [string, NixValue][] = fns.map((f) => [f.name!, f]);
    const base = attrsOf(entries, NOWHERE);
    const attrs = new Map(base.attrs);
    let self: Of<'attrs'> | undefined;
    for (const sub of LIB_SUBSETS) attrs.set(sub, { value: new Lazy(() => self!), keyAt: NOWHERE, bindingAt: NOWHERE });
    self = withFallback({ ...base, attrs }, 'lib');
    libSet = self;
  }
  return libSet;
}

/** A set whose other names are unknown values naming the function (`lib.types.str`). */
function withFallback(set: Of<'attrs'>, name: string): Of<'attrs'> {
  return { ...set, attrs: new OpenAttrs(set.attrs, (key) => unknownValue(`${name}.${key} is not evaluated`, NOWHERE)) };
}

/** The names every Nix file sees (true, false, null, builtins, and the builtins exposed bare). */
export function globalScope(): ReadonlyMap<string, Lazy> {
  if (!globals) {
    const g = new Map<string, Lazy>();
    g.set('true', Lazy.of({ k: 'bool', b: true, at: NOWHERE }));
    g.set('false', Lazy.of({ k: 'bool', b: false, at: NOWHERE }));
    g.set('null', Lazy.of({ k: 'null', at: NOWHERE }));
    g.set('builtins', Lazy.of(builtinsValue()));
    g.set('toString', Lazy.of(toStringFn));
    g.set('map', Lazy.of(map));
    g.set('import', Lazy.of(unknownValue('import is not evaluated', NOWHERE)));
    globals = g;
  }
  return globals;
}
