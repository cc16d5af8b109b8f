/**
 * Splits a master file into entries (logical lines: parentheses join physical lines), one
 * entry at a time, its tokens as offsets into the text. A fleet's zones hold tens of
 * thousands of tokens: no object or string per token is made until the parser asks for one,
 * and nothing of an entry outlives it.
 */

const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const SEMICOLON = 59;
const OPEN = 40;
const CLOSE = 41;
const QUOTE = 34;
const BACKSLASH = 92;

export type SyntaxReport = (message: string, start: number, end: number) => void;

export class ZoneScanner {
  /** The current entry's tokens: [start, end) in the text, a quoted string with its quotes. */
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  /**
   * 1 for a quoted string, else 0: the width of its quote. Numbers, not booleans: every file's
   * scanner starts with fresh arrays, and booleans would turn each new one into an array of
   * objects, a map the optimised code had not seen (a deoptimisation per run).
   */
  private readonly quoteWidth: number[] = [];
  /** Number of tokens in the current entry. */
  count = 0;
  /** The entry's line began with white space: its owner is the previous one. */
  blankOwner = false;
  /** The entry holds an unterminated quoted string (already reported): it is to be skipped. */
  broken = false;

  private pos = 0;
  /** Whether the physical line the next entry starts on began with white space. */
  private lineBlank: boolean;

  constructor(private readonly text: string, private readonly report: SyntaxReport) {
    this.lineBlank = startsBlank(text, 0);
  }

  /** Moves to the next entry; false at the end of the text. */
  next(): boolean {
    const text = this.text;
    const length = text.length;
    this.count = 0;
    this.broken = false;
    this.blankOwner = this.lineBlank;
    // An entry ends only at a line break outside parentheses: each call starts outside them.
    let depth = 0;
    let parenStart = 0;
    let i = this.pos;
    while (i < length) {
      const c = text.charCodeAt(i);
      if (c === LF || c === CR) {
        i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
        if (depth === 0) {
          this.lineBlank = startsBlank(text, i);
          if (this.count > 0) break;
          this.blankOwner = this.lineBlank;
        }
        continue;
      }
      if (c === SPACE || c === TAB) { i++; continue; }
      if (c === SEMICOLON) {
        while (i < length && !isLineBreak(text.charCodeAt(i))) i++;
        continue;
      }
      if (c === OPEN) {
        if (depth === 0) parenStart = i;
        depth++;
        i++;
        continue;
      }
      if (c === CLOSE) {
        if (depth === 0) this.report("')' without '('", i, i + 1);
        else depth--;
        i++;
        continue;
      }
      const start = i;
      if (c === QUOTE) {
        i++;
        let closed = false;
        while (i < length) {
          const d = text.charCodeAt(i);
          if (d === BACKSLASH && i + 1 < length) { i += 2; continue; }
          if (d === QUOTE) { closed = true; i++; break; }
          if (isLineBreak(d) && depth === 0) break;
          i++;
        }
        if (!closed) {
          this.report('unterminated quoted string', start, i);
          this.broken = true;
        }
        this.push(start, i, true);
        continue;
      }
      while (i < length) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH && i + 1 < length) { i += 2; continue; }
        if (d === SPACE || d === TAB || d === LF || d === CR || d === SEMICOLON || d === OPEN || d === CLOSE || d === QUOTE) break;
        i++;
      }
      this.push(start, i, false);
    }
    // The text ended inside parentheses. One exit for both ends: a path taken only at the end
    // of a file had no type feedback when the loop was optimised, and deoptimised it.
    if (depth > 0) this.report("'(' without ')'", parenStart, parenStart + 1);
    this.pos = i;
    return this.count > 0;
  }

  /** Token k's text, without the quotes of a quoted string, escapes still in place (not for a broken entry). */
  raw(k: number): string {
    const q = this.quoteWidth[k];
    return this.text.slice(this.starts[k] + q, this.ends[k] - q);
  }

  isQuoted(k: number): boolean {
    return this.quoteWidth[k] === 1;
  }

  start(k: number): number {
    return this.starts[k];
  }

  end(k: number): number {
    return this.ends[k];
  }

  private push(start: number, end: number, quoted: boolean): void {
    const k = this.count++;
    this.starts[k] = start;
    this.ends[k] = end;
    this.quoteWidth[k] = quoted ? 1 : 0;
  }
}

function isLineBreak(c: number): boolean {
  return c === LF || c === CR;
}

/** Whether the line starting at i begins with white space (i may be the end: reading past it deoptimises the scan). */
function startsBlank(text: string, i: number): boolean {
  if (i >= text.length) return false;
  const c = text.charCodeAt(i);
  return c === SPACE || c === TAB;
}
