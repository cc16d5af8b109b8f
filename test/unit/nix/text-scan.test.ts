/**
 * The text scanner read directly: which strings, nestings and key prefixes it accepts, and
 * that every scanned value has the same fields whatever its kind.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ScannedLiteral } from '../../../server/src/nix/text-scan';
import { scanBindingValue, scanKeys, scanModuleSet, skipBlanks, skipLayout } from '../../../server/src/nix/text-scan';

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
  assert.deepEqual(keys('a . b . c = 1;'), [['a', 'b', 'c'], true, 11]);
  assert.deepEqual(keys('a . "q.r"\t= 1;'), [['a', 'q.r'], true, 11]);
  assert.deepEqual(keys('a . if = 1;'), [['a'], false, -1]);
  assert.deepEqual(keys('a.b # c\n = 1;'), undefined);
  // At the text's end: after `=`, before a key that never comes, or with nothing after a key.
  assert.deepEqual(keys('a.b ='), [['a', 'b'], true, 5]);
  assert.deepEqual(keys('a.b.'), [['a', 'b'], false, -1]);
  assert.deepEqual(keys('a.b '), undefined);
  assert.deepEqual(keys(''), undefined);
});

test('blanks and layout are skipped up to the text end, never past it', () => {
  assert.equal(skipBlanks('a \t\r\n', 1), 5);
  assert.equal(skipBlanks('a  ', 3), 3);
  assert.equal(skipBlanks('a', 5), 5); // a start past the end is returned as it is
  assert.equal(skipBlanks('a \u00a0', 1), 2); // only ASCII blanks
  assert.equal(skipLayout('{ } # last line', 3), 15);
  assert.equal(skipLayout('{ } # c\n  ', 3), 10);
  assert.equal(skipLayout('{ } /* c */\n', 3), 12);
  assert.equal(skipLayout('{ } /* open', 3), 11);
  assert.equal(skipLayout('{ } / x', 3), 4);
  assert.equal(skipLayout('{ } x', 3), 4);
});

test('every scanned value has the same fields, whatever its kind', () => {
  const set = scanModuleSet('{ a = "s"; b = 1; c = ./p; d = x; e = [ 1 ]; f = { g = 2; }; }', 0)!;
  const values: ScannedLiteral[] = [set, ...set.bindings.map((b) => b.value)];
  assert.deepEqual(values.map((v) => v.kind), ['set', 'string', 'int', 'path', 'var', 'list', 'set']);
  for (const v of values) assert.deepEqual(Object.keys(v), ['kind', 'start', 'end', 'items', 'bindings']);
  assert.deepEqual(values.map((v) => [v.items.length, v.bindings.length]), [[0, 6], [0, 0], [0, 0], [0, 0], [0, 0], [1, 0], [0, 1]]);
});
