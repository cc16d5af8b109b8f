/**
 * The evaluator's values. Every value keeps the span of the syntax it came from; strings keep a
 * map from each character of the value to the text it was written as, so a fact found inside a
 * string (one list element, one line of an `extraConfig`) can be located exactly.
 */
import type { Node } from 'web-tree-sitter';

/** A range of a file, as offsets (UTF-16 units, as tree-sitter reports them for JS strings). */
export interface Span {
  readonly file: string;
  readonly start: number;
  readonly end: number;
}

/**
 * Maps value offsets [from, from+len) of a string to source. `exact` pieces map one to one
 * (src + i); the others (escapes, characters from an interpolated value of another file) map
 * every value offset in them to the whole source range [src, srcEnd).
 */
export interface StrPiece {
  readonly from: number;
  readonly len: number;
  readonly file: string;
  readonly src: number;
  readonly srcEnd: number;
  readonly exact: boolean;
  /** For characters interpolated into a literal: the `${...}` they came through. */
  readonly outer?: Span;
}

export interface Base {
  readonly at: Span;
  /** Locations a derived value went through (let binding, interpolation), outermost last. */
  readonly via?: readonly Span[];
  /** Module priority (mkForce = 50, plain = 100, mkDefault = 1000), absent when plain. */
  readonly priority?: number;
}

export type NixValue =
  | (Base & { readonly k: 'str'; readonly s: string; readonly pieces: readonly StrPiece[]; readonly holes?: readonly Hole[] })
  | (Base & { readonly k: 'int'; readonly n: number })
  | (Base & { readonly k: 'float'; readonly n: number })
  | (Base & { readonly k: 'bool'; readonly b: boolean })
  | (Base & { readonly k: 'null' })
  | (Base & { readonly k: 'path'; readonly p: string; readonly external?: string })
  | (Base & { readonly k: 'list'; readonly items: readonly Lazy[] })
  | (Base & { readonly k: 'attrs'; readonly attrs: ReadonlyMap<string, Attr>; readonly dynamic?: readonly DynAttr[] })
  | (Base & { readonly k: 'fn'; readonly call: (arg: Lazy, at: Span) => NixValue; readonly name?: string; readonly formals?: readonly string[] })
  /**
   * `mkMerge` parts, or a `mkIf`'s content (one part) with its condition in `when`. As the
   * module system pushes `mkIf` down to each option, the condition is read only where a
   * definition under it is used (see `mkIfApplies`), never to find out which names a module
   * defines: `config = mkIf config.x.enable { ... }` does not make `x.enable` depend on itself.
   */
  | (Base & { readonly k: 'merge'; readonly parts: readonly Lazy[]; readonly when?: Lazy })
  | (Base & { readonly k: 'unknown'; readonly reason: string; readonly configPath?: readonly string[] });

export type ValueKind = NixValue['k'];
export type Of<K extends ValueKind> = Extract<NixValue, { k: K }>;

/**
 * A part of a string that could not be evaluated (`${pkgs.foo}`): the value holds the source
 * text of the interpolation there, so the rest of the string (one line of an `extraConfig`)
 * stays usable while anything touching the hole is unknown.
 */
export interface Hole {
  readonly from: number;
  readonly len: number;
  readonly reason: string;
}

/** An attribute: where its key and the whole binding are written, and its (lazy) value. */
export interface Attr {
  readonly value: Lazy;
  /** The key as written (for `a.b.c = v`, the `b` of the nested set is the `b` attr node). */
  readonly keyAt: Span;
  /** The binding that defines it (`a.b.c = v;`), the anchor for edits of the whole setting. */
  readonly bindingAt: Span;
}

/** An attribute whose name could not be evaluated (`${netcfg.iface} = ...`). */
export interface DynAttr {
  readonly reason: string;
  readonly value: Lazy;
  readonly keyAt: Span;
  readonly bindingAt: Span;
}

/**
 * A value computed on first use (Nix is lazy: `rec` and `let` may refer forward).
 *
 * Its fields are assigned in the constructor, not declared as class fields: a class field is
 * defined through V8's define-own-property inline cache, which code not optimised yet (most
 * of a cold run) calls out of line for every field of every object; an assignment is a plain
 * store. The evaluator's most frequent objects are built this way (see also evaluate.ts).
 */
export class Lazy {
  private declare compute: (() => NixValue) | undefined;
  private declare where: Span | (() => Span) | undefined;
  private declare state: 0 | 1 | 2;
  private declare result: NixValue | undefined;

