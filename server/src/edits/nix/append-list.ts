/**
 * Appending elements to a Nix list option in the list's own layout: one element per line,
 * several per line, or inline; or creating the option with a list.
 */
import type { Node } from 'web-tree-sitter';
import { namedChildrenNoComments } from '../../nix/syntax';
import { valueInsidePriority } from './expression-shapes';
import { lineIndentAt, reindent, sameLine, startsLine } from './indentation';
import { insertBindingEdit } from './insert-binding';
import { locateOption } from './locate-binding';
import type { NixDoc, OffsetEdit } from './nix-document';
import { bracketsOf, endOfLineAfter } from './placement';
import { isValidPath, replaceExpressionEdit } from './set-attr';

const INLINE_LIMIT = 72;

/** A list literal written relative to column 0: inline when short, else one element per line. */
export function listSource(elements: readonly string[]): string {
  const items = elements.map((e) => e.trim());
  const inline = `[ ${items.join(' ')} ]`;
  if (items.every((e) => !e.includes('\n')) && inline.length <= INLINE_LIMIT) return inline;
  return ['[', ...items.map((e) => '  ' + e.split(/\r?\n/).join('\n  ')), ']'].join('\n');
}

/** The list literal a value ends in: the list itself, or the last operand of `a ++ [ … ]`. */
function trailingList(value: Node): Node | null {
  if (value.type === 'list_expression') return value;
  if (value.type === 'binary_expression' && value.childForFieldName('operator')?.type === '++') {
    const right = value.childForFieldName('right');
    return right ? trailingList(valueInsidePriority(right)) : null;
  }
  return null;
}

export function appendToListEdit(doc: NixDoc, list: Node, elements: readonly string[]): OffsetEdit | undefined {
  const brackets = bracketsOf(list, '[', ']');
  if (!brackets) return undefined;
  const { open, close } = brackets;
  const nl = doc.layout.newline;
  const members = list.namedChildren;
  const items = namedChildrenNoComments(list);
  const added = elements.map((e) => e.trim());

  if (items.length === 0 && members.length === 0) {
    const base = lineIndentAt(doc.text, open.startIndex);
    const oneLine = sameLine(doc.text, open.startIndex, close.endIndex) && listSource(added).indexOf('\n') < 0;
    if (oneLine) return { start: open.endIndex, end: close.startIndex, text: ` ${added.join(' ')} ` };
    const inner = base + doc.layout.unit;
    return { start: open.endIndex, end: close.startIndex, text: added.map((e) => nl + inner + reindent(e, inner, doc.layout)).join('') + nl + base };
  }

  const last = items[items.length - 1] ?? members[members.length - 1];
  if (sameLine(doc.text, open.startIndex, last.startIndex)) {
    const base = lineIndentAt(doc.text, last.startIndex);
    return { start: last.endIndex, end: last.endIndex, text: added.map((e) => ' ' + reindent(e, base, doc.layout)).join('') };
  }
  const indent = lineIndentAt(doc.text, last.startIndex);
  const at = endOfLineAfter(doc, last, members);
  // `"-o" "name=value"` pairs written side by side stay side by side.
  const severalPerLine = !startsLine(doc.text, last.startIndex) || items.some((i) => i !== last && sameLine(doc.text, i.endIndex, last.startIndex));
  const text = severalPerLine
    ? nl + indent + added.map((e) => reindent(e, indent, doc.layout)).join(' ')
    : added.map((e) => nl + indent + reindent(e, indent, doc.layout)).join('');
  return { start: at, end: at, text };
}

/** Edits that append `elements` (Nix source) to the list at `path`, creating it when absent. */
export function appendListEdits(doc: NixDoc, path: readonly string[], elements: readonly string[]): OffsetEdit[] | undefined {
  if (!isValidPath(path)) return undefined;
  if (elements.length === 0) return [];
  const location = locateOption(doc.root, path);
  if (location.kind === 'insert') {
    const edit = insertBindingEdit(doc, location.attrset, location.anchor, location.remainder, listSource(elements));
    return edit && [edit];
  }
  if (location.kind === 'blocked') return undefined;
  const expr = location.binding.childForFieldName('expression');
  if (!expr) return undefined;
  const value = valueInsidePriority(expr);
  const list = trailingList(value);
  if (list) {
    const edit = appendToListEdit(doc, list, elements);
    return edit && [edit];
  }
  // A list held in a variable (`addrs`, `cfg.extra`): concatenate.
  if (value.type === 'variable_expression' || value.type === 'select_expression') {
    const base = lineIndentAt(doc.text, location.binding.startIndex);
    return [replaceExpressionEdit(doc, value, `${value.text} ++ ${listSource(elements)}`, base)];
  }
  return undefined;
}
