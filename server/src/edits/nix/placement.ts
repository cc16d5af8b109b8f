/**
 * Where new lines go inside a bracketed Nix construct (`{ … }` of bindings, `[ … ]` of
 * elements) and how deep they are indented, judged from the members already there.
 */
import type { Node } from 'web-tree-sitter';
import { lineEndAt, lineIndentAt, startsLine } from './indentation';
import type { NixDoc } from './nix-document';

export interface Brackets {
  readonly open: Node;
  readonly close: Node;
}

/** The opening and closing tokens of an attrset (`{` `}`) or list (`[` `]`). */
export function bracketsOf(node: Node, open: string, close: string): Brackets | null {
  const children = node.children;
  const o = children.find((c) => c.type === open);
  const c = [...children].reverse().find((x) => x.type === close);
  return o && c ? { open: o, close: c } : null;
}

/**
 * The offset just after `member` and everything that belongs to its last line: a trailing
 * `# comment`, further members on that line. A new line inserted there keeps trailing
 * comments attached to what they describe; a closing bracket on the same line stays after it.
 */
export function endOfLineAfter(doc: NixDoc, member: Node, members: readonly Node[]): number {
  const text = doc.text;
  let end = member.endIndex;
  for (;;) {
    let pos = end;
    while (text[pos] === ' ' || text[pos] === '\t') pos++;
    if (pos >= text.length || text[pos] === '\n' || text[pos] === '\r') return lineEndAt(text, end);
    if (text[pos] === '#') return lineEndAt(text, pos);
    const next = members.find((m) => m.startIndex === pos);
    if (!next) return end;
    end = next.endIndex;
  }
}

/** Indentation of the members of a bracketed construct, or one level deeper than its opening line. */
export function memberIndent(doc: NixDoc, container: Node, members: readonly Node[]): string {
  const onOwnLine = members.find((m) => startsLine(doc.text, m.startIndex));
  if (onOwnLine) return lineIndentAt(doc.text, onOwnLine.startIndex);
  return lineIndentAt(doc.text, container.startIndex) + doc.layout.unit;
}
