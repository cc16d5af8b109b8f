/**
 * The text scanner read directly: which strings, nestings and key prefixes it accepts, and
 * that every scanned value has the same fields whatever its kind.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ScannedLiteral } from '../../../server/src/nix/text-scan';
import { scanBindingValue, scanKeys, scanModuleSet } from '../../../server/src/nix/text-scan';

const kindOf = (text: string) => scanBindingValue(text, 0)?.value.kind ?? '-';

test('a string is declined at an escape or at `${`, and only there', () => {
  const strings: [string, string][] = [
    ['"a$"', 'string'],
    ['"$"', 'string'],
    ['"$$"', 'string'],
    ['"$ {"', 'string'],
    ['"{$"', 'string'],
    ['"{"', 'string'],
    ['"a ${b}"', '-'],
    ['"$${b}"', '-'],
    ['"${"', '-'],
    ['"a\\"b"', '-'],
    ['"a', '-'], // unterminated
  ];
  assert.deepEqual(
    strings.map(([s]) => [s, kindOf(` ${s} ;`)]),
    strings,
  );
});

test('sets and lists are scanned 32 deep, lists never directly inside lists', () => {
  const sets = (depth: number) => `${'{ a = '.repeat(depth)}1;${' };'.repeat(depth - 1)} }`;
  assert.equal(kindOf(`${sets(32)};`), 'set');
  assert.equal(kindOf(`${sets(33)};`), '-');
  assert.equal(kindOf('[ { a = [ 1 ]; } ];'), 'list');
  assert.equal(kindOf('[ [ 1 ] ];'), '-');
  assert.equal(kindOf('[ 1 x ./p "s" ];'), 'list');
  // A module's own set counts as the first level.
  assert.ok(scanModuleSet(`{ b = ${sets(31)}; }`, 0));
  assert.equal(scanModuleSet(`{ b = ${sets(32)}; }`, 0), undefined);
});

test('keys: complete up to `=`, a prefix before a key that is not plain, or nothing', () => {
  const keys = (text: string) => {
    const s = scanKeys(text, 0);
    return s && [s.keys.map((k) => k.name), s.complete, s.valueFrom];
  };
  assert.deepEqual(keys('a.b = 1;'), [['a', 'b'], true, 5]); // just after `=`
  assert.deepEqual(keys('a."${x}" = 1;'), [['a'], false, -1]);
  assert.deepEqual(keys('a b = 1;'), undefined);
  assert.deepEqual(keys('if = 1;'), undefined);
});

test('every scanned value has the same fields, whatever its kind', () => {
  const set = scanModuleSet('{ a = "s"; b = 1; c = ./p; d = x; e = [ 1 ]; f = { g = 2; }; }', 0)!;
  const values: ScannedLiteral[] = [set, ...set.bindings.map((b) => b.value)];
  assert.deepEqual(values.map((v) => v.kind), ['set', 'string', 'int', 'path', 'var', 'list', 'set']);
  for (const v of values) assert.deepEqual(Object.keys(v), ['kind', 'start', 'end', 'items', 'bindings']);
  assert.deepEqual(values.map((v) => [v.items.length, v.bindings.length]), [[0, 6], [0, 0], [0, 0], [0, 0], [0, 0], [1, 0], [0, 1]]);
});
