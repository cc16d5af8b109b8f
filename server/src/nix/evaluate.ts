/**
 * A small, lazy, partial evaluator over tree-sitter-nix syntax. It evaluates what configuration
 * files write down (attribute sets in every nesting, let/rec/with/inherit, strings with
 * interpolation, lists, simple functions and the lib helpers in ./lib.ts). Anything else is an
 * `unknown` value with the reason: never a guess. A step budget and a depth limit bound the
 * work on hostile input.
 */
import { dirname, posix } from 'node:path';
import type { Node, Tree } from 'web-tree-sitter';
import type { ScannedBinding, ScannedLiteral, ScannedSet } from './text-scan';
import { attrKey, bindingSetOf, formalNodes, namedChildrenNoComments, scanBindingKeys, scanFormals, ScannedKey } from './syntax';
import { concatStrings } from './strings';
import { isNormalAbsolute, joinRelative } from './relative-path';
import { buildString } from './string-literal';
import type { Attr, DynAttr, NixValue, Of, Span } from './values';
import { Lazy, describe, ownAttr, plainString, spanOf, strValue, unknownValue } from './values';
import { globalScope, mkIfApplies, toStringValue } from './lib';

/** The value of a path literal written in `file`; `dir` is normalDir(file), asked once per file. */
function pathIn(file: string, dir: string | null, text: string, at: Span): NixValue {
  if (text.startsWith('/')) return { k: 'path', p: posix.normalize(text), at };
  return { k: 'path', p: dir === null ? posix.join(dirname(file), text) : joinRelative(dir, text), at };
}

/** The file's directory when absolute and normalised (joinRelative's precondition), else null. */
function normalDir(file: string): string | null {
  const dir = dirname(file);
  return isNormalAbsolute(dir) ? dir : null;
}

/**
 * The values of path literals written in `file`, for a caller without an Evaluator (a literal
 * module's `imports`): the file's directory is worked out once, not per literal.
 */
export function pathLiteralsIn(file: string): (text: string, at: Span) => NixValue {
  let dir: string | null | undefined;
  return (text, at) => pathIn(file, text.startsWith('/') ? null : (dir === undefined ? (dir = normalDir(file)) : dir), text, at);
}

/** Lexical variables, or the attribute set of a `with`, chained to the enclosing scope. */
export interface Scope {
  readonly vars?: ReadonlyMap<string, Lazy>;
  readonly with?: Lazy;
  readonly parent?: Scope;
}

export interface EvalHooks {
  /**
   * Resolves `config.a.b` of the module's own host (the merged configuration), or undefined
   * when the host does not define it as a known value.
   */
  readonly configLookup?: (path: readonly string[], at: Span) => NixValue | undefined;
}

const MAX_STEPS = 400_000;
const MAX_DEPTH = 180;

/** (Its fields, and those of the builder classes below, are assigned, not declared as class fields: see Lazy in values.ts.) */
export class Evaluator {
  declare readonly file: string;
  declare readonly text: string;
  declare readonly hooks: EvalHooks;
  private declare steps: number;
  private declare depth: number;
  /** The file's directory for relative paths (null: not absolute and normalised, joined by node:path). */
  private declare dir: string | null | undefined;

  constructor(file: string, text: string, hooks: EvalHooks = {}) {
    this.file = file;
    this.text = text;
    this.hooks = hooks;
    this.steps = 0;
    this.depth = 0;
    this.dir = undefined;
  }

  span(node: Node): Span {
    return spanOf(this.file, node);
  }

  unknown(reason: string, node: Node | Span): NixValue {
    return unknownValue(reason, 'file' in node ? node : this.span(node));
  }

  lazy(node: Node, scope: Scope): Lazy {
    return new Lazy(() => this.eval(node, scope), undefined, () => this.span(node));
  }

  /** A value the scan read from the text, evaluated when forced as `lazy` would (same budget and depth checks). */
  private scannedLazy(value: ScannedLiteral, scope: Scope): Lazy {
    const at: Span = { file: this.file, start: value.start, end: value.end };
    return new Lazy(() => this.evalScanned(value, scope, at), undefined, at);
  }

  /** `eval` for a scanned value: the same step budget, depth limit and depth while evaluating. */
  private evalScanned(value: ScannedLiteral, scope: Scope, at: Span): NixValue {
    if (++this.steps > MAX_STEPS) return this.unknown('evaluation budget exhausted', at);
    if (this.depth >= MAX_DEPTH) return this.unknown('evaluation too deep', at);
    this.depth++;
    try {
      return this.scannedValue(value, scope, at);
    } finally {
      this.depth--;
    }
  }

  private scannedValue(value: ScannedLiteral, scope: Scope, at: Span): NixValue {
    switch (value.kind) {
      case 'string': {
        // No escapes, no interpolation: one piece mapping the value to the text between the quotes.
        const s = this.text.slice(value.start + 1, value.end - 1);
        return strValue(s, s.length ? [{ from: 0, len: s.length, file: this.file, src: value.start + 1, srcEnd: value.end - 1, exact: true }] : [], at);
      }
      case 'int':
        return { k: 'int', n: Number(this.text.slice(value.start, value.end)), at };
      case 'path':
        return this.pathValue(this.text.slice(value.start, value.end), at);
      case 'var':
        return this.lookup(this.text.slice(value.start, value.end), scope, at);
      case 'list':
        return { k: 'list', items: value.items.map((item) => this.scannedLazy(item, scope)), at };
      case 'set': {
        // As evalAttrset: `{ }` has no binding set.
        if (!value.bindings.length) return { k: 'attrs', attrs: new Map(), at };
        const root = new AttrsBuilder(this.file);
        this.addScannedBindings(root, value, scope, this.depth);
        return root.value(this, at);
      }
    }
  }

