/** sameData: equality of the model's plain data, and "different" for anything it cannot read as data. */
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { test } from 'node:test';
import { sameData } from '../../../server/src/engine/same-data';

test('plain data: equal exactly when node:util deep-strict-equal says so', () => {
  const at = (line: number) => ({ file: '/w/a.nix', range: { start: { line, character: 2 }, end: { line, character: 9 } } });
  const host = (line: number, extra: Record<string, unknown> = {}) => ({ id: 'h', names: [{ name: 'a.example', at: at(line) }], ports: [22, 80], v6: null, ...extra });
  const cases: [unknown, unknown][] = [
    [host(1), host(1)],
    [host(1), host(2)],
    [host(1), host(1, { extra: undefined })],
    [host(1, { extra: undefined }), host(1, { other: undefined })],
    [host(1), { ...host(1), ports: [22] }],
    [host(1), { ...host(1), ports: [80, 22] }],
    [host(1), { ...host(1), ports: { 0: 22, 1: 80 } }],
    [[], {}],
    [[1, [2, [3]]], [1, [2, [3]]]],
    [[1, [2, [3]]], [1, [2, [4]]]],
    [NaN, NaN],
    [null, undefined],
    [null, {}],
    ['1', 1],
    [{ a: 1, b: 2 }, { b: 2, a: 1 }],
  ];
  for (const [a, b] of cases) {
    assert.equal(sameData(a, b), isDeepStrictEqual(a, b), JSON.stringify([a, b]));
    assert.equal(sameData(b, a), sameData(a, b), 'symmetric');
  }
  // As ===: the model's numbers come from text, and no output tells the two apart.
  assert.equal(sameData(0, -0), true);
});

test('objects that are not plain data are equal only to themselves', () => {
  const m = new Map([['a', 1]]);
  assert.equal(sameData(m, m), true);
  assert.equal(sameData(new Map([['a', 1]]), new Map([['a', 2]])), false);
  assert.equal(sameData(new Set([1]), new Set([1])), false);
  assert.equal(sameData(new Date(0), new Date(0)), false);
  class Point {
    constructor(readonly x: number) {}
  }
  assert.equal(sameData(new Point(1), new Point(1)), false);
  assert.equal(sameData({ p: new Point(1) }, { p: new Point(1) }), false);
  assert.equal(sameData(Object.assign(Object.create(null) as object, { a: 1 }), { a: 1 }), false);
});
