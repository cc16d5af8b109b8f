/**
 * Configuration text held in a Nix string literal (`extraConfig = ''…''` holding main.cf
 * lines, `extraMasterConf` holding master.cf lines), seen as source lines with their file
 * offsets, so an edit can replace or add one logical line in the string's own indentation.
 *
 * In `''…''` strings Nix strips the smallest indentation of the non-blank lines, so a line at
 * that indentation starts a Postfix entry and a deeper one continues it. In `"…"` strings a
 * line break is a real newline or the `\n` escape, and indentation is kept as written.
 */
import type { Node } from 'web-tree-sitter';
import { lineIndentAt } from './indentation';
import type { NixDoc, OffsetEdit } from './nix-document';
import { escapeDoubleQuoted, escapeIndentedLine } from './nix-string-quoting';

export interface StringLine {
  /** File offsets of the line's text (without the line break). */
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly indent: string;
  readonly blank: boolean;
}

export interface StringLines {
  readonly node: Node;
  readonly indented: boolean;
  readonly lines: readonly StringLine[];
  /** The indentation of an entry's first line (Nix strips it in `''` strings). */
  readonly entryIndent: string;
  /** Line break to write: the file's newline, or `\n` escapes in a one-line `"…"` string. */
  readonly lineBreak: string;
  readonly interpolations: readonly { readonly start: number; readonly end: number }[];
}

export function stringLinesOf(doc: NixDoc, node: Node): StringLines {
  const indented = node.type === 'indented_string_expression';
  const delimiter = indented ? 2 : 1;
  const contentStart = node.startIndex + delimiter;
  const contentEnd = node.endIndex - delimiter;
  const interpolations = node.namedChildren
    .filter((c) => c.type === 'interpolation')
    .map((c) => ({ start: c.startIndex, end: c.endIndex }));
  const escapedBreaks = indented
    ? []
    : node.namedChildren.filter((c) => c.type === 'escape_sequence' && c.text === '\\n').map((c) => ({ start: c.startIndex, end: c.endIndex }));
  const text = doc.text;

  const breaks: { start: number; end: number }[] = [...escapedBreaks];
  for (let i = contentStart; i < contentEnd; i++) {
    if (text[i] !== '\n' && text[i] !== '\r') continue;
    if (interpolations.some((s) => s.start < i && i < s.end)) continue;
    const end = text[i] === '\r' && text[i + 1] === '\n' ? i + 2 : i + 1;
    breaks.push({ start: i, end });
    i = end - 1;
  }
  breaks.sort((a, b) => a.start - b.start);

  const lines: StringLine[] = [];
  let from = contentStart;
  for (const b of [...breaks, { start: contentEnd, end: contentEnd }]) {
    const lineText = text.slice(from, b.start);
    const indent = /^[ \t]*/.exec(lineText)![0];
    lines.push({ start: from, end: b.start, text: lineText, indent, blank: lineText.trim() === '' });
    from = b.end;
  }
  const nonBlank = lines.filter((l) => !l.blank);
  const entryIndent = indented
    ? nonBlank.reduce<string | null>((min, l) => (min === null || l.indent.length < min.length ? l.indent : min), null) ?? ''
    : '';
  const realBreaks = breaks.length > escapedBreaks.length;
  const lineBreak = !indented && escapedBreaks.length > 0 && !realBreaks ? '\\n' : doc.layout.newline;
  return { node, indented, lines, entryIndent, lineBreak, interpolations };
}

/** Escapes a line of text for the string's kind. */
export function escapeForString(lines: StringLines, line: string): string {
  return lines.indented ? escapeIndentedLine(line) : escapeDoubleQuoted(line);
}

/** Whether a line starts an entry (not a continuation, a comment or blank). */
export function startsEntry(lines: StringLines, line: StringLine): boolean {
  return !line.blank && line.indent.length <= lines.entryIndent.length && !line.text.trimStart().startsWith('#');
}

/** The lines of the entry starting at `index`: it and the deeper-indented lines that continue it. */
export function entryAt(lines: StringLines, index: number): StringLine[] {
  const entry = [lines.lines[index]];
  for (let i = index + 1; i < lines.lines.length; i++) {
    const line = lines.lines[i];
    if (line.blank || line.indent.length <= lines.entryIndent.length) break;
    entry.push(line);
  }
  return entry;
}

/** Whether a range would cut an interpolation `${…}` in two. */
export function cutsInterpolation(lines: StringLines, start: number, end: number): boolean {
  return lines.interpolations.some((s) => (s.start < start && start < s.end) || (s.start < end && end < s.end));
}

/** Replaces an entry (all its lines) by one line of text. */
export function replaceEntryEdit(lines: StringLines, entry: readonly StringLine[], newLine: string): OffsetEdit | undefined {
  const start = entry[0].start + entry[0].indent.length;
  const end = entry[entry.length - 1].end;
  if (cutsInterpolation(lines, start, end)) return undefined;
  return { start, end, text: escapeForString(lines, newLine) };
}

/** Adds a line (at entry indentation plus `extraIndent`) after `after`, or at the end of the text. */
export function addLineEdit(doc: NixDoc, lines: StringLines, newLine: string, after?: StringLine, extraIndent = ''): OffsetEdit {
  const escaped = escapeForString(lines, newLine);
  const last = after ?? [...lines.lines].reverse().find((l) => !l.blank);
  if (last) return { start: last.end, end: last.end, text: lines.lineBreak + lines.entryIndent + extraIndent + escaped };
  // An empty string: `''''` becomes a block on its own lines, `""` holds just the line.
  const first = lines.lines[0];
  const contentEnd = lines.lines[lines.lines.length - 1].end;
  if (!lines.indented) return { start: first.start, end: contentEnd, text: escaped };
  const base = lineIndentAt(doc.text, lines.node.startIndex);
  const nl = doc.layout.newline;
  return { start: first.start, end: contentEnd, text: nl + base + doc.layout.unit + escaped + nl + base };
}