  eval(node: Node, scope: Scope): NixValue {
    if (++this.steps > MAX_STEPS) return this.unknown('evaluation budget exhausted', node);
    if (this.depth >= MAX_DEPTH) return this.unknown('evaluation too deep', node);
    this.depth++;
    try {
      return this.evalNode(node, scope);
    } finally {
      this.depth--;
    }
  }

  private evalNode(node: Node, scope: Scope): NixValue {
    // Spans read the node's end from wasm: only the cases that use one compute it here.
    const at = () => this.span(node);
    switch (node.type) {
      case 'source_code': {
        const e = namedChildrenNoComments(node)[0];
        return e ? this.eval(e, scope) : this.unknown('empty file', node);
      }
      case 'parenthesized_expression':
        return this.evalField(node, 'expression', scope);
      case 'integer_expression':
        return { k: 'int', n: Number(node.text), at: at() };
      case 'float_expression':
        return { k: 'float', n: Number(node.text), at: at() };
      case 'string_expression':
      case 'indented_string_expression':
        return buildString(node, this.file, (e) => this.eval(e, scope));
      case 'uri_expression':
        return plainString(node.text, at());
      case 'path_expression':
        return this.evalPath(node, scope);
      case 'spath_expression':
        return { k: 'path', p: '', external: node.text, at: at() };
      case 'hpath_expression':
        return this.unknown(`home path ${node.text} is outside the workspace`, node);
      case 'variable_expression':
        return this.lookup(node.text, scope, at);
      case 'select_expression':
        return this.evalSelect(node, scope);
      case 'apply_expression':
        return this.evalApply(node, scope);
      case 'function_expression':
        return this.makeFunction(node, scope);
      case 'attrset_expression':
        return this.evalAttrset(node, scope, false);
      case 'rec_attrset_expression':
        return this.evalAttrset(node, scope, true);
      case 'let_attrset_expression': {
        const set = this.evalAttrset(node, scope, true);
        const body = set.k === 'attrs' ? set.attrs.get('body') : undefined;
        return body ? body.value.force() : this.unknown('let { } without body', node);
      }
      case 'let_expression':
        return this.evalLet(node, scope);
      case 'with_expression': {
        const env = node.childForFieldName('environment');
        const body = node.childForFieldName('body');
        if (!env || !body) return this.unknown('incomplete with expression', node);
        return this.eval(body, { with: this.lazy(env, scope), parent: scope });
      }
      case 'list_expression':
        return { k: 'list', items: namedChildrenNoComments(node).map((e) => this.lazy(e, scope)), at: at() };
      case 'if_expression':
        return this.evalIf(node, scope);
      case 'assert_expression':
        return this.evalField(node, 'body', scope);
      case 'binary_expression':
        return this.evalBinary(node, scope);
      case 'unary_expression':
        return this.evalUnary(node, scope);
      case 'has_attr_expression':
        return this.evalHasAttr(node, scope);
      case 'ERROR':
        return this.unknown('syntax error', node);
      default:
        return this.unknown(`${node.type} is not evaluated`, node);
    }
  }

  private evalField(node: Node, field: string, scope: Scope): NixValue {
    const child = node.childForFieldName(field);
    return child ? this.eval(child, scope) : this.unknown(`incomplete ${node.type}`, node);
  }

