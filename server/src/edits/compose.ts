/**
 * Minimal text edits to compose YAML: set a value at a path, keeping comments, quoting,
 * indentation and the order of everything else. The document is never re-serialised: only
 * the new or replaced piece of text is written, in the file's own indentation style.
 *
 * Semantics of `setComposeValue(file, path, value)`:
 * - a missing key is inserted after the last entry of its mapping (missing parents too,
 *   e.g. a top-level `networks:` with a `default:` entry);
 * - an existing scalar is replaced, keeping its quote style;
 * - an object value merges into an existing mapping key by key;
 * - an array value appends to an existing sequence the items it does not already hold;
 * - a numeric path step indexes a sequence; the sequence's length or -1 appends an item.
 * Returns undefined when no safe edit exists (the file does not parse, flow-style
 * collections, a key that only exists through a `<<` merge, a type mismatch).
 *
 * Parsing the file again is most of the cost of an edit. The compose analysis, which parses
 * every compose file anyway, records a `ComposeLayout` of it (`captureComposeLayout`): the
 * indentation style and, for the top-level mapping and its `networks:` subtree, where each
 * mapping's entries are and where a new one would go. `setComposeValue` given that layout
 * writes the edit from it, exactly as the parsing path would, and parses only for shapes the
 * layout does not describe (sequences, flow collections, aliases, deeper paths).
 */
import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { YamlDocument, isCollection, isMap, isScalar, isSeq, parseDocument, stringify, type Document, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from '../compose/yaml-lib';
import { mapEntries } from '../compose/yaml-nodes';
import type { FileEdit } from '../core/finding';
import { LineIndex } from '../core/text';
import { formatIpv6Groups } from '../core/ipv6-text';

export interface ComposeText {
  /** Absolute path with `/` separators (goes into the FileEdits). */
  readonly path: string;
  readonly text: string;
  /** What the compose analysis recorded of this very text (see ComposeLayout): saves parsing it again. */
  readonly layout?: ComposeLayout;
  /** The text's line index, when the caller has one. */
  readonly lines?: LineIndex;
}

export type ComposePath = readonly (string | number)[];

interface RawEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** Nesting depth of an insertion: at one offset, deeper text goes first (it belongs to the earlier entry). */
  readonly depth: number;
}

interface Style {
  readonly indent: number;
  /** `key:\n  - item` (true) or `key:\n- item` (false). */
  readonly indentSeq: boolean;
  /** Blank line between top-level sections. */
  readonly blankBetweenSections: boolean;
}

class Unsafe extends Error {}

type Quote = '"' | "'" | '';

class Editor {
  readonly edits: RawEdit[] = [];
  readonly lines: LineIndex;
  readonly style: Style;

  constructor(
    readonly text: string,
    readonly doc: Document,
    lines?: LineIndex,
  ) {
    this.lines = lines ?? new LineIndex(text);
    this.style = detectStyle(doc, this.lines);
  }

  /** Keys a mapping has, counting those it only gets through `<<` merges. */
  mergedKeys(map: YAMLMap): Set<string> {
    return new Set(mapEntries(this.doc, map).keys());
  }

  col(offset: number): number {
    return this.lines.position(offset).character;
  }

  /** End of the line that holds the last content character of a node. */
  afterContent(node: Node | Pair): number {
    let end = lastContentEnd(node);
    while (end > 0 && /\s/.test(this.text[end - 1])) end--;
    return this.lines.lineEnd(this.lines.position(Math.max(0, end - 1)).line);
  }

  /**
   * Moves an insertion point past comment lines indented deeper than `keyCol`: they belong to
   * the entry before (often commented-out settings), so new entries go after them.
   */
  afterTrailingComments(at: number, keyCol: number): number {
    let line = this.lines.position(at).line + 1;
    let end = at;
    for (; line < this.lines.lineCount; line++) {
      const t = this.lines.lineText(line);
      if (t.trim() === '') continue;
      const indent = t.length - t.trimStart().length;
      if (!t.trimStart().startsWith('#') || indent <= keyCol) break;
      end = this.lines.lineEnd(line);
    }
    return end;
  }

