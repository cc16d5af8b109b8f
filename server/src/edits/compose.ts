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
 */
import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { isMap, isScalar, isSeq, parseDocument, stringify, type Document, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { mapEntries } from '../compose/yaml-nodes';
import type { FileEdit } from '../core/finding';
import { LineIndex } from '../core/text';
import { formatIpv6Groups } from '../core/ipv6-text';

export interface ComposeText {
  /** Absolute path with `/` separators (goes into the FileEdits). */
  readonly path: string;
  readonly text: string;
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
  ) {
    this.lines = new LineIndex(text);
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
    const yaml = stringify(value, { indent: this.style.indent, indentSeq: this.style.indentSeq, lineWidth: 0 }).replace(/\n$/, '');
    const pad = ' '.repeat(indent);
    return yaml.split('\n').map((l) => (l ? pad + l : l)).join('\n');
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
  const doc = parseDocument(file.text, { merge: true });
  if (doc.errors.length) return undefined;
  const editor = new Editor(file.text, doc);
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
  return toFileEdits(file.path, editor);
}

function toFileEdits(path: string, editor: Editor): FileEdit[] {
  // Insertions at one offset become one edit: deeper (inner) text first.
  const sorted = [...editor.edits].sort((a, b) => a.start - b.start || b.depth - a.depth);
  const merged: RawEdit[] = [];
  for (const e of sorted) {
    const last = merged[merged.length - 1];
    if (last && last.start === e.start && last.end === e.start && e.end === e.start) {
      merged[merged.length - 1] = { ...last, text: last.text + e.text };
    } else merged.push(e);
  }
  return merged.map((e) => ({ file: path, range: editor.lines.range(e.start, e.end), newText: e.text }));
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
  const deltas = new Map<number, number>();
  let indentSeq: boolean | undefined;
  const col = (o: number) => lines.position(o).character;
  const walk = (node: unknown, keyCol: number | undefined) => {
    if (isMap(node) && !node.flow) {
      const pairs = node.items as Pair[];
      const first = pairs[0]?.key as Node | undefined;
      if (first?.range && keyCol !== undefined && col(first.range[0]) > keyCol) {
        const d = col(first.range[0]) - keyCol;
        deltas.set(d, (deltas.get(d) ?? 0) + 1);
      }
      for (const p of pairs) if ((p.key as Node)?.range) walk(p.value, col((p.key as Node).range![0]));
    } else if (isSeq(node) && !node.flow) {
      if (keyCol !== undefined && indentSeq === undefined && node.range) indentSeq = col(node.range[0]) > keyCol;
      for (const i of node.items) walk(i, undefined);
    }
  };
  walk(doc.contents, undefined);
  // Top-level sections separated by blank lines (as most compose files are).
  const root = doc.contents;
  let blank = false;
  if (isMap(root)) {
    for (const p of (root.items as Pair[]).slice(1)) {
      const line = lines.position((p.key as Node).range![0]).line;
      if (line > 0 && lines.lineText(line - 1).trim() === '') blank = true;
    }
  }
  // The most common nesting step: files often indent `services:` children differently.
  const indent = [...deltas].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
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