  /** `at` may be a thunk: a variable found in scope never needs its span. */
  lookup(name: string, scope: Scope, where: Span | (() => Span)): NixValue {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const v = s.vars?.get(name);
      if (v) return v.force();
    }
    const at = typeof where === 'function' ? where() : where;
    // Lexical bindings, including the builtins of the base environment (`true`, `map`),
    // win over `with`, whatever the nesting (Nix semantics).
    const g = globalScope().get(name);
    if (g) return respan(g.force(), at);
    let unknownWith: Of<'unknown'> | undefined;
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      if (!s.with) continue;
      const env = s.with.force();
      if (env.k === 'attrs') {
        const a = ownAttr(env.attrs, name);
        if (a) return a.value.force();
      } else if (env.k === 'unknown') unknownWith ??= env;
    }
    if (unknownWith) return unknownValue(`'${name}' may come from a 'with' of an unknown value (${unknownWith.reason})`, at);
    return unknownValue(`undefined variable '${name}'`, at);
  }

  private evalPath(node: Node, scope: Scope): NixValue {
    const at = this.span(node);
    let text = '';
    for (const c of node.namedChildren) {
      if (!c) continue;
      if (c.type === 'interpolation') {
        const e = c.childForFieldName('expression');
        const v = e ? this.eval(e, scope) : this.unknown('empty interpolation', c);
        if (v.k !== 'str' || v.holes) return this.unknown(`path ${node.text} interpolates ${describe(v)}`, node);
        text += v.s;
      } else text += c.text;
    }
    if (!node.namedChildren.length) text = node.text;
    return this.pathValue(text, at);
  }

  private pathValue(text: string, at: Span): NixValue {
    if (this.dir === undefined && !text.startsWith('/')) this.dir = normalDir(this.file);
    return pathIn(this.file, this.dir ?? null, text, at);
  }

  /** The keys of an attrpath; a key that cannot be evaluated is an unknown value. */
  attrPath(attrpath: Node, scope: Scope): { key: string | NixValue; node: Node }[] {
    return namedChildrenNoComments(attrpath).map((a) => ({ key: this.attrName(a, scope), node: a }));
  }

  private evalSelect(node: Node, scope: Scope): NixValue {
    let span: Span | undefined;
    const at = () => (span ??= this.span(node));
    const exprNode = node.childForFieldName('expression');
    const pathNode = node.childForFieldName('attrpath');
    if (!exprNode || !pathNode) return this.unknown('incomplete selection', node);
    // `a.b or d`: the default is looked up only when a selection fails.
    const orDefault = () => {
      const dflt = node.childForFieldName('default');
      return dflt ? this.eval(dflt, scope) : undefined;
    };
    let v = this.eval(exprNode, scope);
    const keys = this.attrPath(pathNode, scope);
    for (let i = 0; i < keys.length; i++) {
      const { key } = keys[i];
      if (typeof key !== 'string') return unknownValue(`attribute name not evaluable: ${(key as Of<'unknown'>).reason ?? ''}`, at());
      if (v.k === 'unknown') {
        if (v.configPath) {
          const path = [...v.configPath, ...keys.slice(i).map((k) => (typeof k.key === 'string' ? k.key : '?'))];
          if (path.includes('?')) return unknownValue(v.reason, at());
          return this.configRef(path, at());
        }
        return unknownValue(v.reason, at());
      }
      if (v.k === 'merge') v = mergeForSelect(v);
      if (v.k !== 'attrs') return orDefault() ?? this.unknown(`cannot select '${key}' from ${describe(v)}`, node);
      const a = v.attrs.get(key);
      if (!a) {
        const d = orDefault();
        if (d) return d;
        if (v.dynamic?.length) return this.unknown(`'${key}' may be set by an attribute with a computed name`, node);
        return this.unknown(`attribute '${key}' missing`, node);
      }
      v = a.value.force();
    }
    return v.at.file ? v : respan(v, at());
  }

  /** `config.a.b`: the host's merged value when known, else unknown carrying the path. */
  configRef(path: readonly string[], at: Span): NixValue {
    const found = this.hooks.configLookup?.(path, at);
    if (found) return found;
    return unknownValue(`config.${path.join('.')} is not set to a known value here`, at, path);
  }

  private evalApply(node: Node, scope: Scope): NixValue {
    const fnNode = node.childForFieldName('function');
    const argNode = node.childForFieldName('argument');
    if (!fnNode || !argNode) return this.unknown('incomplete application', node);
    const fn = this.eval(fnNode, scope);
    const at = this.span(node);
    if (fn.k === 'fn') {
      const r = fn.call(this.lazy(argNode, scope), at);
      return r;
    }
    if (fn.k === 'unknown') {
      // `nixpkgs.lib.nixosSystem { modules = [...]; }`: keep the argument, the host list needs it.
      if (/(^|\.)nixosSystem$/.test(fnNode.text.replace(/\s+/g, ''))) {
        const arg = this.eval(argNode, scope);
        if (arg.k === 'attrs') {
          const attrs = new Map(arg.attrs);
          attrs.set('__nixosSystem', { value: Lazy.of({ k: 'bool', b: true, at }), keyAt: at, bindingAt: at });
          return { ...arg, attrs };
        }
      }
      return unknownValue(`result of calling ${shorten(fnNode.text)} (${fn.reason})`, at);
    }
    return this.unknown(`cannot call ${describe(fn)}`, node);
  }

  makeFunction(node: Node, scope: Scope): NixValue {
    const at = this.span(node);
    const body = node.childForFieldName('body');
    if (!body) return this.unknown('function without body', node);
    const scanned = scanFormals(node);
    const universal = scanned ? null : node.childForFieldName('universal');
    const formals: readonly Formal[] | undefined = scanned ?? this.formalsOf(node);
    return this.functionValue(at, formals, universal, scope, (inner) => this.eval(body, inner));
  }

  /**
   * `{ formals }: body` as the text scan read it, with a set for its body (a literal module
   * file): the function makeFunction makes of its nodes.
   */
  scannedFunction(at: Span, formals: readonly ScannedKey[], body: ScannedSet, scope: Scope): NixValue {
    const bodyAt: Span = { file: this.file, start: body.start, end: body.end };
    return this.functionValue(at, formals, null, scope, (inner) => this.evalScanned(body, inner, bodyAt));
  }

  /** A set the text scan read, as `eval` evaluates its node. */
  evalScannedSet(set: ScannedSet, scope: Scope): NixValue {
    return this.evalScanned(set, scope, { file: this.file, start: set.start, end: set.end });
  }

  private functionValue(at: Span, formals: readonly Formal[] | undefined, universal: Node | null, scope: Scope, body: (inner: Scope) => NixValue): NixValue {
    return {
      k: 'fn',
      at,
      formals: formals?.map((f) => f.name).filter((n) => n),
      call: (arg: Lazy) => {
        const vars = new Map<string, Lazy>();
        if (universal) vars.set(universal.text, arg);
        const inner: Scope = { vars, parent: scope };
        for (const f of formals ?? []) if (f.name) vars.set(f.name, this.formalValue(f, arg, inner));
        return body(inner);
      },
    };
  }

  /**
   * A formal's value in one call. Made here, not in `call`: a closure there would keep the
   * function's body node (and every child list web-tree-sitter cached under it) alive for as
   * long as any argument stays unforced.
   */
  private formalValue(f: Formal, arg: Lazy, inner: Scope): Lazy {
    return new Lazy(() => {
      const { name } = f;
      const dflt = f instanceof ScannedKey ? null : f.dflt;
      const a = arg.force();
      if (a.k === 'attrs') {
        const got = a.attrs.get(name);
        if (got) return got.value.force();
      } else if (a.k === 'unknown') {
        return dflt ? this.eval(dflt, inner) : unknownValue(`argument '${name}' (${a.reason})`, this.formalSpan(f));
      }
      return dflt ? this.eval(dflt, inner) : unknownValue(`argument '${name}' not given`, this.formalSpan(f));
    });
  }

  /** The formals of `{ a, b ? d, ... }:` read from the tree; undefined for `x: body`. */
  private formalsOf(node: Node): TreeFormal[] | undefined {
    return formalNodes(node)?.map((f) => ({ name: f.childForFieldName('name')?.text ?? '', dflt: f.childForFieldName('default'), node: f }));
  }

  private formalSpan(f: Formal): Span {
    return f instanceof ScannedKey ? { file: this.file, start: f.start, end: f.end } : this.span(f.node);
  }

  private evalLet(node: Node, scope: Scope): NixValue {
    const body = node.childForFieldName('body');
    const set = bindingSetOf(node);
    if (!body) return this.unknown('let without body', node);
    const vars = new Map<string, Lazy>();
    const inner: Scope = { vars, parent: scope };
    if (set) {
      for (const [k, a] of this.bindingsOf(set, inner, scope).build(this)) vars.set(k, a.value);
    }
    return this.eval(body, inner);
  }

  evalAttrset(node: Node, scope: Scope, rec: boolean): NixValue {
    const set = bindingSetOf(node);
    const at = this.span(node);
    if (!set) return { k: 'attrs', attrs: new Map(), at };
    if (!rec) return this.bindingsOf(set, scope, scope).value(this, at);
    const vars = new Map<string, Lazy>();
    const inner: Scope = { vars, parent: scope };
    const built = this.bindingsOf(set, inner, scope).value(this, at);
    for (const [k, a] of built.attrs) vars.set(k, a.value);
    return built;
  }

  /**
   * The bindings of a binding set, placed and ready to build: `a.b.c = v`, `a = { b.c = v; }` and repeated
   * prefixes all land in one nested structure. `inherit` reads from `outer` (for `rec`
   * sets and `let`, the enclosing scope), values from `scope`.
   */
  private bindingsOf(set: Node, scope: Scope, outer: Scope): AttrsBuilder {
    const root = new AttrsBuilder(this.file);
    this.addBindings(root, set, scope, outer, this.depth);
    return root;
  }

  /** `depth` counts the evaluation depth plus the nested sets around `set` (the nesting limit). */
  addBindings(target: AttrsBuilder, set: Node, scope: Scope, outer: Scope, depth: number): void {
    for (const b of set.namedChildren) {
      if (!b) continue;
      // Most keys are plain identifiers: those come from the text, not from wasm.
      const scanned = this.scannedBinding(b);
      if (scanned) {
        this.addPath(target, scanned.keys, 0, scanned.site ?? new BindingSite(this.file, b), scope, depth);
        continue;
      }
      const type = b.type;
      if (type === 'binding') this.addBinding(target, b, scope, depth);
      else if (type === 'inherit' || type === 'inherit_from') this.addInherit(target, b, scope, outer);
    }
  }

  /**
   * A binding's keys as far as the text scan reads them, and its site when the scan read
   * its value too. A module that reads the host's configuration is evaluated again for every
   * host from the same tree: its bindings are scanned once (see repeatedScans).
   */
  private scannedBinding(b: Node): ScannedBindingSite | undefined {
    const memo = this.hooks.configLookup ? scansOf(b.tree) : undefined;
    let found = memo?.get(b.startIndex);
    if (found === undefined) {
      const scanned = scanBindingKeys(b);
      found = scanned
        ? {
            keys: scanned.complete ? scanned.keys : [...scanned.keys, new UnreadKeys(scanned.keys.length)],
            site: scanned.complete && scanned.literal ? BindingSite.literal(this.file, b.startIndex, scanned.literal.bindingEnd, scanned.literal.value) : undefined,
          }
        : null;
      memo?.set(b.startIndex, found);
    }
    return found ?? undefined;
  }

  private addBinding(target: AttrsBuilder, b: Node, scope: Scope, depth: number): void {
    const pathNode = b.childForFieldName('attrpath');
    const expr = b.childForFieldName('expression');
    if (!pathNode || !expr) return;
    this.addPath(target, namedChildrenNoComments(pathNode), 0, new BindingSite(this.file, b, expr), scope, depth);
  }

  /**
   * Places `keys = expr` in `t`. Only the first key is evaluated here: the rest of the path
   * (and a nested set's bindings) is handed to the child set, which does it when its value
   * is first needed. Reading `networking.*` thus never evaluates the computed names under
   * `services.nginx.virtualHosts` (`"app${n}.${domain}"` reads the host's config).
   */
  addPath(t: AttrsBuilder, keys: readonly PathKey[], from: number, site: BindingSite, scope: Scope, depth: number): void {
    const node = keys[from];
    if (node === undefined) return; // the scan saw a dot: keys follow in an error-free tree
    if (node instanceof UnreadKeys) return this.addPath(t, site.attrNodes(node.from), 0, site, scope, depth);
    let key: string;
    if (node instanceof ScannedKey) key = node.name;
    else {
      const name = this.attrName(node, scope);
      if (typeof name !== 'string') return this.addComputed(t, node, name, keys.slice(from + 1), site, scope);
      key = name;
    }
    const last = keys.length === from + 1;
    const scanned = last ? site.literal : undefined;
    if (scanned) return this.placeScanned(t, key, node, scanned, site, scope, depth);
    const expr = last ? site.expression : undefined;
    if (expr === null) return; // an incomplete binding (its syntax error is reported)
    if (expr && expr.type === 'attrset_expression') {
      // A nested set merges with other bindings of the same prefix (`a = { x = 1; }; a.y = 2;`).
      // Nesting counts against the same depth limit as evaluation: hostile nesting ends as an
      // unknown value instead of a stack overflow.
      if (depth >= MAX_DEPTH) {
        if (!t.has(key)) t.setValue(key, new Lazy(() => this.unknown('attribute sets nested too deep', expr)), node, site);
        return;
      }
      const sub = t.child(key, node, site);
      if (sub) {
        const set = bindingSetOf(expr);
        sub.at ??= this.span(expr);
        if (set) sub.defer({ kind: 'set', set, scope, depth: depth + 1 });
        return;
      }
    }
    if (expr) {
      if (!t.has(key)) t.setValue(key, this.lazy(expr, scope), node, site);
      return;
    }
    const sub = t.child(key, node, site);
    if (sub) sub.defer({ kind: 'path', keys, from: from + 1, scope, site, depth });
  }

  /** The bindings of a scanned set, placed as addBindings places those of a binding set. */
  addScannedBindings(target: AttrsBuilder, set: ScannedSet, scope: Scope, depth: number): void {
    for (const b of set.bindings) this.addPath(target, b.keys, 0, BindingSite.scanned(this.file, b), scope, depth);
  }

  /** addPath's last step for a scanned value: a nested set merges like a `{ ... }` node, the rest is lazy. */
  private placeScanned(t: AttrsBuilder, key: string, keyNode: AttrKey, value: ScannedLiteral, site: BindingSite, scope: Scope, depth: number): void {
    if (value.kind !== 'set') {
      if (!t.has(key)) t.setValue(key, this.scannedLazy(value, scope), keyNode, site);
      return;
    }
    const at: Span = { file: this.file, start: value.start, end: value.end };
    if (depth >= MAX_DEPTH) {
      if (!t.has(key)) t.setValue(key, new Lazy(() => this.unknown('attribute sets nested too deep', at)), keyNode, site);
      return;
    }
    const sub = t.child(key, keyNode, site);
    if (!sub) return; // a value is already there (see addPath)
    sub.at ??= at;
    if (value.bindings.length) sub.defer({ kind: 'scanned', set: value, scope, depth: depth + 1 });
  }

  /**
   * A binding under a key whose name could not be evaluated (`${iface}.ipv4 = ...`): kept as
   * a dynamic attribute, since what is inside may still be worth reporting as unknown.
   */
  private addComputed(t: AttrsBuilder, keyNode: Node, key: NixValue, rest: readonly PathKey[], site: BindingSite, scope: Scope): void {
    const bindingAt = site.at;
    const value = new Lazy(() => {
      const keys = rest.flatMap((k) => (k instanceof UnreadKeys ? site.attrNodes(k.from) : [k]));
      const names = keys.map((k) => (k instanceof ScannedKey ? k.name : this.attrName(k, scope)));
      const valueNode = site.expression;
      const inner = valueNode ? this.eval(valueNode, scope) : this.unknown('incomplete binding', keyNode);
      return nest(names.map((k) => (typeof k === 'string' ? k : '?')), inner, bindingAt);
    });
    t.addDynamic({ reason: (key as Of<'unknown'>).reason ?? 'attribute name not evaluable', value, keyAt: this.span(keyNode), bindingAt });
  }

  /** One key of an attrpath: its name, or an unknown value when it cannot be evaluated. */
  private attrName(a: Node, scope: Scope): string | NixValue {
    const literal = attrKey(a);
    if (literal !== null) return literal;
    const expr = a.type === 'interpolation' ? a.childForFieldName('expression') : a;
    const v = expr ? this.eval(expr, scope) : this.unknown('empty key', a);
    if (v.k === 'str' && !v.holes) return v.s;
    return v.k === 'unknown' ? v : this.unknown(`attribute name is ${describe(v)}`, a);
  }

  private addInherit(target: AttrsBuilder, b: Node, scope: Scope, outer: Scope): void {
    const attrsNode = b.childForFieldName('attrs');
    const fromNode = b.type === 'inherit_from' ? b.childForFieldName('expression') : null;
    if (!attrsNode) return;
    const from = fromNode ? this.lazy(fromNode, outer) : undefined;
    let bindingAt: Span | undefined;
    for (const a of namedChildrenNoComments(attrsNode)) {
      const name = attrKey(a);
      if (name === null || target.has(name)) continue;
      const at = this.span(a);
      const value = from
        ? new Lazy(() => {
            const src = from.force();
            if (src.k === 'attrs') {
              const got = src.attrs.get(name);
              return got ? got.value.force() : unknownValue(`attribute '${name}' missing`, at);
            }
            if (src.k === 'unknown' && src.configPath) return this.configRef([...src.configPath, name], at);
            return src.k === 'unknown' ? unknownValue(src.reason, at) : unknownValue(`cannot inherit from ${describe(src)}`, at);
          })
        : new Lazy(() => this.lookup(name, outer, at));
      target.setValue(name, value, at, (bindingAt ??= this.span(b)));
    }
  }

  private evalIf(node: Node, scope: Scope): NixValue {
    const c = this.evalField(node, 'condition', scope);
    if (c.k === 'bool') return this.evalField(node, c.b ? 'consequence' : 'alternative', scope);
    return this.unknown(c.k === 'unknown' ? `condition not evaluable (${c.reason})` : 'condition is not a boolean', node);
  }

  private evalUnary(node: Node, scope: Scope): NixValue {
    const op = node.childForFieldName('operator')?.text;
    const v = this.evalField(node, 'argument', scope);
    const at = this.span(node);
    if (op === '!' && v.k === 'bool') return { k: 'bool', b: !v.b, at };
    if (op === '-' && (v.k === 'int' || v.k === 'float')) return { k: v.k, n: -v.n, at };
    return v.k === 'unknown' ? unknownValue(v.reason, at) : this.unknown(`cannot apply '${op}' to ${describe(v)}`, node);
  }

  private evalHasAttr(node: Node, scope: Scope): NixValue {
    let v = this.evalField(node, 'expression', scope);
    const pathNode = node.childForFieldName('attrpath');
    if (!pathNode) return this.unknown('incomplete ?', node);
    for (const { key } of this.attrPath(pathNode, scope)) {
      if (typeof key !== 'string') return this.unknown('attribute name not evaluable', node);
      if (v.k !== 'attrs') return v.k === 'unknown' ? unknownValue(v.reason, this.span(node)) : { k: 'bool', b: false, at: this.span(node) };
      const a = v.attrs.get(key);
      if (!a) return v.dynamic?.length ? this.unknown('computed attribute names', node) : { k: 'bool', b: false, at: this.span(node) };
      v = a.value.force();
    }
    return { k: 'bool', b: true, at: this.span(node) };
  }

  private evalBinary(node: Node, scope: Scope): NixValue {
    const op = node.childForFieldName('operator')?.text ?? '';
    const leftNode = node.childForFieldName('left');
    const rightNode = node.childForFieldName('right');
    const at = this.span(node);
    if (!leftNode || !rightNode) return this.unknown('incomplete expression', node);
    const l = this.eval(leftNode, scope);
    if (op === '&&' || op === '||' || op === '->') {
      if (l.k === 'bool') {
        if (op === '&&' && !l.b) return { k: 'bool', b: false, at };
        if (op === '||' && l.b) return { k: 'bool', b: true, at };
        if (op === '->' && !l.b) return { k: 'bool', b: true, at };
        const r = this.eval(rightNode, scope);
        return r.k === 'bool' ? { k: 'bool', b: r.b, at } : r.k === 'unknown' ? unknownValue(r.reason, at) : this.unknown('not a boolean', node);
      }
      return l.k === 'unknown' ? unknownValue(l.reason, at) : this.unknown('not a boolean', node);
    }
    const r = this.eval(rightNode, scope);
    return binaryOp(op, l, r, at);
  }
}

