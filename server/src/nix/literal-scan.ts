/**
 * Binding values written as plain literals (`"text"`, `42`, `./path.nix`, and lists of those),
 * read from the source text after a scanned `=` (syntax.ts `scanBindingKeys`). Configuration is
 * mostly such values, and reading one through web-tree-sitter costs about ten round trips into
 * wasm and three `Node` objects. Only called for error-free trees, where tree-sitter-nix
 * agrees: a literal followed by `;` is the binding's whole expression (an operator, a call or a
 * selection would follow it instead), and the shapes accepted here are exactly one
 * `string_expression` without escapes or interpolations, `integer_expression`,
 * `path_expression` without interpolations, or a `list_expression` of those. Anything else
 * (comments included) is declined and read from the tree as before.
 */

export type ScannedLiteral =
  | { readonly kind: 'string' | 'int' | 'path'; readonly start: number; readonly end: number }
  | { readonly kind: 'list'; readonly start: number; readonly end: number; readonly items: readonly ScannedLiteral[] };

/** A binding's literal value and where the binding ends (after its `;`). */
export interface ScannedBindingValue {
  readonly value: ScannedLiteral;
  readonly bindingEnd: number;
}

const SEMICOLON = 0x3b;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const DOLLAR = 0x24;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const DOT = 0x2e;
const SLASH = 0x2f;

const isBlank = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
/** Characters of a path segment in tree-sitter-nix (`[a-zA-Z0-9._\-+]`). */
const isPathChar = (c: number) =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || isDigit(c) || c === DOT || c === 0x5f || c === 0x2d || c === 0x2b;

function skipBlanks(text: string, i: number): number {
  while (isBlank(text.charCodeAt(i))) i++;
  return i;
}

/** The literal value starting after a binding's `=` at `from`, when it is one and `;` ends it. */
export function scanLiteralBindingValue(text: string, from: number): ScannedBindingValue | undefined {
  const value = scanLiteral(text, skipBlanks(text, from), true);
  if (!value) return undefined;
  const semicolon = skipBlanks(text, value.end);
  return text.charCodeAt(semicolon) === SEMICOLON ? { value, bindingEnd: semicolon + 1 } : undefined;
}

function scanLiteral(text: string, i: number, listAllowed: boolean): ScannedLiteral | undefined {
  const c = text.charCodeAt(i);
  if (c === QUOTE) return scanString(text, i);
  if (isDigit(c)) return scanInteger(text, i);
  if (c === DOT || c === SLASH) return scanPath(text, i);
  if (c === OPEN_BRACKET && listAllowed) return scanList(text, i);
  return undefined;
}

/** `"..."` without `\` escapes and without `${`: its text is its value, character for character. */
function scanString(text: string, start: number): ScannedLiteral | undefined {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return { kind: 'string', start, end: i + 1 };
    if (c === BACKSLASH || (c === DOLLAR && text.charCodeAt(i + 1) === OPEN_BRACE)) return undefined;
  }
  return undefined;
}

/** A token ends where a blank, `;` or `]` follows; `1.5`, `1e3` or `42abc` are declined. */
function endsToken(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return isBlank(c) || c === SEMICOLON || c === CLOSE_BRACKET;
}

function scanInteger(text: string, start: number): ScannedLiteral | undefined {
  let i = start;
  while (isDigit(text.charCodeAt(i))) i++;
  return endsToken(text, i) ? { kind: 'int', start, end: i } : undefined;
}

/**
 * `./a`, `../a/b.nix`, `/etc/x`: an optional `.` or `..`, then one or more `/segment`. A
 * trailing `/`, `//`, `~/`, `<...>` and interpolations are declined.
 */
function scanPath(text: string, start: number): ScannedLiteral | undefined {
  let i = start;
  if (text.charCodeAt(i) === DOT) i++;
  if (text.charCodeAt(i) === DOT) i++;
  let segments = 0;
  while (text.charCodeAt(i) === SLASH) {
    const segmentStart = ++i;
    while (isPathChar(text.charCodeAt(i))) i++;
    if (i === segmentStart) return undefined;
    segments++;
  }
  return segments > 0 && endsToken(text, i) ? { kind: 'path', start, end: i } : undefined;
}

/** `[ literal ... ]` with literals that are not lists themselves. */
function scanList(text: string, start: number): ScannedLiteral | undefined {
  const items: ScannedLiteral[] = [];
  let i = skipBlanks(text, start + 1);
  while (text.charCodeAt(i) !== CLOSE_BRACKET) {
    const item = scanLiteral(text, i, false);
    if (!item) return undefined;
    items.push(item);
    i = skipBlanks(text, item.end);
  }
  return { kind: 'list', start, end: i + 1, items };
}
