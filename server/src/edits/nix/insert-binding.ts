/**
 * Writes a new binding into an attribute set literal in the set's own style: on its own
 * line at the indentation of its siblings (after the sibling that shares most of its path),
 * or inline for a set written on one line; an empty `{ }` is opened up onto lines.
 */
import type { Node } from 'web-tree-sitter';
import { bindingSetOf } from '../../nix/syntax';
import { lineIndentAt, reindent, sameLine } from './indentation';
import { bindingsOf } from './module-body';
import type { NixDoc, OffsetEdit } from './nix-document';
import { formatAttrPath } from './nix-string-quoting';
import { bracketsOf, endOfLineAfter, memberIndent } from './placement';

/** Bindings and comments between the braces, in source order. */
function membersOf(attrset: Node): Node[] {
  const set = bindingSetOf(attrset);
  const inner = set ? set.namedChildren : [];
  return [...attrset.namedChildren.filter((c) => c.type === 'comment'), ...inner].sort((a, b) => a.startIndex - b.startIndex);
}

function bindingText(doc: NixDoc, keys: readonly string[], nixValue: string, indent: string): string {
  return `${formatAttrPath(keys)} = ${reindent(nixValue.trim(), indent, doc.layout)};`;
}

/** The edit adding `keys = nixValue;` to `attrset`, after `anchor` (else after its last binding). */
export function insertBindingEdit(doc: NixDoc, attrset: Node, anchor: Node | null, keys: readonly string[], nixValue: string): OffsetEdit | undefined {
  const brackets = bracketsOf(attrset, '{', '}');
  if (!brackets) return undefined;
  const { open, close } = brackets;
  const nl = doc.layout.newline;
  const members = membersOf(attrset);
  const bindings = bindingsOf(attrset);
  const after = anchor ?? bindings[bindings.length - 1] ?? members[members.length - 1] ?? null;

  if (!after) {
    // `{ }` or an empty multi-line set: open it up with the binding on its own line.
    const base = lineIndentAt(doc.text, open.startIndex);
    const inner = base + doc.layout.unit;
    return { start: open.endIndex, end: close.startIndex, text: nl + inner + bindingText(doc, keys, nixValue, inner) + nl + base };
  }
  if (sameLine(doc.text, open.startIndex, close.endIndex)) {
    // `{ a = 1; }` stays on one line.
    const base = lineIndentAt(doc.text, open.startIndex);
    return { start: after.endIndex, end: after.endIndex, text: ' ' + bindingText(doc, keys, nixValue, base) };
  }
  const indent = memberIndent(doc, attrset, members);
  const at = endOfLineAfter(doc, after, members);
  return { start: at, end: at, text: nl + indent + bindingText(doc, keys, nixValue, indent) };
}