/** Applies a binary operator to two evaluated values. */
export function binaryOp(op: string, l: NixValue, r: NixValue, at: Span): NixValue {
  if (op === '==' || op === '!=') {
    const eq = valuesEqual(l, r);
    if (eq === undefined) return unknownValue('comparison of values not evaluated', at);
    return { k: 'bool', b: op === '==' ? eq : !eq, at };
  }
  if (l.k === 'unknown') return unknownValue(l.reason, at);
  if (r.k === 'unknown') return unknownValue(r.reason, at);
  switch (op) {
    case '+':
      if (l.k === 'str' || (l.k === 'path' && r.k === 'str')) {
        if (l.k === 'path') {
          const suffix = (r as Of<'str'>).s;
          return l.external ? { k: 'path', p: '', external: l.external + suffix, at } : { k: 'path', p: posix.normalize(l.p + suffix), at };
        }
        const rs = toStringValue(r, at, false);
        return rs.k === 'str' ? concatStrings([l, rs], at) : rs;
      }
      if (l.k === 'path' && r.k === 'path') return { k: 'path', p: posix.normalize(l.p + r.p), at };
      if ((l.k === 'int' || l.k === 'float') && (r.k === 'int' || r.k === 'float')) return { k: l.k === 'float' || r.k === 'float' ? 'float' : 'int', n: l.n + r.n, at };
      break;
    case '-':
    case '*':
    case '/':
      if ((l.k === 'int' || l.k === 'float') && (r.k === 'int' || r.k === 'float')) {
        const isInt = l.k === 'int' && r.k === 'int';
        if (op === '/' && r.n === 0) return unknownValue('division by zero', at);
        const n = op === '-' ? l.n - r.n : op === '*' ? l.n * r.n : isInt ? Math.trunc(l.n / r.n) : l.n / r.n;
        return { k: isInt ? 'int' : 'float', n, at };
      }
      break;
    case '<':
    case '<=':
    case '>':
    case '>=':
      if ((l.k === 'int' || l.k === 'float') && (r.k === 'int' || r.k === 'float')) {
        const b = op === '<' ? l.n < r.n : op === '<=' ? l.n <= r.n : op === '>' ? l.n > r.n : l.n >= r.n;
        return { k: 'bool', b, at };
      }
      break;
    case '++':
      if (l.k === 'list' && r.k === 'list') return { k: 'list', items: [...l.items, ...r.items], at };
      break;
    case '//':
      if (l.k === 'attrs' && r.k === 'attrs') {
        const attrs = new Map(l.attrs);
        for (const [k, a] of r.attrs) attrs.set(k, a);
        const dynamic = [...(l.dynamic ?? []), ...(r.dynamic ?? [])];
        return { k: 'attrs', attrs, dynamic: dynamic.length ? dynamic : undefined, at };
      }
      break;
  }
  return unknownValue(`cannot apply '${op}' to ${describe(l)} and ${describe(r)}`, at);
}

