/**
 * Syntax read from the source text instead of through web-tree-sitter nodes, for error-free
 * trees only (callers check): binding keys, and binding values written as plain literals.
 * Reading one node costs a round trip into wasm and a `Node` object; configuration is mostly
 * plain keys and literal values. Every shape accepted here is one tree-sitter-nix parses in
 * exactly one way, and everything else is declined (undefined) and read from the tree:
 * - keys: identifiers (the grammar's `[a-zA-Z_][a-zA-Z0-9_'-]*`, longest match, not a
 *   keyword) and quoted names without escapes or interpolations, separated by dots and blanks;
 * - values: a `string_expression` without escapes or interpolations, an
 *   `integer_expression`, a `path_expression` without interpolations, a
 *   `variable_expression`, a `list_expression` of those and of sets, an
 *   `attrset_expression` whose bindings are all plain keys and such values. A value is one
 *   only when what follows it ends it (`;` after a binding's value, blanks or `]` in a
 *   list): an operator, a call, a selection or a lambda would follow it otherwise.
 * Comments anywhere in a scanned binding decline it.
 */

/**
 * A key read from the source text: a plain identifier and where it is written. (Fields
 * assigned, not declared as class fields: see Lazy in values.ts.)
 */
export class ScannedKey {
  declare readonly name: string;
  declare readonly start: number;
  declare readonly end: number;

  constructor(name: string, start: number, end: number) {
    this.name = name;
    this.start = start;
    this.end = end;
  }
}

/**
 * Every kind has `items` and `bindings` (empty where the kind has none): built by one function,
 * all scanned values share one hidden class, so the scanners' optimised code sees one shape.
 */
export type ScannedLiteral = ScannedToken | ScannedList | ScannedSet;

export interface ScannedNode<K extends ScannedLiteral['kind']> {
  readonly kind: K;
  readonly start: number;
  readonly end: number;
  readonly items: readonly ScannedLiteral[];
  readonly bindings: readonly ScannedBinding[];
}

export type ScannedToken = ScannedNode<'string' | 'int' | 'path' | 'var'>;
export type ScannedList = ScannedNode<'list'>;
export type ScannedSet = ScannedNode<'set'>;

/** `keys = value;` inside a scanned set: [start, end) is the whole binding, `;` included. */
export interface ScannedBinding {
  readonly keys: readonly ScannedKey[];
  readonly value: ScannedLiteral;
  readonly start: number;
  readonly end: number;
}

/** A binding's scanned value and where the binding ends (after its `;`). */
export interface ScannedBindingValue {
  readonly value: ScannedLiteral;
  readonly bindingEnd: number;
}

/**
 * The keys of a binding, all of them up to its `=` (`valueFrom` is just after it), or a prefix
 * (`valueFrom` -1: both kinds have the same fields, so they share one hidden class).
 */
export type ScannedKeys =
  | { readonly keys: readonly ScannedKey[]; readonly complete: true; readonly valueFrom: number }
  | { readonly keys: readonly ScannedKey[]; readonly complete: false; readonly valueFrom: -1 };

/** Words tree-sitter-nix lexes as keywords, never as identifiers (`or` included, to be safe). */
const KEYWORDS = new Set(['if', 'then', 'else', 'let', 'inherit', 'in', 'rec', 'with', 'assert', 'or']);

/**
 * Character classes of ASCII, one table lookup per character. A scan runs once per file, mostly
 * before V8 has optimised it: in the interpreter a predicate called per character (two for an
 * identifier's) cost several times the character's own work.
 */
const BLANK = 1;
const IDENTIFIER_START = 2;
const IDENTIFIER_PART = 4;
const DIGIT = 8;
const PATH_CHAR = 16;

const CLASSES = ((): Uint8Array => {
  const table = new Uint8Array(128);
  const mark = (chars: string, flag: number) => {
    for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)] |= flag;
  };
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const digits = '0123456789';
  mark(' \t\n\r', BLANK);
  mark(letters + '_', IDENTIFIER_START | IDENTIFIER_PART);
  mark(digits + "'-", IDENTIFIER_PART);
  mark(digits, DIGIT);
  // Characters of a path segment in tree-sitter-nix (`[a-zA-Z0-9._\-+]`).
  mark(letters + digits + '._-+', PATH_CHAR);
  return table;
})();

