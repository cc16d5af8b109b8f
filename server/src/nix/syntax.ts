/** Small helpers over tree-sitter-nix syntax nodes shared by the evaluator and the edit builder. */
import type { Node, Tree } from 'web-tree-sitter';

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
 * The text each analysed tree was parsed from (registered by parse.ts). Reading a node's
 * `type` is a round trip into wasm, the evaluator's most frequent call; a comment starts
 * with `#` or `/*`, so only children starting with one of those are asked.
 */
const sources = new WeakMap<Tree, string>();

export function rememberSource(tree: Tree, text: string): void {
  sources.set(tree, text);
}

/** Whether a node is a comment (tree-sitter-nix puts comments anywhere). */
export function isComment(node: Node): boolean {
  const text = sources.get(node.tree);
  if (text !== undefined) {
    const c = text.charCodeAt(node.startIndex);
    if (c !== 0x23 /* # */ && c !== 0x2f /* / */) return false;
  }
  return node.type === 'comment';
}

/** Children of a node that are not comments. */
export function namedChildrenNoComments(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null && !isComment(c));
}

/** The `binding_set` of an attrset-like node (attrset, rec attrset, let attrset), if any. */
export function bindingSetOf(node: Node): Node | null {
  return node.namedChildren.find((c) => c !== null && c.type === 'binding_set') ?? null;
}