function valuesEqual(l: NixValue, r: NixValue): boolean | undefined {
  if (l.k === 'unknown' || r.k === 'unknown') return undefined;
  if (l.k === 'str' && r.k === 'str') return l.holes || r.holes ? undefined : l.s === r.s;
  if ((l.k === 'int' || l.k === 'float') && (r.k === 'int' || r.k === 'float')) return l.n === r.n;
  if (l.k === 'bool' && r.k === 'bool') return l.b === r.b;
  if (l.k === 'null' || r.k === 'null') return l.k === r.k;
  if (l.k === 'path' && r.k === 'path') return l.p === r.p && l.external === r.external;
  if (l.k !== r.k) return false;
  return undefined;
}

/** A `mkMerge` or `mkIf` selected from (rare outside modules): its attribute sets, merged shallowly. */
function mergeForSelect(v: Of<'merge'>): NixValue {
  const attrs = new Map<string, Attr>();
  if (!mkIfApplies(v)) return { k: 'attrs', attrs, at: v.at };
  for (const p of v.parts) {
    const part = p.force();
    if (part.k !== 'attrs') return unknownValue('selection from a mkMerge of non-sets', v.at);
    for (const [k, a] of part.attrs) attrs.set(k, a);
  }
  return { k: 'attrs', attrs, at: v.at };
}

