/**
 * Edit builders for Postfix text: main.cf parameters and master.cf `-o` overrides, written in
 * the file's own style (newline, `-o` indentation, column alignment). They work on a whole
 * file or on Postfix text embedded in another file (a Nix `extraConfig` / `extraMasterConf`
 * string): the Locator maps offsets back, `indent` prefixes new lines, and `escape` quotes
 * inserted text for the enclosing language.
 */
import type { FileEdit } from '../core/finding';
import type { Locator } from '../core/source';
import { lastDefinition, parseMainCf, type MainCf } from '../postfix/main-cf';
import { parseMasterCf, type MasterCf, type MasterCfEntry } from '../postfix/master-cf';
import { physicalLines } from '../postfix/lines';

export interface PostfixText {
  readonly text: string;
  readonly locate: Locator;
  /** The text sits inside another file: insert after its last line instead of at the very end. */
  readonly embedded?: boolean;
  /** Prefix for every new line (the enclosing string's indentation). */
  readonly indent?: string;
  /** Quoting for the enclosing language, applied to all inserted text. */
  readonly escape?: (s: string) => string;
}

/** `name = value` as a main.cf line (no newline). */
export function mainCfLine(name: string, value: string): string {
  return value === '' ? `${name} =` : `${name} = ${value}`;
}

/** `-o name=value`, or `-o { name = value }` when the value holds white space or braces. */
export function masterOverrideText(name: string, value: string): string {
  return /[\s{}]/.test(value) ? `-o { ${name} = ${value} }` : `-o ${name}=${value}`;
}

/** Set a main.cf parameter: replace the value of its last definition (continuation lines
 * included), else append `name = value` at the end. */
export function setMainCfParameter(target: PostfixText, name: string, value: string, parsed?: MainCf): FileEdit[] {
  const main = parsed ?? parseMainCf(target.text, target.locate);
  const last = lastDefinition(main, name);
  if (last) {
    const empty = last.valueStart === last.valueEnd;
    return [edit(target, last.valueStart, last.valueEnd, empty && value !== '' ? ` ${value}` : value)];
  }
  return [append(target, mainCfLine(name, value))];
}

export interface MasterServiceRef {
  readonly service: string;
  readonly type: string;
}

/** Entries created when a service relies on Postfix's built-in default (stock master.cf). */
const STOCK_ENTRIES: Readonly<Record<string, readonly string[]>> = {
  'smtp/unix': ['smtp', 'unix', '-', '-', 'n', '-', '-', 'smtp'],
  'relay/unix': ['relay', 'unix', '-', '-', 'n', '-', '-', 'smtp'],
  'lmtp/unix': ['lmtp', 'unix', '-', '-', 'n', '-', '-', 'lmtp'],
  'smtp/inet': ['smtp', 'inet', 'n', '-', 'n', '-', '-', 'smtpd'],
};

/**
 * Add or replace `-o name=value` on a master.cf service. A new override goes on a
 * continuation line after the entry (indented like the file's other `-o` lines), or before
 * the first non-option argument when the command has one (after it, Postfix would not read
 * it as an option). When the service has no entry, one is created (`fields`, else the stock
 * entry for smtp/relay/lmtp); undefined when neither exists.
 */
export function setMasterCfOverride(
  target: PostfixText,
  ref: MasterServiceRef,
  name: string,
  value: string,
  options: { parsed?: MasterCf; fields?: readonly string[] } = {},
): FileEdit[] | undefined {
  const master = options.parsed ?? parseMasterCf(target.text, target.locate);
  const override = masterOverrideText(name, value);
  const nl = newlineOf(target.text);
  const indent = overrideIndent(target.text);
  let entry: MasterCfEntry | undefined;
  for (const e of master.entries) if (e.entry.service === ref.service && e.entry.type === ref.type) entry = e;
  if (entry) {
    let existing;
    for (const o of entry.overrides) if (o.param.name === name) existing = o;
    if (existing) return [edit(target, existing.start, existing.end, override)];
    if (entry.firstPlainArg !== undefined) return [edit(target, entry.firstPlainArg, entry.firstPlainArg, `${override} `)];
    return [edit(target, entry.end, entry.end, `${nl}${target.indent ?? ''}${indent}${override}`)];
  }
  const fields = options.fields ?? STOCK_ENTRIES[`${ref.service}/${ref.type}`];
  if (!fields) return undefined;
  const line = masterEntryLine(fields, layoutOf(target.text, master));
  return [append(target, `${line}${nl}${target.indent ?? ''}${indent}${override}`)];
}

export interface MasterLayout {
  /** Column of each of the eight fields, or undefined for single separators. */
  readonly columns?: readonly number[];
  readonly separator: ' ' | '\t';
}

/** Postfix's stock master.cf layout. */
export const STOCK_LAYOUT: MasterLayout = { columns: [0, 10, 16, 24, 32, 40, 48, 56], separator: ' ' };

/** A master.cf entry line with its fields aligned to `layout`. */
export function masterEntryLine(fields: readonly string[], layout: MasterLayout = STOCK_LAYOUT): string {
  if (layout.separator === '\t' || !layout.columns) return fields.join(layout.separator);
  let line = '';
  fields.forEach((f, i) => {
    if (i > 0) line += ' '.repeat(Math.max(1, (layout.columns?.[i] ?? 0) - line.length));
    line += f;
  });
  return line;
}

/** The layout of the file's first entry whose eight fields sit on one physical line. */
export function layoutOf(text: string, master: MasterCf): MasterLayout {
  for (const e of master.entries) {
    const lineStart = e.start;
    const firstLineEnd = text.indexOf('\n', lineStart) < 0 ? text.length : text.indexOf('\n', lineStart);
    if (e.fieldStarts[7] >= firstLineEnd) continue;
    const gaps = text.slice(lineStart, e.fieldStarts[7]);
    if (gaps.includes('\t')) return { separator: '\t' };
    const columns = e.fieldStarts.map((s) => s - lineStart);
    const aligned = columns.some((c, i) => i > 0 && text[lineStart + c - 2] === ' ');
    return aligned ? { columns, separator: ' ' } : { separator: ' ' };
  }
  return master.entries.length ? { separator: ' ' } : STOCK_LAYOUT;
}

/** The indentation of the file's existing `-o` continuation lines, else two spaces. */
export function overrideIndent(text: string): string {
  return /^([ \t]+)-o\b/m.exec(text)?.[1] ?? '  ';
}

function newlineOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

function edit(target: PostfixText, start: number, end: number, newText: string): FileEdit {
  const at = target.locate(start, end);
  return { file: at.file, range: at.range, newText: target.escape ? target.escape(newText) : newText };
}

/** Append lines: at the end of a file (keeping a final newline), or after the last
 * non-blank line of embedded text. */
function append(target: PostfixText, lines: string): FileEdit {
  const { text } = target;
  const nl = newlineOf(text);
  const indent = target.indent ?? '';
  if (target.embedded) {
    const last = [...physicalLines(text)].reverse().find((l) => text.slice(l.start, l.end).trim() !== '');
    if (!last) return edit(target, 0, 0, `${indent}${lines}`);
    return edit(target, last.end, last.end, `${nl}${indent}${lines}`);
  }
  if (text === '') return edit(target, 0, 0, `${lines}${nl}`);
  if (text.endsWith('\n')) return edit(target, text.length, text.length, `${lines}${nl}`);
  return edit(target, text.length, text.length, `${nl}${lines}${nl}`);
}