  block(value: unknown, indent: number): string {
    return blockText(value, indent, this.style);
  }

  set(node: Node | null, path: ComposePath, value: unknown, depth: number): void {
    if (path.length === 0) return this.replace(node, value, depth);
    const [step, ...rest] = path;
    if (isMap(node) && typeof step === 'string') {
      if (node.flow) throw new Unsafe('flow mapping');
      const pair = ownPair(node, step);
      if (!pair) {
        if (this.mergedKeys(node).has(step)) throw new Unsafe(`${step} comes from a << merge`);
        return this.insertIntoMap(node, { [step]: nest(rest, value) }, depth);
      }
      const child = pair.value as Node | null;
      if (isEmptyScalar(child) && (rest.length > 0 || isPlainObject(value) || Array.isArray(value))) {
        return this.fillEmpty(pair, nest(rest, value), depth + 1);
      }
      return this.set(child, rest, value, depth + 1);
    }
    if (isSeq(node) && typeof step === 'number') {
      if (node.flow) throw new Unsafe('flow sequence');
      const items = node.items as Node[];
      if (step === -1 || step === items.length) return this.appendToSeq(node, [nest(rest, value)], depth);
      if (step < 0 || step > items.length) throw new Unsafe('index out of range');
      return this.set(items[step], rest, value, depth + 1);
    }
    throw new Unsafe(`cannot follow ${String(step)}`);
  }

  replace(node: Node | null, value: unknown, depth: number): void {
    if (isMap(node) && isPlainObject(value)) {
      if (node.flow) throw new Unsafe('flow mapping');
      const missing: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (ownPair(node, k)) this.set(node, [k], v, depth);
        else if (this.mergedKeys(node).has(k)) throw new Unsafe(`${k} comes from a << merge`);
        else missing[k] = v;
      }
      if (Object.keys(missing).length) this.insertIntoMap(node, missing, depth);
      return;
    }
    if (isSeq(node) && Array.isArray(value)) {
      if (node.flow) throw new Unsafe('flow sequence');
      const present = (node.items as Node[]).map((i) => JSON.stringify(i.toJS(this.doc)));
      const added = value.filter((v) => !present.includes(JSON.stringify(v)));
      if (added.length) this.appendToSeq(node, added, depth);
      return;
    }
    if (isScalar(node) && isScalarValue(value)) {
      const [start, end] = [node.range![0], node.range![1]];
      this.edits.push({ start, end, text: scalarText(value, quoteOf(node)), depth });
      return;
    }
    throw new Unsafe('type mismatch');
  }

  insertIntoMap(map: YAMLMap, entries: Record<string, unknown>, depth: number): void {
    const pairs = map.items as Pair[];
    if (pairs.length === 0) throw new Unsafe('empty mapping');
    const keyCol = this.col((pairs[0].key as Node).range![0]);
    const at = this.afterTrailingComments(this.afterContent(pairs[pairs.length - 1]), keyCol);
    const gap = keyCol === 0 && this.style.blankBetweenSections ? '\n' : '';
    this.edits.push({ start: at, end: at, text: `\n${gap}${this.block(entries, keyCol)}`, depth });
  }

  /** `key:` with no value (or `~`/`null`) receives a nested block. */
  fillEmpty(pair: Pair, value: unknown, depth: number): void {
    const key = pair.key as Node;
    const keyCol = this.col(key.range![0]);
    const body = Array.isArray(value) && !this.style.indentSeq ? this.block(value, keyCol) : this.block(value, keyCol + this.style.indent);
    const v = pair.value as Scalar | null;
    if (v && v.range && v.range[1] > v.range[0]) {
      let start = v.range[0];
      while (start > 0 && (this.text[start - 1] === ' ' || this.text[start - 1] === '\t')) start--;
      this.edits.push({ start, end: v.range[1], text: `\n${body}`, depth });
    } else {
      const at = this.lines.lineEnd(this.lines.position(key.range![1]).line);
      this.edits.push({ start: at, end: at, text: `\n${body}`, depth });
    }
  }

  appendToSeq(seq: YAMLSeq, values: readonly unknown[], depth: number): void {
    const items = seq.items as Node[];
    if (items.length === 0) throw new Unsafe('empty sequence');
    const dashCol = this.col(seq.range![0]);
    const quote = siblingQuote(items);
    const text = values
      .map((v) => (isScalarValue(v) ? `${' '.repeat(dashCol)}- ${scalarText(v, quote)}` : this.block([v], dashCol)))
      .join('\n');
    const at = this.afterContent(seq);
    this.edits.push({ start: at, end: at, text: `\n${text}`, depth });
  }

  /** A document with no mapping at its root (empty file): write the keys at the end. */
  insertIntoEmpty(entries: Record<string, unknown>): void {
    const end = this.text.length;
    const sep = end === 0 || this.text.endsWith('\n') ? '' : '\n';
    this.edits.push({ start: end, end, text: `${sep}${this.block(entries, 0)}\n`, depth: 0 });
  }
}