/** `rest` keys around a value, for the part of a binding after a computed key. */
function nest(keys: readonly string[], v: NixValue, at: Span): NixValue {
  let out = v;
  for (let i = keys.length - 1; i >= 0; i--) {
    out = { k: 'attrs', attrs: new Map([[keys[i], { value: Lazy.of(out), keyAt: at, bindingAt: at }]]), at };
  }
  return out;
}

/** Built-in values have no source: give them the span of the expression that named them. */
function respan(v: NixValue, at: Span): NixValue {
  return v.at.file ? v : ({ ...v, at } as NixValue);
}

function shorten(text: string): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length > 40 ? one.slice(0, 40) + '…' : one;
}

/** A formal argument read from the tree: its name, default expression and node (for its span). */
interface TreeFormal {
  readonly name: string;
  readonly dflt: Node | null;
  readonly node: Node;
}

/** A formal argument of a function; one the scan read has no default. */
type Formal = ScannedKey | TreeFormal;

/** A key of an attrpath: its syntax node, or (plain identifiers) what the text says. */
type AttrKey = Node | ScannedKey;

/** The keys of a binding's attrpath from the `from`-th on, read from its nodes when needed. */
class UnreadKeys {
  declare readonly from: number;

  constructor(from: number) {
    this.from = from;
  }
}

