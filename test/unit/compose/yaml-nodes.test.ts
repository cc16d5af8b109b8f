import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAlias, parseDocument, visit, type Alias } from 'yaml';
import { aliasTarget, deref, mapEntries } from '../../../server/src/compose/yaml-nodes';

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