export function setComposeValue(file: ComposeText, path: ComposePath, value: unknown): FileEdit[] | undefined {
  if (file.layout) {
    const fast = editFromLayout(file, file.layout, path, value);
    if (fast !== DECLINED) return fast;
  }
  const doc = parseDocument(file.text, { merge: true });
  if (doc.errors.length) return undefined;
  const editor = new Editor(file.text, doc, file.lines);
  try {
    const root = doc.contents as Node | null;
    if (root === null || (isScalar(root) && root.value === null)) {
      if (path.length === 0 || typeof path[0] !== 'string') return undefined;
      editor.insertIntoEmpty(nest(path, value) as Record<string, unknown>);
    } else {
      editor.set(root, path, value, 0);
    }
  } catch (e) {
    if (e instanceof Unsafe) return undefined;
    throw e;
  }
  return toFileEdits(file.path, editor.edits, editor.lines);
}

function toFileEdits(path: string, edits: readonly RawEdit[], lines: LineIndex): FileEdit[] {
  // Insertions at one offset become one edit: deeper (inner) text first.
  const sorted = [...edits].sort((a, b) => a.start - b.start || b.depth - a.depth);
  const merged: RawEdit[] = [];
  for (const e of sorted) {
    const last = merged[merged.length - 1];
    if (last && last.start === e.start && last.end === e.start && e.end === e.start) {
      merged[merged.length - 1] = { ...last, text: last.text + e.text };
    } else merged.push(e);
  }
  return merged.map((e) => ({ file: path, range: lines.range(e.start, e.end), newText: e.text }));
}

// ---- edits from a recorded layout --------------------------------------------------------

/**
 * What the edit builder needs to know of one compose text to set values under `networks:`
 * without parsing it again, recorded by the compose analysis from the Document it parsed
 * (`captureComposeLayout`). Only for texts that parse without errors and have a block mapping
 * at the root. Offsets and columns refer to that text.
 */
export interface ComposeLayout {
  readonly style: Style;
  readonly root: MapLayout;
}

/** A block mapping: its own entries and where a new entry goes. */
interface MapLayout {
  readonly kind: 'map';
  /** Column of the first key: new entries are written at it. */
  readonly keyCol: number;
  /** Where a new entry is inserted: after the last entry and the comment lines that belong to it. */
  readonly insertAt: number;
  /** Own entries by key (the first, as the parsing path looks them up). */
  readonly pairs: ReadonlyMap<string, PairLayout>;
  /** Every key including those from `<<` merges; undefined when the mapping has no merge key. */
  readonly merged?: ReadonlySet<string>;
}

