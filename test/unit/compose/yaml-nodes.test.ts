import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Document, isAlias, isScalar, parseDocument, visit, type Alias } from 'yaml';
import { aliasTarget, COMPOSE_PARSE_OPTIONS, deref, mapEntries } from '../../../server/src/compose/yaml-nodes';

const parse = (text: string) => parseDocument(text, { merge: true, uniqueKeys: true });

test('mapEntries: each entry carries the key as compose reads it, also for resolved scalars', () => {
  const doc = parse('a: 1\n1.0: x\n0x10: y\ntrue: z\n~: n\n');
  const entries = mapEntries(doc, doc.contents);
  assert.deepEqual([...entries.keys()], ['a', '1', '16', 'true', 'null']);
  for (const [k, e] of entries) assert.equal(e.name, k);
});

test('mapEntries: a repeated key keeps its first place and its last value, with or without merge keys', () => {
  const value = (e: { value: unknown } | undefined) => String((e?.value as { value?: unknown }).value);
  const plain = parse('a: 1\nb: 2\na: 3\n');
  const p = mapEntries(plain, plain.contents);
  assert.deepEqual([...p.keys()], ['a', 'b']);
  assert.equal(value(p.get('a')), '3');
  // Not a merge key: a quoted `<<` is an ordinary key.
  const quoted = parse('"<<": 1\nb: 2\n');
  assert.deepEqual([...mapEntries(quoted, quoted.contents).keys()], ['<<', 'b']);
  const merged = parse('base: &b\n  x: 1\nm:\n  y: 1\n  <<: *b\n  y: 2\n');
  const m = mapEntries(merged, mapEntries(merged, merged.contents).get('m')!.value);
  assert.deepEqual([...m.keys()], ['x', 'y']);
  assert.equal(value(m.get('y')), '2');
});

test('mapEntries: merged entries come first, own keys override them in place', () => {
  const doc = parse('base: &b\n  x: 1\n  y: 2\nm:\n  z: 0\n  <<: *b\n  y: 3\n');
  const m = mapEntries(doc, mapEntries(doc, doc.contents).get('m')!.value);
  assert.deepEqual(
    [...m.values()].map((e) => [e.name, String((e.value as { value?: unknown }).value)]),
    [
      ['x', '1'],
      ['y', '3'],
      ['z', '0'],
    ],
  );
});

/** Every alias of a document, in document order. */
function aliasesOf(doc: ReturnType<typeof parse>): Alias[] {
  const out: Alias[] = [];
  visit(doc, { Alias: (_key, node) => void out.push(node) });
  return out;
}

test('aliasTarget: finds for every alias the node the yaml library resolves it to', () => {
  const texts = [
    // A name anchored twice: each alias takes the last anchor before it.
    'a: &x 1\nb: *x\nc: &x 2\nd: *x\ne: [*x, &x 3, *x]\n',
    // An alias before its anchor, and one to a name never anchored: nothing.
    'a: *late\nb: &late 1\nc: *never\n',
    // Anchors on keys, on maps and sequences, inside flow collections, and merge keys.
    '? &k key\n: v\nm: &m { a: 1, b: [&s 2, 3] }\nn:\n  <<: *m\n  c: *s\nk2: *k\nl: &l [*m, *s]\no: *l\n',
    // An anchored alias target that is itself reached through an alias.
    'base: &b\n  env: &e { TZ: UTC }\nsvc:\n  <<: *b\n  environment: *e\nother: *b\n',
  ];
  for (const text of texts) {
    const doc = parse(text);
    const aliases = aliasesOf(doc);
    assert.ok(aliases.length > 0, text);
    for (const alias of aliases) assert.equal(aliasTarget(doc, alias), alias.resolve(doc), `${text}: *${alias.source}`);
  }
});

test('deref: follows an alias to its anchored node and leaves other nodes as they are', () => {
  const doc = parse('a: &x { k: v }\nb: *x\nc: *missing\nd: plain\n');
  const entries = mapEntries(doc, doc.contents);
  assert.equal(entries.get('b')!.value, entries.get('a')!.value);
  // Unresolvable: null, as for an empty value.
  assert.equal(entries.get('c')!.value, null);
  assert.equal(deref(doc, null), null);
  const d = entries.get('d')!.value;
  assert.ok(d && !isAlias(d));
  assert.equal(deref(doc, d), d);
});

test('aliasTarget: an alias that is not part of the document is resolved by the library', () => {
  const doc = parse('a: &x 1\nb: *x\n');
  const inDoc = aliasesOf(doc)[0];
  // A copy of the alias node: the same source, but not a node of this document's tree.
  const detached = inDoc.clone() as Alias;
  assert.equal(aliasTarget(doc, detached), detached.resolve(doc));
  assert.ok(aliasTarget(doc, detached) !== undefined);
});

