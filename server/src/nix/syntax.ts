/** Small helpers over tree-sitter-nix syntax nodes shared by the evaluator and the edit builder. */
import type { Node } from 'web-tree-sitter';

/**
 * The keys of an `attrpath` (`networking.interfaces.ens3` → ['networking','interfaces','ens3']).
 * A key written as a plain string (`"eth0"`) is its content; an interpolated key is null.
 */
export function attrPathKeys(attrpath: Node): (string | null)[] {
  return attrpath.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment').map(attrKey);
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

/** Children of a node that are not comments (tree-sitter-nix puts comments anywhere). */
export function namedChildrenNoComments(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

/** The `binding_set` of an attrset-like node (attrset, rec attrset, let attrset), if any. */
export function bindingSetOf(node: Node): Node | null {
  return node.namedChildren.find((c) => c !== null && c.type === 'binding_set') ?? null;
}
