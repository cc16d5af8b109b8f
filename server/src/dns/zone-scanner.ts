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
        }
        continue;
      }
      if (c === SPACE || c === TAB) { i++; continue; }
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
      const quoted = c === QUOTE;
      const comment = c === SEMICOLON;
      // Every run evaluates the same expressions (see runEnd): `topLevel` too, and the closing quote is added, or 0.
      const topLevel = depth === 0;
      const kind = quoted ? (topLevel ? QUOTED_AT_TOP : QUOTED_NESTED) : comment ? COMMENT : TOKEN;
      // The run of a comment or a quoted string starts after its opening character.
      const end = runEnd(text, start + (quoted || comment ? 1 : 0), kind);
      const closed = end < length && text.charCodeAt(end) === QUOTE;
      i = end + (quoted && closed ? 1 : 0);
      if (comment) continue;
      if (quoted && !closed) {
        this.report('unterminated quoted string', start, i);
        this.broken = true;
      }
      this.push(start, i, quoted);
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
    // The entry's line is the one its first token is on (a line with only a comment is none).
    // Not set in `next` at each such line: its first one is the file's first comment, read
    // before the scanner has type feedback (see runEnd).
    if (k === 0) this.blankOwner = this.lineBlank;
    this.starts[k] = start;
    this.ends[k] = end;
    this.quoteWidth[k] = quoted ? 1 : 0;
  }
}

/**
 * What ends a run, by kind: a token ends at white space, a line break or `;()"`; a comment
 * at a line break; a quoted string at its closing quote, and at a line break outside
 * parentheses. ENDS holds, per ASCII character, the kinds of run it ends.
 */
const TOKEN = 1;
const COMMENT = 2;
const QUOTED_NESTED = 4;
const QUOTED_AT_TOP = 8;
const ENDS = new Uint8Array(128);
for (const c of [SPACE, TAB, SEMICOLON, OPEN, CLOSE]) ENDS[c] = TOKEN;
ENDS[LF] = ENDS[CR] = TOKEN | COMMENT | QUOTED_AT_TOP;
ENDS[QUOTE] = TOKEN | QUOTED_NESTED | QUOTED_AT_TOP;

/**
 * The end of the run of kind `kind` starting at i (after a comment's `;` or a string's opening
 * quote): the offset of the character that ends it, or the text's length. `\` escapes the
 * next character, except in a comment.
 *
 * Tokens, comments and quoted strings share this one loop, and `next` evaluates the same
 * expressions for each of them, for a reason that is V8's: a function gets its type feedback
 * only after it has run a while, so a comment at the top of the first file is read without
 * any, and a file may hold no quoted string. A comment loop and a quoted-string loop of their
 * own had no feedback when the scanner was optimised during the first file, and each
 * deoptimised it when it first ran (a cold check of the 1,600-host fleet, whose zone files
 * start with a comment and whose first TXT record is in the fourth file: two deoptimisations
 * and recompilations, zone loading 35 M instructions and a whole check about 50 M dearer).
 */
function runEnd(text: string, i: number, kind: number): number {
  const length = text.length;
  const escapes = kind !== COMMENT;
  while (i < length) {
    const d = text.charCodeAt(i);
    if (d === BACKSLASH && escapes && i + 1 < length) { i += 2; continue; }
    if (d < 128 && (ENDS[d] & kind) !== 0) break;
    i++;
  }
  return i;
}

/** Whether the line starting at i begins with white space (i may be the end: reading past it deoptimises the scan). */
function startsBlank(text: string, i: number): boolean {
  if (i >= text.length) return false;
  const c = text.charCodeAt(i);
  return c === SPACE || c === TAB;
}