// COMPOSE_PARSE_OPTIONS puts the string tag first for plain scalars that start with none of the
// characters a typed plain scalar can start with, worked out from these very tags. Should the
// library change them, this fails: work the character class out again (yaml-nodes.ts).
test('COMPOSE_PARSE_OPTIONS: the tags the plain-string shortcut was worked out from are the library\'s', () => {
  const typed = (version: '1.1' | '1.2') =>
    (new Document(null, { version, merge: true }).schema.tags as { tag: string; default?: unknown; test?: RegExp; collection?: string }[])
      .filter((t) => t.default && t.test && !t.collection)
      .map((t) => `${t.tag.replace('tag:yaml.org,2002:', '')} /${t.test!.source}/${t.test!.flags}`);
  assert.deepEqual(typed('1.2'), [
    'null /^(?:~|[Nn]ull|NULL)?$/',
    'bool /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/',
    'int /^0o[0-7]+$/',
    'int /^[-+]?[0-9]+$/',
    'int /^0x[0-9a-fA-F]+$/',
    'float /^(?:[-+]?\\.(?:inf|Inf|INF)|\\.nan|\\.NaN|\\.NAN)$/',
    'float /^[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)[eE][-+]?[0-9]+$/',
    'float /^[-+]?(?:\\.[0-9]+|[0-9]+\\.[0-9]*)$/',
    'merge /^<<$/',
  ]);
  assert.deepEqual(typed('1.1'), [
    'null /^(?:~|[Nn]ull|NULL)?$/',
    'bool /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/',
    'bool /^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/',
    'int /^[-+]?0b[0-1_]+$/',
    'int /^[-+]?0[0-7_]+$/',
    'int /^[-+]?[0-9][0-9_]*$/',
    'int /^[-+]?0x[0-9a-fA-F_]+$/',
    'float /^(?:[-+]?\\.(?:inf|Inf|INF)|\\.nan|\\.NaN|\\.NAN)$/',
    'float /^[-+]?(?:[0-9][0-9_]*)?(?:\\.[0-9_]*)?[eE][-+]?[0-9]+$/',
    'float /^[-+]?(?:[0-9][0-9_]*)?\\.[0-9_]*$/',
    'merge /^<<$/',
    'int /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$/',
    'float /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*$/',
    'timestamp /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:t|T|[ \\t]+)([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}(\\.[0-9]+)?)(?:[ \\t]*(Z|[-+][012]?[0-9](?::[0-9]{2})?))?)?$/',
  ]);
});

test('COMPOSE_PARSE_OPTIONS: the same nodes, errors and warnings as the library\'s own tag order', () => {
  const plainOptions = { merge: true, prettyErrors: false, uniqueKeys: true };
  const shape = (text: string, options: object) => {
    const doc = parseDocument(text, options);
    const nodes: unknown[] = [];
    visit(doc, {
      Node(_key, n) {
        if (!isScalar(n)) return void nodes.push([n.constructor.name, n.range]);
        const v = n.value;
        const value = typeof v === 'symbol' ? v.description : typeof v === 'bigint' || v instanceof Date || v instanceof Uint8Array ? String(v) : v;
        nodes.push([typeof v, value, n.type, n.tag, n.format, n.minFractionDigits, n.source, n.range]);
      },
    });
    const problems = (list: readonly { code: string; message: string; pos: unknown }[]) => list.map((e) => [e.code, e.message, e.pos]);
    return JSON.stringify([nodes, problems(doc.errors), problems(doc.warnings)]);
  };
  // Pieces of every typed form of both schemas and of what they are not, joined at random.
  const pieces = ['~', 'n', 'N', 'ull', 'L', 't', 'T', 'rue', 'f', 'F', 'alse', 'y', 'Y', 'es', 'o', 'O', 'n', 'ff', 'e', 'E', 'x', 'b', 'a',
    '0', '1', '7', '9', '_', ':', '.', '+', '-', '<', '<<', 'inf', 'nan', ' ', '#', '@', '!', '&', '*', '|', '>', '=', "'", '"', '[', '{',
    ',', '%', '?', '/', '\\', '\t', '\u00e9', '\u00a0', '0x', '0o', '0b', '2001-12-14', '1:30', 'abc', 'e+1', 'E-2', 'e_', '12345'];
  // Every pair of pieces (`e1` is a float in YAML 1.1), then longer ones at random.
  const words = pieces.flatMap((a) => pieces.map((b) => a + b));
  let seed = 7;
  const random = (k: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % k;
  for (let i = 0; i < 1000; i++) words.push(pieces[random(pieces.length)] + pieces[random(pieces.length)] + pieces[random(pieces.length)]);
  const texts = words.flatMap((s) => [
    `k: ${s}\n${s}: v\nl:\n- ${s}\n`,
    `%YAML 1.1\n---\nk: ${s}\n${s}: {${s}: ${s}}\n`,
    `- !!str ${s}\n- !!bool ${s}\n- !!float ${s}\n- !!merge ${s}\n`,
  ]);
  for (const text of texts) assert.equal(shape(text, COMPOSE_PARSE_OPTIONS), shape(text, plainOptions), text);
});
