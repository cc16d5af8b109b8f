/**
 * Layout facts of one Nix file (newline style, indentation unit, the indentation of a line)
 * and re-indentation of inserted source text, so that an inserted setting looks as if the
 * file's author had written it.
 */

export type Newline = '\n' | '\r\n';

export interface Layout {
  readonly newline: Newline;
  /** One indentation level: a tab, or N spaces. */
  readonly unit: string;
}

/** The file's newline style: the first line break decides (files are rarely mixed). */
export function detectNewline(text: string): Newline {
  const lf = text.indexOf('\n');
  return lf > 0 && text.charCodeAt(lf - 1) === 13 ? '\r\n' : '\n';
}

function leadingWhitespace(line: string): string {
  return /^[ \t]*/.exec(line)![0];
}

/**
 * The indentation unit: tabs when most indented lines start with a tab, otherwise the most
 * common increase of leading spaces between consecutive non-blank lines (2 when unknown).
 */
export function detectIndentUnit(text: string): string {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  let tabs = 0;
  let spaces = 0;
  const steps = new Map<number, number>();
  let previous = 0;
  for (const line of lines) {
    const ws = leadingWhitespace(line);
    if (ws.startsWith('\t')) tabs++;
    else if (ws.length > 0) spaces++;
    if (!ws.includes('\t')) {
      const step = ws.length - previous;
      if (step > 0 && step <= 8) steps.set(step, (steps.get(step) ?? 0) + 1);
      previous = ws.length;
    }
  }
  if (tabs > spaces) return '\t';
  let best = 2;
  let bestCount = 0;
  for (const [step, count] of steps) {
    if (count > bestCount || (count === bestCount && step < best)) {
      best = step;
      bestCount = count;
    }
  }
  return ' '.repeat(best);
}

export function detectLayout(text: string): Layout {
  return { newline: detectNewline(text), unit: detectIndentUnit(text) };
}

/** Offset of the first character of the line holding `offset`. */
export function lineStartAt(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && text[i - 1] !== '\n' && text[i - 1] !== '\r') i--;
  return i;
}

/** Offset of the line break (or end of text) of the line holding `offset`. */
export function lineEndAt(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  return i;
}

/** The leading white space of the line holding `offset`. */
export function lineIndentAt(text: string, offset: number): string {
  const start = lineStartAt(text, offset);
  return leadingWhitespace(text.slice(start, lineEndAt(text, start)));
}

/** True when only spaces and tabs precede `offset` on its line. */
export function startsLine(text: string, offset: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStartAt(text, offset), offset));
}

/** True when only spaces and tabs lie between `offset` and the end of its line. */
export function onlyBlankUntilLineEnd(text: string, offset: number): boolean {
  return /^[ \t]*$/.test(text.slice(offset, lineEndAt(text, offset)));
}

export function sameLine(text: string, a: number, b: number): boolean {
  const [lo, hi] = a <= b ? [a, b] : [b, a];
  return !/[\r\n]/.test(text.slice(lo, hi));
}

/**
 * Re-indents source text written relative to column 0 (continuation lines indented by its own
 * unit) so that it continues a line indented by `base`, converting its levels to `layout.unit`
 * and its line breaks to the file's. Text holding an indented string (`''`) only gets `base`
 * prepended: changing relative indentation would change that string's value.
 */
export function reindent(source: string, base: string, layout: Layout): string {
  const lines = source.split(/\r?\n/);
  if (lines.length === 1) return source;
  const rest = lines.slice(1);
  const uniform = source.includes("''");
  const ownUnit = uniform ? 1 : sourceUnitWidth(rest);
  const out = [lines[0]];
  for (const line of rest) {
    if (line.trim() === '') {
      out.push('');
      continue;
    }
    if (uniform) {
      out.push(base + line);
      continue;
    }
    const ws = leadingWhitespace(line);
    const width = ws.replace(/\t/g, ' '.repeat(ownUnit)).length;
    const levels = Math.floor(width / ownUnit);
    const extra = ' '.repeat(width - levels * ownUnit);
    out.push(base + layout.unit.repeat(levels) + extra + line.slice(ws.length));
  }
  return out.join(layout.newline);
}

/** The indentation unit of a snippet's continuation lines: its smallest non-zero indentation. */
function sourceUnitWidth(lines: string[]): number {
  let unit = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const ws = leadingWhitespace(line);
    if (ws.startsWith('\t')) return 1;
    if (ws.length > 0 && (unit === 0 || ws.length < unit)) unit = ws.length;
  }
  return unit || 2;
}
