/**
 * Small helpers over `yaml` nodes that keep source ranges: block maps with merge keys
 * (`<<: *anchor`) and aliases resolved, and the exact offsets of a scalar's text.
 */
import { isAlias, isCollection, isMap, isScalar, isSeq, visit, type Alias, type Document, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from './yaml-lib';
import type { ScalarTag, SchemaOptions } from 'yaml';

/** The schema's tag list, as `customTags` receives and returns it. */
type Tags = Parameters<Extract<SchemaOptions['customTags'], (tags: never) => unknown>>[0];

export interface Entry {
  /** The key as compose reads it (`String` of the resolved key). */
  readonly name: string;
  readonly key: Scalar;
  /** Null for `key:` with nothing after it. */
  readonly value: Node | null;
}

/** Follows aliases (`*name`) to the anchored node. */
export function deref(doc: Document, node: unknown): Node | null {
  let n = node as Node | null | undefined;
  for (let i = 0; i < 16 && n && isAlias(n); i++) n = aliasTarget(doc, n);
  return n ?? null;
}

/**
 * Each alias of a document with the node it stands for, found in one walk of the document:
 * the last node anchored with its name before it, in document order, as `Alias.resolve`
 * finds it. `resolve(doc)` walks the whole document for every alias it is asked about, so a
 * compose file with thousands of aliases took minutes (4,000 in 310 KB: 57 s).
 */
const aliasTargets = new WeakMap<Document, Map<Alias, Node | undefined>>();

export function aliasTarget(doc: Document, alias: Alias): Node | undefined {
  let targets = aliasTargets.get(doc);
  if (!targets) {
    const found = new Map<Alias, Node | undefined>();
    const latest = new Map<string, Node>();
    visit(doc, {
      Node(_key, node) {
        if (isAlias(node)) found.set(node, latest.get(node.source));
        else if ((isScalar(node) || isCollection(node)) && node.anchor) latest.set(node.anchor, node);
      },
    });
    aliasTargets.set(doc, (targets = found));
  }
  // An alias outside the document's tree (not one the analysis reads) is the library's to find.
  return targets.has(alias) ? targets.get(alias) : (alias.resolve(doc) as Node | undefined);
}

/**
 * A plain scalar's type comes from the first of the schema's tags whose test matches its text
 * (null, booleans, the integer and float forms, `<<`); a string is what matches none. In the
 * core (YAML 1.2) and YAML 1.1 schemas (a unit test pins the library's tags this was worked out
 * from) each of those tests only matches text that
 * - is empty or starts with one of `~ N n Y y T t O o F f E e 0-9 + - . <`;
 * - if it starts with `E`/`e`, goes on with a digit, `+` or `-` (1.1 reads `e1` as a float);
 * - if it starts with one of `N n Y y T t O o F f`, is a word of at most five letters (`null`,
 *   `true`, `false`, 1.1's `yes`, `no`, `on`, `off`, `y`, `n`).
 * Most plain scalars of a compose file (keys, images, host names, `environment`) are none of
 * these: the string tag, put first with a test for exactly them, answers at once instead of
 * after eight failing regular expressions. Same tag, same resolution, same nodes (the
 * 1,600-host fleet's 12,416 plain scalars: 776 still go through the library's tests).
 */
const PLAIN_STRING = /^(?:[^~NnYyTtOoFfEe0-9+\-.<]|[Ee](?![0-9+-])|[NnYyTtOoFf][^]{5})/;

const isStringTag = (t: Tags[number]): t is ScalarTag => typeof t === 'object' && t.tag === 'tag:yaml.org,2002:str';

/** The library's string tag and its copy with PLAIN_STRING, made once (every document asks). */
let plainString: { readonly of: ScalarTag; readonly tag: ScalarTag } | undefined;

function plainStringsFirst(tags: Tags): Tags {
  const str = tags.find(isStringTag);
  if (!str) return tags;
  if (plainString?.of !== str) plainString = { of: str, tag: { ...str, test: PLAIN_STRING } };
  return ([plainString.tag] as Tags).concat(tags);
}

/** How the compose analysis parses a file: `<<` merges as compose reads them, duplicate keys reported. */
export const COMPOSE_PARSE_OPTIONS = { merge: true, prettyErrors: false, uniqueKeys: true, customTags: plainStringsFirst } as const;

function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol' && key.source === '<<';
}

function hasMergeKey(pairs: readonly Pair<unknown, unknown>[]): boolean {
  for (const pair of pairs) if (isMergeKey(pair.key)) return true;
  return false;
}

/**
 * The entries of a map by key, as compose sees them: merge keys contribute entries that the
 * map's own keys override. Entries from a merge keep the ranges of the anchored text.
 */
export function mapEntries(doc: Document, node: unknown, depth = 0): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const map = deref(doc, node);
  if (!isMap(map) || depth > 16) return out;
  const pairs = (map as YAMLMap<unknown, unknown>).items as Pair<unknown, unknown>[];
  // Most maps have no merge key: their own entries go straight in (a later duplicate wins).
  if (!hasMergeKey(pairs)) {
    for (const pair of pairs) {
      if (!isScalar(pair.key)) continue;
      const name = String(pair.key.value);
      out.set(name, { name, key: pair.key, value: deref(doc, pair.value) });
    }
    return out;
  }
  const own: Entry[] = [];
  for (const pair of pairs) {
    if (isMergeKey(pair.key)) {
      const source = deref(doc, pair.value);
      const sources = isSeq(source) ? source.items : [source];
      for (const s of sources) for (const e of mapEntries(doc, s, depth + 1).values()) if (!out.has(e.name)) out.set(e.name, e);
      continue;
    }
    if (!isScalar(pair.key)) continue;
    own.push({ name: String(pair.key.value), key: pair.key, value: deref(doc, pair.value) });
  }
  for (const e of own) out.set(e.name, e);
  return out;
}

export function seqItems(doc: Document, node: unknown): Node[] {
  const seq = deref(doc, node);
  if (!isSeq(seq)) return [];
  return (seq as YAMLSeq<unknown>).items.map((i) => deref(doc, i)).filter((i): i is Node => i !== null);
}

/** Scalar value as a string (numbers and booleans as YAML wrote them); undefined for null/collections. */
export function scalarString(node: Node | null): string | undefined {
  if (!node || !isScalar(node) || node.value === null || node.value === undefined) return undefined;
  if (typeof node.value === 'string') return node.value;
  // Keep `08:00`-like plain text exactly as written rather than a re-formatted number.
  if (node.type === 'PLAIN' && typeof node.source === 'string' && node.source !== '') return node.source;
  return String(node.value);
}

/** [start, end) of a node's own text (quotes included, trailing comments excluded). */
export function nodeSpan(node: Node): [number, number] {
  const r = node.range ?? [0, 0, 0];
  return [r[0], r[1]];
}

/**
 * Offset of the first character of a scalar's value inside the file, when value characters
 * map one to one onto source characters (plain, or quoted without escapes on one line);
 * otherwise undefined, and callers point at the whole node.
 */
export function scalarContentStart(text: string, node: Scalar): number | undefined {
  if (!node.range || typeof node.value !== 'string') return undefined;
  const [start, end] = node.range;
  const src = text.slice(start, end);
  if (node.type === 'PLAIN') return src === node.value ? start : undefined;
  if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') {
    return src.slice(1, -1) === node.value ? start + 1 : undefined;
  }
  return undefined;
}
