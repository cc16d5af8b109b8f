/** Small helpers over tree-sitter-nix syntax nodes shared by the evaluator and the edit builder. */
import type { Node, Tree } from 'web-tree-sitter';
import type { ScannedBindingValue, ScannedKeys } from './text-scan';
import { isIdentifierStart, scanBindingValue, scanFormals as scanFormalsText, scanKeys, ScannedKey } from './text-scan';

export { ScannedKey } from './text-scan';

/**
 * The keys of an `attrpath` (`networking.interfaces.ens3` → ['networking','interfaces','ens3']).
 * A key written as a plain string (`"eth0"`) is its content; an interpolated key is null.
 */
export function attrPathKeys(attrpath: Node): (string | null)[] {
  return namedChildrenNoComments(attrpath).map(attrKey);
}

export function attrKey(attr: Node): string | null {
  if (attr.type === 'identifier') return attr.text;
  if (attr.type === 'string_expression') {
    const parts = attr.namedChildren;
    if (parts.every((p) => p !== null && p.type === 'string_fragment')) return parts.map((p) => p!.text).join('');
    return null;
  }
  return null;
}

/**
 * The text each analysed tree was parsed from (registered by parse.ts), and whether the tree
 * is free of syntax errors (asked of wasm once per tree, when first needed). Reading a node's
 * `type` or text is a round trip into wasm, the evaluator's most frequent call: the source
 * answers the common cases without one.
 */
interface TreeSource {
  readonly text: string;
  errorFree?: boolean;
}

const sources = new WeakMap<Tree, TreeSource>();

/** `errorFree` when the caller has asked the tree already (the parser does, once per tree). */
export function rememberSource(tree: Tree, text: string, errorFree?: boolean): void {
  sources.set(tree, { text, errorFree });
}

/** The text a tree was parsed from, when the tree has no syntax errors (the text scans' precondition). */
export function errorFreeText(tree: Tree): string | undefined {
  const source = sources.get(tree);
  return source && (source.errorFree ??= !tree.rootNode.hasError) ? source.text : undefined;
}

/** Whether a tree has syntax errors, asked of wasm at most once for a registered tree. */
export function hasSyntaxErrors(tree: Tree): boolean {
  const source = sources.get(tree);
  return source ? !(source.errorFree ??= !tree.rootNode.hasError) : tree.rootNode.hasError;
}

/** Whether a node is a comment (tree-sitter-nix puts comments anywhere). */
export function isComment(node: Node): boolean {
  const text = sources.get(node.tree)?.text;
  if (text !== undefined) {
    // A comment starts with `#` or `/*`: only children starting with one of those are asked.
    const c = text.charCodeAt(node.startIndex);
    if (c !== 0x23 /* # */ && c !== 0x2f /* / */) return false;
  }
  return node.type === 'comment';
}

/**
 * The leading keys of a binding's attrpath, read from the source text: all of them
 * (`complete`, with the value when it is a plain literal), or those up to the first key that
 * is not a plain identifier (at least one), the rest to be read from the attrpath's nodes.
 */
export type ScannedPath =
  | { readonly keys: readonly ScannedKey[]; readonly complete: true; readonly literal?: ScannedBindingValue }
  | { readonly keys: readonly ScannedKey[]; readonly complete: false };

/**
 * The keys of a binding (`a.b.c = ...;`) read from the source text, as far as they are plain
 * identifiers or quoted names without escapes and interpolations, separated by dots and
 * blanks (nearly every binding, and the start of most others); undefined when the node is not
 * a binding starting with such a key (interpolated first key, `inherit`, a comment), when the
 * scan cannot tell whether more keys follow (a comment inside the path), and always in a tree
 * with syntax errors. In an error-free tree a named child of a binding set that starts with a
 * non-keyword identifier or a quote is a binding, its attrpath starts where it does, and
 * tree-sitter's identifier token is the longest match of the grammar's identifier pattern:
 * the keys found here are exactly the first nodes of the attrpath.
 */
export function scanBindingKeys(node: Node): ScannedPath | undefined {
  const scanned = scanKeysOf(node);
  if (!scanned?.complete) return scanned;
  const literal = scanBindingValue(sources.get(node.tree)!.text, scanned.valueFrom);
  return literal ? { keys: scanned.keys, complete: true, literal } : { keys: scanned.keys, complete: true };
}

function scanKeysOf(node: Node): ScannedKeys | undefined {
  const source = sources.get(node.tree);
  if (!source) return undefined;
  const first = source.text.charCodeAt(node.startIndex);
  if (!isIdentifierStart(first) && first !== 0x22 /* " */) return undefined;
  if (!(source.errorFree ??= !node.tree.rootNode.hasError)) return undefined;
  return scanKeys(source.text, node.startIndex);
}

/**
 * The keys of a `binding` node (null for a key that is not a plain name), from the text when
 * they are all plain; undefined for an incomplete binding (no attrpath or no value).
 */
export function bindingPathKeys(binding: Node): (string | null)[] | undefined {
  const scanned = scanKeysOf(binding);
  // In an error-free tree (the only ones scanned) every binding has its value.
  if (scanned?.complete) return scanned.keys.map((k) => k.name);
  const attrpath = binding.childForFieldName('attrpath');
  if (!attrpath || !binding.childForFieldName('expression')) return undefined;
  return attrPathKeys(attrpath);
}

/**
 * The formals of a function written `{ a, b, ... }: body` (no defaults, no `@` pattern, no
 * comments), read from the source text; undefined for any other function and in a tree with
 * syntax errors. Module functions are nearly all of this form, and reading one formal from
 * the tree takes five round trips into wasm.
 */
export function scanFormals(fn: Node): ScannedKey[] | undefined {
  const source = sources.get(fn.tree);
  if (!source || source.text.charCodeAt(fn.startIndex) !== 0x7b /* { */) return undefined;
  if (!(source.errorFree ??= !fn.tree.rootNode.hasError)) return undefined;
  return scanFormalsText(source.text, fn.startIndex);
}

/** The `formal` nodes of a function's `{ ... }` pattern; undefined for `x: body`. */
export function formalNodes(fn: Node): Node[] | undefined {
  return fn.childForFieldName('formals')?.namedChildren.filter((c): c is Node => c?.type === 'formal');
}

/** Children of a node that are not comments. */
export function namedChildrenNoComments(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null && !isComment(c));
}

/** The `binding_set` of an attrset-like node (attrset, rec attrset, let attrset), if any. */
export function bindingSetOf(node: Node): Node | null {
  return node.namedChildren.find((c) => c !== null && c.type === 'binding_set') ?? null;
}