/** An attrpath, or its rest: keys, possibly ending in the keys not read yet. */
type PathKey = AttrKey | UnreadKeys;

function keySpan(file: string, key: AttrKey): Span {
  return key instanceof ScannedKey ? { file, start: key.start, end: key.end } : spanOf(file, key);
}

/**
 * A binding: its span and its value's syntax node, each read from wasm once and only when an
 * attribute or message needs it (`a.b.c = v`: not before the set holding `c` is built).
 */
class BindingSite {
  declare readonly file: string;
  /**
   * Absent when the scan read the binding's keys and value: a binding placed in a set not
   * built yet would otherwise keep its node (and what web-tree-sitter caches on it) alive.
   */
  private declare readonly node: Node | undefined;
  private declare value: Node | null | undefined;
  /** The value, when the scan read it (the binding then ends after it). */
  declare readonly literal: ScannedLiteral | undefined;
  private declare span: Span | undefined;

  constructor(file: string, node: Node | undefined, value?: Node | null, literal?: ScannedLiteral, span?: Span) {
    this.file = file;
    this.node = node;
    this.value = value;
    this.literal = literal;
    this.span = span;
  }

  /** A binding at [start, end) whose keys and value the scan read. */
  static literal(file: string, start: number, end: number, value: ScannedLiteral): BindingSite {
    return new BindingSite(file, undefined, undefined, value, { file, start, end });
  }

  static scanned(file: string, b: ScannedBinding): BindingSite {
    return BindingSite.literal(file, b.start, b.end, b.value);
  }

  get at(): Span {
    return (this.span ??= spanOf(this.file, this.node!));
  }

  /** The attrpath's keys from the `from`-th on, as syntax nodes. */
  attrNodes(from: number): Node[] {
    const path = this.node?.childForFieldName('attrpath');
    return path ? namedChildrenNoComments(path).slice(from) : [];
  }

  get expression(): Node | null {
    if (this.value === undefined) this.value = this.node?.childForFieldName('expression') ?? null;
    return this.value;
  }
}