interface PairLayout {
  readonly keyCol: number;
  readonly value: ValueLayout;
  /** Span a nested block replaces when the value is empty (`key:`, `key: ~`). */
  readonly fill?: { readonly start: number; readonly end: number };
}

type ValueLayout =
  | MapLayout
  /** `key:` with no node at all. */
  | { readonly kind: 'none' }
  | { readonly kind: 'scalar'; readonly start: number; readonly end: number; readonly quote: Quote }
  /** Anything the layout does not describe (sequences, flow collections, aliases, deeper levels): the parsing path decides. */
  | { readonly kind: 'other' };

const OTHER: ValueLayout = { kind: 'other' };
const NONE: ValueLayout = { kind: 'none' };
/** An entry outside the described part (a top-level section other than `networks:`, a deeper level). */
const UNDESCRIBED: PairLayout = { keyCol: -1, value: OTHER };

/**
 * Mappings described: the root (0), `networks:` (1), a network (2) and its mappings such as
 * `ipam:` (3), whose scalar entries are described too.
 */
const LAYOUT_DEPTH = 4;

/**
 * The layout of a parsed compose text, or undefined when the parsing path must decide
 * everything (errors, no block mapping at the root). `lines` indexes `text`.
 */
export function captureComposeLayout(text: string, doc: Document, lines: LineIndex): ComposeLayout | undefined {
  if (doc.errors.length) return undefined;
  const root = doc.contents;
  if (!isMap(root) || root.flow) return undefined;
  try {
    const editor = new Editor(text, doc, lines);
    const rootLayout = mapLayout(editor, root, 0);
    return rootLayout.kind === 'map' ? { style: editor.style, root: rootLayout } : undefined;
  } catch {
    // Whatever the layout cannot take (a nesting too deep for the style walk) is left to the
    // parsing path: recording it must never fail the analysis.
    return undefined;
  }
}

function mapLayout(editor: Editor, map: YAMLMap, depth: number): ValueLayout {
  const items = map.items as Pair[];
  if (map.flow || items.length === 0) return OTHER;
  const first = items[0].key as Node | null;
  if (!first?.range) return OTHER;
  const keyCol = editor.col(first.range[0]);
  const pairs = new Map<string, PairLayout>();
  let hasMerge = false;
  for (const pair of items) {
    const key = pair.key;
    if (!isScalar(key)) continue;
    if (typeof key.value === 'symbol') {
      hasMerge = true;
      continue;
    }
    const name = String(key.value);
    if (pairs.has(name)) continue;
    // Below the root only `networks:` is described; other sections are left to the parsing path.
    const deeper = depth < LAYOUT_DEPTH && (depth > 0 || name === 'networks');
    pairs.set(name, deeper && key.range ? pairLayout(editor, pair, key, depth + 1) : UNDESCRIBED);
  }
  return {
    kind: 'map',
    keyCol,
    insertAt: editor.afterTrailingComments(editor.afterContent(items[items.length - 1]), keyCol),
    pairs,
    ...(hasMerge ? { merged: editor.mergedKeys(map) } : {}),
  };
}

function pairLayout(editor: Editor, pair: Pair, key: Scalar, depth: number): PairLayout {
  const keyCol = editor.col(key.range![0]);
  const v = pair.value as Node | null;
  let value: ValueLayout;
  if (v === null || v === undefined) value = NONE;
  else if (isScalar(v) && v.range) value = { kind: 'scalar', start: v.range[0], end: v.range[1], quote: quoteOf(v) };
  else if (isMap(v) && depth < LAYOUT_DEPTH) value = mapLayout(editor, v, depth);
  else value = OTHER;
  if (!isEmptyScalar(v)) return { keyCol, value };
  // As Editor.fillEmpty: the value's text (and the blanks before it), or the end of the key's line.
  const s = v as Scalar | null;
  if (s && s.range && s.range[1] > s.range[0]) {
    let start = s.range[0];
    while (start > 0 && (editor.text[start - 1] === ' ' || editor.text[start - 1] === '\t')) start--;
    return { keyCol, value, fill: { start, end: s.range[1] } };
  }
  const at = editor.lines.lineEnd(editor.lines.position(key.range![1]).line);
  return { keyCol, value, fill: { start: at, end: at } };
}