/**
 * Whether `c` (a char code, NaN past the end of a text) has the class; never for non-ASCII.
 * The loops below test `c < 128` themselves: a NaN or large index into the table made the
 * optimised code slower.
 */
const is = (c: number, flag: number): boolean => c < 128 && (CLASSES[c] & flag) !== 0;

export const isIdentifierStart = (c: number) => is(c, IDENTIFIER_START); // a-z A-Z _
const isBlank = (c: number) => is(c, BLANK);

const SEMICOLON = 0x3b;
const EQUALS = 0x3d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const DOLLAR = 0x24;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const DOT = 0x2e;
const SLASH = 0x2f;
const COMMA = 0x2c;
const COLON = 0x3a;
const HASH = 0x23;
const STAR = 0x2a;

const NONE: readonly never[] = [];

/** Every scanned value is made here, so all share one hidden class (see ScannedLiteral). */
function node<K extends ScannedLiteral['kind']>(
  kind: K,
  start: number,
  end: number,
  items: readonly ScannedLiteral[] = NONE,
  bindings: readonly ScannedBinding[] = NONE,
): ScannedNode<K> {
  return { kind, start, end, items, bindings };
}

/** Nested sets and lists scanned at most this deep (deeper ones are read from the tree). */
const MAX_NESTING = 32;

/** Just after the blanks from `i`; never reads past the text's end (a read there deoptimised the loop). */
export function skipBlanks(text: string, i: number): number {
  for (const end = text.length; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || (CLASSES[c] & BLANK) === 0) break;
  }
  return i;
}

/**
 * The keys of the binding starting at `i`, as far as they are plain identifiers; undefined
 * when the first is not one, or when the scan cannot tell whether more keys follow (a comment).
 */
export function scanKeys(text: string, i: number): ScannedKeys | undefined {
  const keys = scanKeyList(text, i);
  const valueFrom = keys ? valueFromAfter(text, keys) : DECLINED;
  // One result site for both kinds: code first run late (an incomplete prefix) deoptimised
  // the optimised function.
  return valueFrom !== DECLINED ? ({ keys: keys!, complete: valueFrom >= 0, valueFrom } as ScannedKeys) : undefined;
}

/** valueFromAfter's result when the scan cannot tell whether more keys follow. */
const DECLINED = -2;

/**
 * A binding's plain keys from `i`, dot-separated, as far as they go; undefined when the first
 * is not one. The list is made with its first key: a push onto an empty list (small-integer
 * elements until then) deoptimised the optimised push.
 */
function scanKeyList(text: string, i: number): ScannedKey[] | undefined {
  let key = scanKey(text, i);
  if (!key) return undefined;
  const keys = [key];
  for (;;) {
    const dot = skipBlanks(text, key.end);
    if (text.charCodeAt(dot) !== DOT) return keys;
    key = scanKey(text, skipBlanks(text, dot + 1));
    if (!key) return keys;
    keys.push(key);
  }
}

/**
 * What follows a binding's keys: just after its `=` (where the value starts), -1 for a prefix
 * (a `.` before a key that is not plain), DECLINED for anything else.
 */
function valueFromAfter(text: string, keys: readonly ScannedKey[]): number {
  const i = skipBlanks(text, keys[keys.length - 1].end);
  const c = text.charCodeAt(i);
  // Compared with `.` every time: a comparison first made late (the first prefix) deoptimised
  // the optimised function.
  const dot = c === DOT;
  return c === EQUALS ? i + 1 : dot ? -1 : DECLINED;
}

/**
 * One key: an identifier that is not a keyword, or a quoted name without escapes or
 * interpolations (`"net.ipv6.conf.all.forwarding"`; the node's span includes the quotes).
 */
function scanKey(text: string, start: number): ScannedKey | undefined {
  if (text.charCodeAt(start) !== QUOTE) return scanIdentifier(text, start);
  const s = scanString(text, start);
  return s && new ScannedKey(text.slice(start + 1, s.end - 1), start, s.end);
}

