/**
 * Recognises the expression shapes a NixOS module wraps its attribute sets in, so the edit
 * builder can write inside them: `lib.mkIf cond { … }`, `lib.mkMerge [ { … } … ]`,
 * `lib.mkForce { … }`, `let … in { … }`, `with lib; { … }`, `( … )`.
 */
import type { Node } from 'web-tree-sitter';
import { attrPathKeys, namedChildrenNoComments } from '../../nix/syntax';

/** Module-system wrappers that only change priority: the value inside is the value. */
const PRIORITY_WRAPPERS: Readonly<Record<string, number>> = { mkForce: 1, mkDefault: 1, mkOptionDefault: 1, mkOverride: 2 };

interface Application {
  /** The applied function's name without `lib.` (`mkIf`), or null when not a plain name. */
  readonly head: string | null;
  readonly args: Node[];
}

/** Flattens curried application: `lib.mkIf c x` → { head: 'mkIf', args: [c, x] }. */
export function applicationOf(node: Node): Application | null {
  if (node.type !== 'apply_expression') return null;
  const args: Node[] = [];
  let fn: Node | null = node;
  while (fn && fn.type === 'apply_expression') {
    const arg = fn.childForFieldName('argument');
    if (!arg) return null;
    args.unshift(arg);
    fn = fn.childForFieldName('function');
  }
  return { head: fn ? functionName(fn) : null, args };
}

function functionName(fn: Node): string | null {
  if (fn.type === 'variable_expression') return fn.childForFieldName('name')?.text ?? null;
  if (fn.type === 'select_expression') {
    const path = fn.childForFieldName('attrpath');
    const keys = path ? attrPathKeys(path) : [];
    return keys.length ? keys[keys.length - 1] : null;
  }
  return null;
}

function isAttrsetLiteral(node: Node): boolean {
  return node.type === 'attrset_expression' || node.type === 'rec_attrset_expression';
}

/** The inner expression of `( … )`, `let … in …` and `with …; …`. */
function transparentBody(node: Node): Node | null {
  if (node.type === 'parenthesized_expression') return node.childForFieldName('expression');
  if (node.type === 'let_expression' || node.type === 'with_expression') return node.childForFieldName('body');
  return null;
}

export interface AttrsetSearch {
  /** Also look through `args: body` (only for the file's top-level module expression). */
  readonly throughFunction?: boolean;
}

/**
 * The attribute set literals whose bindings define `expr`'s attributes, in source order:
 * the set itself, or the sets inside the wrappers above (every set element of `mkMerge`).
 * Empty when the value is anything else (a variable, an import, a function call).
 */
export function literalAttrsetsOf(expr: Node, search: AttrsetSearch = {}): Node[] {
  if (isAttrsetLiteral(expr)) return [expr];
  const body = transparentBody(expr);
  if (body) return literalAttrsetsOf(body, search);
  if (search.throughFunction && expr.type === 'function_expression') {
    const fnBody = expr.childForFieldName('body');
    return fnBody ? literalAttrsetsOf(fnBody, search) : [];
  }
  const app = applicationOf(expr);
  if (!app || app.head === null) return [];
  const last = app.args[app.args.length - 1];
  if (app.head === 'mkIf' && app.args.length === 2) return literalAttrsetsOf(last, search);
  if (PRIORITY_WRAPPERS[app.head] === app.args.length) return literalAttrsetsOf(last, search);
  if (app.head === 'mkMerge' && app.args.length === 1) {
    const list = unwrapTransparent(last);
    if (list.type !== 'list_expression') return [];
    return namedChildrenNoComments(list).flatMap((element) => literalAttrsetsOf(element, search));
  }
  return [];
}

function unwrapTransparent(expr: Node): Node {
  let node = expr;
  for (let body = transparentBody(node); body; body = transparentBody(node)) node = body;
  return node;
}

/**
 * The value a binding really gives, looking through parentheses and priority wrappers
 * (`lib.mkForce "x"` → `"x"`), so a replacement keeps the author's priority.
 */
export function valueInsidePriority(expr: Node): Node {
  let node = expr;
  for (;;) {
    if (node.type === 'parenthesized_expression') {
      const inner = node.childForFieldName('expression');
      if (!inner) return node;
      node = inner;
      continue;
    }
    const app = applicationOf(node);
    if (app && app.head !== null && PRIORITY_WRAPPERS[app.head] === app.args.length) {
      node = app.args[app.args.length - 1];
      continue;
    }
    return node;
  }
}

/** The string literal a value is, if it is one (`"…"` or `''…''`), through priority wrappers. */
export function stringLiteralOf(expr: Node): Node | null {
  const value = valueInsidePriority(expr);
  return value.type === 'string_expression' || value.type === 'indented_string_expression' ? value : null;
}