/** Returned by editFromLayout when the layout does not describe the shape an edit needs. */
export const DECLINED = Symbol('declined');

class Declined extends Error {}

/**
 * The Editor's walk (set, replace, insertIntoMap, fillEmpty), over a layout: the same edits
 * at the same depths. Throws Unsafe where the Editor would, Declined where the layout cannot
 * tell.
 */
class LayoutEditor {
  readonly edits: RawEdit[] = [];
  constructor(readonly style: Style) {}

  set(node: ValueLayout, path: ComposePath, value: unknown, depth: number): void {
    if (path.length === 0) return this.replace(node, value, depth);
    const [step, ...rest] = path;
    if (node.kind === 'map' && typeof step === 'string') {
      const pair = node.pairs.get(step);
      if (!pair) {
        if (node.merged?.has(step)) throw new Unsafe(`${step} comes from a << merge`);
        return this.insertIntoMap(node, { [step]: nest(rest, value) }, depth);
      }
      if (pair.value.kind === 'other') throw new Declined();
      if (pair.fill && (rest.length > 0 || isPlainObject(value) || Array.isArray(value))) {
        return this.fillEmpty(pair, nest(rest, value), depth + 1);
      }
      return this.set(pair.value, rest, value, depth + 1);
    }
    if (node.kind === 'other') throw new Declined();
    throw new Unsafe(`cannot follow ${String(step)}`);
  }

  replace(node: ValueLayout, value: unknown, depth: number): void {
    if (node.kind === 'map' && isPlainObject(value)) {
      const missing: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (node.pairs.has(k)) this.set(node, [k], v, depth);
        else if (node.merged?.has(k)) throw new Unsafe(`${k} comes from a << merge`);
        else missing[k] = v;
      }
      if (Object.keys(missing).length) this.insertIntoMap(node, missing, depth);
      return;
    }
    if (node.kind === 'scalar' && isScalarValue(value)) {
      this.edits.push({ start: node.start, end: node.end, text: scalarText(value, node.quote), depth });
      return;
    }
    if (node.kind === 'other') throw new Declined();
    throw new Unsafe('type mismatch');
  }

  insertIntoMap(map: MapLayout, entries: Record<string, unknown>, depth: number): void {
    const gap = map.keyCol === 0 && this.style.blankBetweenSections ? '\n' : '';
    this.edits.push({ start: map.insertAt, end: map.insertAt, text: `\n${gap}${blockText(entries, map.keyCol, this.style)}`, depth });
  }

  fillEmpty(pair: PairLayout, value: unknown, depth: number): void {
    const { indent, indentSeq } = this.style;
    const body = Array.isArray(value) && !indentSeq ? blockText(value, pair.keyCol, this.style) : blockText(value, pair.keyCol + indent, this.style);
    this.edits.push({ start: pair.fill!.start, end: pair.fill!.end, text: `\n${body}`, depth });
  }
}

/**
 * The edits `setComposeValue` makes, from a recorded layout; DECLINED when the layout does not
 * describe what the edit touches (the caller then parses the text).
 */
export function editFromLayout(file: ComposeText, layout: ComposeLayout, path: ComposePath, value: unknown): FileEdit[] | undefined | typeof DECLINED {
  const editor = new LayoutEditor(layout.style);
  try {
    editor.set(layout.root, path, value, 0);
  } catch (e) {
    if (e instanceof Declined) return DECLINED;
    if (e instanceof Unsafe) return undefined;
    throw e;
  }
  return toFileEdits(file.path, editor.edits, file.lines ?? new LineIndex(file.text));
}