/** The identifier token at `start` (longest match), unless it is a keyword. */
function scanIdentifier(text: string, start: number): ScannedKey | undefined {
  if (!isIdentifierStart(text.charCodeAt(start))) return undefined;
  let i = start;
  for (let c = text.charCodeAt(++i); c < 128 && CLASSES[c] & IDENTIFIER_PART; c = text.charCodeAt(++i));
  const name = text.slice(start, i);
  return KEYWORDS.has(name) ? undefined : new ScannedKey(name, start, i);
}

/**
 * The formals of a function written `{ a, b, ... }: body` starting at `i` (no defaults, no
 * `@` pattern, no comments); undefined for any other shape.
 */
export function scanFormals(text: string, i: number): ScannedKey[] | undefined {
  if (text.charCodeAt(i) !== OPEN_BRACE) return undefined;
  const formals: ScannedKey[] = [];
  i = skipBlanks(text, i + 1);
  while (text.charCodeAt(i) !== CLOSE_BRACE) {
    if (text.startsWith('...', i)) {
      i = skipBlanks(text, i + 3);
      if (text.charCodeAt(i) !== CLOSE_BRACE) return undefined;
      break;
    }
    const formal = scanIdentifier(text, i);
    if (!formal) return undefined;
    formals.push(formal);
    i = skipBlanks(text, formal.end);
    const c = text.charCodeAt(i);
    if (c === COMMA) i = skipBlanks(text, i + 1);
    else if (c !== CLOSE_BRACE) return undefined; // `?` default, a comment, ...
  }
  return text.charCodeAt(skipBlanks(text, i + 1)) === COLON ? formals : undefined;
}

/** The value starting after a binding's `=` at `from`, when it is a scannable one and `;` ends it. */
export function scanBindingValue(text: string, from: number): ScannedBindingValue | undefined {
  return scanValueToSemicolon(text, from, 0);
}

/** A value starting at `from` (after blanks) that a `;` ends: the binding's whole expression. */
function scanValueToSemicolon(text: string, from: number, nesting: number): ScannedBindingValue | undefined {
  const value = scanValue(text, skipBlanks(text, from), nesting);
  const bindingEnd = value ? endOfBinding(text, value) : -1;
  return bindingEnd < 0 ? undefined : { value: value!, bindingEnd };
}

/** Just after the `;` that follows `value`, or -1 when something else follows it. */
function endOfBinding(text: string, value: ScannedLiteral): number {
  const semicolon = skipBlanks(text, value.end);
  return text.charCodeAt(semicolon) === SEMICOLON ? semicolon + 1 : -1;
}

/** The value at `i`, by its first character; `nesting` counts the lists and sets around it. */
function scanValue(text: string, i: number, nesting: number): ScannedLiteral | undefined {
  const c = text.charCodeAt(i);
  const scan = c < 128 ? VALUE_SCANNERS[c] : undefined;
  // One call site for every kind: a kind first seen after this was optimised (the first
  // integer) does not deoptimise it.
  return scan && scan(text, i, nesting);
}

type ValueScanner = (text: string, start: number, nesting: number) => ScannedLiteral | undefined;

/** `"..."` without `\` escapes and without `${`: its text is its value, character for character. */
function scanString(text: string, start: number): ScannedLiteral | undefined {
  // `${` is found at its `{`, by a flag set at every character: a comparison first made late
  // (the first `$` in a string) deoptimised the optimised code.
  for (let i = start + 1, afterDollar = false; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return node('string', start, i + 1);
    if (c === BACKSLASH || (c === OPEN_BRACE && afterDollar)) return undefined;
    afterDollar = c === DOLLAR;
  }
  return undefined;
}

/** A token ends where a blank, `;` or `]` follows; `1.5`, `1e3`, `f:` or `a.b` are declined. */
function endsToken(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return isBlank(c) || c === SEMICOLON || c === CLOSE_BRACKET;
}