/**
 * A binding as the text scan read it: its keys (ending in UnreadKeys when the scan stopped),
 * and, when it read the value too, the binding's site (it holds no node: shareable).
 */
interface ScannedBindingSite {
  readonly keys: readonly PathKey[];
  readonly site: BindingSite | undefined;
}

/** Per tree evaluated for every host, the scanned bindings by start offset (null: not scannable). */
const repeatedScans = new WeakMap<Tree, Map<number, ScannedBindingSite | null>>();

function scansOf(tree: Tree): Map<number, ScannedBindingSite | null> {
  let m = repeatedScans.get(tree);
  if (!m) repeatedScans.set(tree, (m = new Map()));
  return m;
}

/** Bindings of a nested set not yet placed: the rest of an attrpath, or a nested `{ ... }`. */
type Pending =
  | { readonly kind: 'path'; readonly keys: readonly PathKey[]; readonly from: number; readonly scope: Scope; readonly site: BindingSite; readonly depth: number }
  | { readonly kind: 'set'; readonly set: Node; readonly scope: Scope; readonly depth: number }
  | { readonly kind: 'scanned'; readonly set: ScannedSet; readonly scope: Scope; readonly depth: number };

/**
 * Collects the bindings of one attribute set level. The map it fills is the set's own map of
 * attributes: a nested set's entry holds a placeholder until this set is built, when it gets
 * the lazy value that builds the nested set.
 */
class AttrsBuilder {
  declare readonly file: string;
  private declare readonly attrs: Map<string, Attr>;
  /** The keys whose entries are NestedSet, in the order they were placed. */
  private declare nested: string[] | undefined;
  declare dynamic: DynAttr[] | undefined;
  declare at: Span | undefined;
  /** Placed in binding order when the set is built, so "first definition wins" is unchanged. */
  private declare pending: Pending[] | undefined;

  constructor(file: string) {
    this.file = file;
    this.attrs = new Map();
    this.nested = undefined;
    this.dynamic = undefined;
    this.at = undefined;
    this.pending = undefined;
  }

  defer(p: Pending): void {
    // Most sets get one: a list of exactly that, not an empty one grown by push.
    if (this.pending) this.pending.push(p);
    else this.pending = [p];
  }

  has(key: string): boolean {
    return this.attrs.has(key);
  }

  addDynamic(a: DynAttr): void {
    (this.dynamic ??= []).push(a);
  }

  /** The set under `key`, created by this binding when new (its spans are read only then). */
  child(key: string, keyNode: AttrKey, site: BindingSite): AttrsBuilder | undefined {
    // `a = expr; a.b = 1;` is an error in Nix; keep the first definition.
    const placed = this.attrs.get(key);
    if (placed) return placed instanceof NestedSet ? placed.sub : undefined;
    const sub = new AttrsBuilder(this.file);
    if (this.nested) this.nested.push(key);
    else this.nested = [key];
    this.attrs.set(key, new NestedSet(sub, keySpan(this.file, keyNode), site.at));
    return sub;
  }

  /** A value under a key not bound yet (callers check `has` first, before making the value). */
  setValue(key: string, value: Lazy, keyNode: AttrKey | Span, site: BindingSite | Span): void {
    const keyAt = 'file' in keyNode ? keyNode : keySpan(this.file, keyNode);
    this.attrs.set(key, { value, keyAt, bindingAt: site instanceof BindingSite ? site.at : site });
  }

  /** The set's value (see build). */
  value(ev: Evaluator, at: Span): Of<'attrs'> {
    return { k: 'attrs', attrs: this.build(ev), dynamic: this.dynamic, at };
  }

  /** The set's attributes: its pending bindings placed, its nested sets lazy. Called once. */
  build(ev: Evaluator): ReadonlyMap<string, Attr> {
    const pending = this.pending;
    this.pending = undefined;
    if (pending) {
      for (const p of pending) {
        if (p.kind === 'path') ev.addPath(this, p.keys, p.from, p.site, p.scope, p.depth);
        else if (p.kind === 'scanned') ev.addScannedBindings(this, p.set, p.scope, p.depth);
        else ev.addBindings(this, p.set, p.scope, p.scope, p.depth);
      }
    }
    if (this.nested) {
      for (const k of this.nested) {
        const { sub, keyAt, bindingAt } = this.attrs.get(k) as NestedSet;
        const subAt = sub.at ?? bindingAt;
        // Setting an existing key keeps its place in the map's order.
        this.attrs.set(k, { value: new Lazy(() => sub.value(ev, subAt), undefined, subAt), keyAt, bindingAt });
      }
      this.nested = undefined;
    }
    return this.attrs;
  }
}

/** What a nested set's entry holds until its parent is built (never seen outside the builder). */
const NESTED_SET_PLACEHOLDER = Lazy.of(unknownValue('nested set not built yet', { file: '', start: 0, end: 0 }));

/** A nested set's entry until its parent is built: the placeholder value, and the set's builder. */
class NestedSet implements Attr {
  declare readonly sub: AttrsBuilder;
  declare readonly keyAt: Span;
  declare readonly bindingAt: Span;
  declare readonly value: Lazy;

  constructor(sub: AttrsBuilder, keyAt: Span, bindingAt: Span) {
    this.sub = sub;
    this.keyAt = keyAt;
    this.bindingAt = bindingAt;
    this.value = NESTED_SET_PLACEHOLDER;
  }
}