// ---- block text -----------------------------------------------------------------------

/** `value` as block YAML in the file's style, every line indented by `indent` columns. */
function blockText(value: unknown, indent: number, style: Style): string {
  const yaml = emitBlock(value, style.indent, style.indentSeq) ?? stringify(value, { indent: style.indent, indentSeq: style.indentSeq, lineWidth: 0 }).replace(/\n$/, '');
  const pad = ' '.repeat(indent);
  return yaml.split('\n').map((l) => (l ? pad + l : l)).join('\n');
}

/**
 * `stringify(value, { indent, indentSeq, lineWidth: 0 })` without its final newline, written
 * directly for the values fixes use: non-empty plain objects and arrays of booleans and of
 * strings that stay plain. Undefined for anything else (the caller then uses `stringify`).
 */
export function emitBlock(value: unknown, indent: number, indentSeq: boolean): string | undefined {
  if (!Number.isInteger(indent) || indent < 1) return undefined;
  const out = new BlockEmitter(' '.repeat(indent), indentSeq);
  try {
    if (Array.isArray(value)) return out.seq(value, '');
    if (isPlainRecord(value)) return out.map(value, '');
  } catch (e) {
    if (e === NOT_EMITTED) return undefined;
    throw e;
  }
  return undefined;
}

const NOT_EMITTED = Symbol('not emitted');

class BlockEmitter {
  /** `stringify` writes an object met twice as an anchor and an alias: not done here. */
  private readonly seen = new Set<object>();
  constructor(
    readonly step: string,
    readonly indentSeq: boolean,
  ) {}

  enter(o: object): void {
    if (this.seen.has(o)) throw NOT_EMITTED;
    this.seen.add(o);
  }

  map(o: Record<string, unknown>, indent: string): string {
    this.enter(o);
    const keys = Object.keys(o);
    if (keys.length === 0) throw NOT_EMITTED;
    const inner = indent + this.step;
    let s = '';
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (!plainOk(k, true)) throw NOT_EMITTED;
      const v = o[k];
      let line: string;
      if (Array.isArray(v)) {
        // indentSeq false: the `- ` counts as indentation where the step allows it.
        const at = !this.indentSeq && this.step.length >= 2 ? inner.substring(2) : inner;
        line = `${k}:\n${at}${this.seq(v, at)}`;
      } else if (isPlainRecord(v)) line = `${k}:\n${inner}${this.map(v, inner)}`;
      else line = `${k}: ${this.scalar(v)}`;
      s += i === 0 ? line : `\n${indent}${line}`;
    }
    return s;
  }

  seq(a: readonly unknown[], indent: string): string {
    this.enter(a);
    if (a.length === 0) throw NOT_EMITTED;
    const item = indent + '  ';
    let s = '';
    for (let i = 0; i < a.length; i++) {
      if (!(i in a)) throw NOT_EMITTED;
      const v = a[i];
      const line = `- ${Array.isArray(v) ? this.seq(v, item) : isPlainRecord(v) ? this.map(v, item) : this.scalar(v)}`;
      s += i === 0 ? line : `\n${indent}${line}`;
    }
    return s;
  }

  scalar(v: unknown): string {
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'string' && plainOk(v, false)) return v;
    throw NOT_EMITTED;
  }
}