  /**
   * `at` may be a thunk: the evaluator creates a Lazy per binding and list item, and a span
   * reads the node's end from wasm, while most spans of lazies are never asked for.
   */
  constructor(compute: (() => NixValue) | undefined, value?: NixValue, where?: Span | (() => Span)) {
    // In the order class fields had: one hidden class, as before.
    this.compute = compute;
    this.where = where;
    this.state = value ? 2 : 0;
    this.result = value;
  }

  /** Where the value is written (for messages about it), when known. */
  get at(): Span | undefined {
    if (typeof this.where === 'function') this.where = this.where();
    return this.where;
  }

  static of(value: NixValue): Lazy {
    return new Lazy(undefined, value, value.at);
  }

  force(): NixValue {
    if (this.state === 2) return this.result!;
    if (this.state === 1) {
      return { k: 'unknown', reason: 'infinite recursion', at: this.at ?? { file: '', start: 0, end: 0 } };
    }
    this.state = 1;
    try {
      this.result = this.compute!();
    } finally {
      this.state = 2;
      this.compute = undefined;
    }
    this.result ??= { k: 'unknown', reason: 'evaluation failed', at: this.at ?? { file: '', start: 0, end: 0 } };
    return this.result;
  }
}

export function spanOf(file: string, node: Node): Span {
  return { file, start: node.startIndex, end: node.endIndex };
}

export function unknownValue(reason: string, at: Span, configPath?: readonly string[]): NixValue {
  return configPath ? { k: 'unknown', reason, at, configPath } : { k: 'unknown', reason, at };
}

export function strValue(s: string, pieces: readonly StrPiece[], at: Span, via?: readonly Span[], holes?: readonly Hole[]): Of<'str'> {
  const v: { k: 'str'; s: string; pieces: readonly StrPiece[]; at: Span; via?: readonly Span[]; holes?: readonly Hole[] } = { k: 'str', s, pieces, at };
  if (via && via.length) v.via = via;
  if (holes && holes.length) v.holes = holes;
  return v;
}

/** A string value whose characters all map to `at` as one unit (a synthesized string). */
export function plainString(s: string, at: Span): Of<'str'> {
  return { k: 'str', s, pieces: s.length ? [{ from: 0, len: s.length, file: at.file, src: at.start, srcEnd: at.end, exact: false }] : [], at };
}

export function describe(v: NixValue): string {
  switch (v.k) {
    case 'str':
      return 'a string';
    case 'int':
    case 'float':
      return 'a number';
    case 'bool':
      return 'a boolean';
    case 'null':
      return 'null';
    case 'path':
      return 'a path';
    case 'list':
      return 'a list';
    case 'attrs':
      return 'an attribute set';
    case 'fn':
      return 'a function';
    case 'merge':
      return 'a mkMerge';
    case 'unknown':
      return 'an unknown value';
  }
}

/** Sets `via` and `priority` on a copy of a value. */
export function withMeta(v: NixValue, meta: { via?: readonly Span[]; priority?: number }): NixValue {
  // Copied with Object.assign: a spread copy that then gains a property gets a hidden class of
  // its own in V8 11 (one per value), Object.assign's copy shares its transitions.
  const out: Record<string, unknown> = {};
  Object.assign(out, v);
  if (meta.via !== undefined) out.via = meta.via.length ? meta.via : undefined;
  if (meta.priority !== undefined) out.priority = meta.priority;
  return out as unknown as NixValue;
}

/**
 * A map of attributes that answers every name: names it does not hold get `missing(name)`.
 * Used for sets only partly known (`lib`, `builtins`, a host's `config.x` when other modules
 * may define more). `hasOwn` tells real members apart (for `with`).
 */
export class OpenAttrs extends Map<string, Attr> {
  constructor(
    entries: Iterable<[string, Attr]>,
    private readonly missing: (name: string) => NixValue,
  ) {
    super(entries);
  }

  override get(key: string): Attr | undefined {
    const own = super.get(key);
    if (own) return own;
    const v = this.missing(key);
    return { value: Lazy.of(v), keyAt: v.at, bindingAt: v.at };
  }

  override has(): boolean {
    return true;
  }

  hasOwn(key: string): boolean {
    return super.has(key);
  }
}

/** The attribute a set really holds (not an OpenAttrs placeholder). */
export function ownAttr(attrs: ReadonlyMap<string, Attr>, key: string): Attr | undefined {
  if (attrs instanceof OpenAttrs) return attrs.hasOwn(key) ? attrs.get(key) : undefined;
  return attrs.get(key);
}
