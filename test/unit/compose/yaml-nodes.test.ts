import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDocument } from 'yaml';
import { mapEntries } from '../../../server/src/compose/yaml-nodes';

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