function isPlainRecord(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Tags of the schema `stringify` uses (YAML 1.2 core) that read a plain scalar as other than a string. */
let nonStringTags: readonly { test?: RegExp }[] | undefined;

/** plainOk's answers by string, for keys and for values: fixes write the same few keys (`networks`, `ipam`, `config`, `subnet`) into every file. */
const plainKeys = new Map<string, boolean>();
const plainValues = new Map<string, boolean>();
const PLAIN_LIMIT = 10000;

/**
 * Whether `stringify` writes the string as it is (plain). A subset of the rules of the yaml
 * library's plainString: single-line, no control characters, no indicator at the start, no
 * `: ` or ` #`, and not read back as a number, boolean or null. Remembered per string: each
 * answer runs about a dozen regular expressions, and the 1,600-host fleet's 388 compose fixes
 * asked 2,716 times about 400 strings.
 */
function plainOk(s: string, implicitKey: boolean): boolean {
  const known = implicitKey ? plainKeys : plainValues;
  let ok = known.get(s);
  if (ok === undefined) {
    ok = plainUncached(s, implicitKey);
    if (known.size >= PLAIN_LIMIT) known.clear();
    known.set(s, ok);
  }
  return ok;
}

const LINE_BREAK = /[\n\r]/;
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;
const INDICATOR = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
const DOCUMENT_MARKER = /^(?:---|\.\.\.)/;

function plainUncached(s: string, implicitKey: boolean): boolean {
  if (s.length === 0 || s.length > 1000) return false;
  if (LINE_BREAK.test(s) || CONTROL.test(s)) return false;
  if (INDICATOR.test(s)) return false;
  if (DOCUMENT_MARKER.test(s)) return false;
  if (implicitKey && s === '<<') return false;
  if (!nonStringTags) {
    nonStringTags = (new YamlDocument().schema.tags as { default?: unknown; tag: string; test?: RegExp }[]).filter((t) => t.default && t.tag !== 'tag:yaml.org,2002:str');
  }
  return !nonStringTags.some((t) => t.test?.test(s));
}

/** Applies FileEdits of one file to its text (for tests and the CLI's --fix on one file). */
export function applyEdits(text: string, edits: readonly FileEdit[]): string {
  const lines = new LineIndex(text);
  const spans = edits
    .map((e, i) => ({ start: lines.offset(e.range.start), end: lines.offset(e.range.end), text: e.newText, i }))
    .sort((a, b) => b.start - a.start || b.i - a.i);
  let out = text;
  for (const s of spans) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}

/**
 * A random RFC 4193 unique local /64: `fd` + a 40-bit random global ID, subnet ID 0,
 * written in RFC 5952 form (e.g. `fd3a:91c4:7e02::/64`). `randomBytes` is injectable for tests.
 */
export function randomUlaSubnet64(randomBytes: (n: number) => Uint8Array = cryptoRandomBytes): string {
  const b = randomBytes(5);
  if (b.length < 5) throw new Error('randomUlaSubnet64: need 5 random bytes');
  const groups = [0xfd00 | b[0], (b[1] << 8) | b[2], (b[3] << 8) | b[4], 0, 0, 0, 0, 0];
  return `${formatIpv6Groups(groups)}/64`;
}

// ---- helpers -------------------------------------------------------------------------

function detectStyle(doc: Document, lines: LineIndex): Style {
  // d -> how many block mappings have their first key d columns right of their parent's key.
  // (Index loops and no position objects: every compose file the analysis reads goes through here.)
  const deltas = new Map<number, number>();
  let indentSeq: boolean | undefined;
  // Depth first, in document order, on an explicit stack (children pushed last to first): a
  // loop costs a cold run far less than a recursive closure (about 23 M instructions for the
  // 1,600-host fleet's 388 files). keyCols[i] is the column of the key whose value nodes[i]
  // is, or -1 for the root and sequence items.
  const nodes: unknown[] = [doc.contents];
  const keyCols: number[] = [-1];
  while (nodes.length) {
    const node = nodes.pop();
    const keyCol = keyCols.pop()!;
    if (isMap(node)) {
      if (node.flow) continue;
      const pairs = node.items as Pair[];
      const first = pairs.length ? (pairs[0].key as Node | null) : null;
      if (first?.range && keyCol >= 0) {
        const d = lines.column(first.range[0]) - keyCol;
        if (d > 0) deltas.set(d, (deltas.get(d) ?? 0) + 1);
      }
      for (let i = pairs.length - 1; i >= 0; i--) {
        const key = pairs[i].key as Node | null;
        const value = pairs[i].value;
        if (key?.range && isCollection(value)) {
          nodes.push(value);
          keyCols.push(lines.column(key.range[0]));
        }
      }
    } else if (isSeq(node)) {
      if (node.flow) continue;
      if (keyCol >= 0 && indentSeq === undefined && node.range) indentSeq = lines.column(node.range[0]) > keyCol;
      const items = node.items;
      for (let i = items.length - 1; i >= 0; i--) {
        if (isCollection(items[i])) {
          nodes.push(items[i]);
          keyCols.push(-1);
        }
      }
    }
  }
  // Top-level sections separated by blank lines (as most compose files are).
  const root = doc.contents;
  let blank = false;
  if (isMap(root)) {
    for (const p of (root.items as Pair[]).slice(1)) {
      const line = lines.position((p.key as Node).range![0]).line;
      if (line > 0 && lines.lineText(line - 1).trim() === '') blank = true;
    }
  }
  // The most common nesting step (the smallest of equals): files often indent `services:` children differently.
  let indent: number | undefined;
  let most = 0;
  for (const [d, n] of deltas) {
    if (n > most || (n === most && d < indent!)) [indent, most] = [d, n];
  }
  return { indent: indent ?? 2, indentSeq: indentSeq ?? true, blankBetweenSections: blank };
}

function lastContentEnd(node: Node | Pair | null | undefined): number {
  if (!node) return 0;
  if ('key' in node && !('range' in node && node.range)) {
    const pair = node as Pair;
    return Math.max(lastContentEnd(pair.key as Node), lastContentEnd(pair.value as Node | null));
  }
  const n = node as Node;
  if ((isMap(n) || isSeq(n)) && !n.flow && n.items.length) return lastContentEnd(n.items[n.items.length - 1] as Node | Pair);
  return n.range ? n.range[1] : 0;
}

function ownPair(map: YAMLMap, key: string): Pair | undefined {
  return (map.items as Pair[]).find((p) => isScalar(p.key) && typeof p.key.value !== 'symbol' && String(p.key.value) === key);
}


function nest(path: ComposePath, value: unknown): unknown {
  let v = value;
  for (let i = path.length - 1; i >= 0; i--) v = typeof path[i] === 'number' ? [v] : { [path[i] as string]: v };
  return v;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isScalarValue(v: unknown): v is string | number | boolean | null {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function isEmptyScalar(node: Node | null): boolean {
  return node === null || (isScalar(node) && node.value === null);
}

function quoteOf(node: Scalar): Quote {
  return node.type === 'QUOTE_DOUBLE' ? '"' : node.type === 'QUOTE_SINGLE' ? "'" : '';
}

/** The quote style most items of a sequence use, so an added item looks like its siblings. */
function siblingQuote(items: readonly Node[]): Quote {
  const counts = { '"': 0, "'": 0, '': 0 } as Record<Quote, number>;
  for (const i of items) if (isScalar(i)) counts[quoteOf(i)]++;
  return (Object.keys(counts) as Quote[]).reduce((a, b) => (counts[b] > counts[a] ? b : a), '' as Quote);
}

/** YAML text of a scalar in the wanted quote style; plain only when it reads back the same. */
function scalarText(value: string | number | boolean | null, quote: Quote): string {
  if (typeof value !== 'string') return value === null ? 'null' : String(value);
  if (quote === "'" && !value.includes('\n')) return `'${value.replace(/'/g, "''")}'`;
  if (quote === '' ) {
    const plain = stringify(value, { lineWidth: 0 }).replace(/\n$/, '');
    if (plain === value) return plain;
  }
  return JSON.stringify(value);
}