function scanInteger(text: string, start: number): ScannedLiteral | undefined {
  let i = start;
  for (let c = text.charCodeAt(i); c < 128 && CLASSES[c] & DIGIT; c = text.charCodeAt(++i));
  return endsToken(text, i) ? node('int', start, i) : undefined;
}

function scanVariable(text: string, start: number): ScannedLiteral | undefined {
  const name = scanIdentifier(text, start);
  return name && endsToken(text, name.end) ? node('var', start, name.end) : undefined;
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
    for (let c = text.charCodeAt(i); c < 128 && CLASSES[c] & PATH_CHAR; c = text.charCodeAt(++i));
    if (i === segmentStart) return undefined;
    segments++;
  }
  return segments > 0 && endsToken(text, i) ? node('path', start, i) : undefined;
}

/** `[ value ... ]` with values that are not lists themselves. */
function scanList(text: string, start: number, nesting: number): ScannedLiteral | undefined {
  if (nesting >= MAX_NESTING) return undefined;
  const items: ScannedLiteral[] = [];
  let i = skipBlanks(text, start + 1);
  for (let c = text.charCodeAt(i); c !== CLOSE_BRACKET; c = text.charCodeAt(i)) {
    const item = c === OPEN_BRACKET ? undefined : scanValue(text, i, nesting + 1);
    if (!item) return undefined;
    items.push(item);
    i = skipBlanks(text, item.end);
  }
  return node('list', start, i + 1, items);
}

/**
 * A module file's set written at `start` (`{`), when all its bindings are plain keys and
 * scannable values. Comments may stand between its own bindings (not inside them): tree-sitter
 * makes them siblings of the bindings, which evaluation skips.
 */
export function scanModuleSet(text: string, start: number): ScannedSet | undefined {
  return text.charCodeAt(start) === OPEN_BRACE ? scanSet(text, start, 0, skipLayout) : undefined;
}

/** `{ keys = value; ... }` with plain keys and scannable values only. */
function scanSet(text: string, start: number, nesting: number, skip: (text: string, i: number) => number = skipBlanks): ScannedSet | undefined {
  if (nesting >= MAX_NESTING) return undefined;
  nesting++;
  const bindings: ScannedBinding[] = [];
  let i = skip(text, start + 1);
  while (text.charCodeAt(i) !== CLOSE_BRACE) {
    // As scanKeys and scanValueToSemicolon, without their result objects for every binding.
    const keys = scanKeyList(text, i);
    const valueFrom = keys ? valueFromAfter(text, keys) : -1;
    if (valueFrom < 0) return undefined;
    const value = scanValue(text, skipBlanks(text, valueFrom), nesting);
    const end = value ? endOfBinding(text, value) : -1;
    if (end < 0) return undefined;
    bindings.push({ keys: keys!, value: value!, start: i, end });
    i = skip(text, end);
  }
  return node('set', start, i + 1, NONE, bindings);
}

/**
 * Blanks and comments (`# ...` to the end of the line, `/* ... *\/`) from `i`; an unterminated
 * block comment ends the text (a syntax error: such trees are never scanned).
 */
export function skipLayout(text: string, i: number): number {
  for (;;) {
    i = skipBlanks(text, i);
    if (i >= text.length) return i; // a module's layout runs to its end: no read past it
    const c = text.charCodeAt(i);
    if (c === HASH) {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? text.length : eol + 1;
    } else if (c === SLASH && text.charCodeAt(i + 1) === STAR) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else return i;
  }
}

/** The scanner of a value by its first character (ASCII only). */
const VALUE_SCANNERS: (ValueScanner | undefined)[] = ((): (ValueScanner | undefined)[] => {
  const table: (ValueScanner | undefined)[] = [];
  for (let c = 0; c < 128; c++) {
    if (c === QUOTE) table.push(scanString);
    else if (CLASSES[c] & DIGIT) table.push(scanInteger);
    else if (c === DOT || c === SLASH) table.push(scanPath);
    else if (CLASSES[c] & IDENTIFIER_START) table.push(scanVariable);
    else if (c === OPEN_BRACKET) table.push(scanList);
    else if (c === OPEN_BRACE) table.push(scanSet);
    else table.push(undefined);
  }
  return table;
})();
