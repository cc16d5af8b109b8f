import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { matchedRuns, splitItems } from '../../../server/src/postfix/items';

describe('splitItems', () => {
  test('separators, groups and placeholders', () => {
    assert.deepEqual(splitItems(' a, b\tc\r\n,,d '), [
      { text: 'a', start: 1, end: 2 },
      { text: 'b', start: 4, end: 5 },
      { text: 'c', start: 6, end: 7 },
      { text: 'd', start: 11, end: 12 },
    ]);
    assert.deepEqual(splitItems('x { a, b } y').map((i) => i.text), ['x', '{ a, b }', 'y']);
    assert.deepEqual(splitItems('a{{ B, C }}d e', [{ start: 1, end: 11 }]).map((i) => i.text), ['a{{ B, C }}d', 'e']);
  });

  test('values without groups or placeholders split as the general scan splits them', () => {
    // A placeholder span beyond the value matches nothing but sends the value through the
    // general character scan: both paths must find the same items.
    let seed = 7;
    const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) / (1 << 24);
    for (let n = 0; n < 3000; n++) {
      let value = '';
      for (let k = Math.floor(next() * 40); k > 0; k--) value += ', \t\r\nab:[]/\u00a0\v}'[Math.floor(next() * 14)];
      const nowhere = [{ start: value.length + 1, end: value.length + 2 }];
      assert.deepEqual(splitItems(value), splitItems(value, nowhere), JSON.stringify(value));
    }
  });
});

describe('matchedRuns', () => {
  test('every run with its offsets, the same on every call with one regex (its position is reset)', () => {
    const run = /[^, ]+/g;
    const want = [
      { text: 'a', start: 0, end: 1 },
      { text: 'bc', start: 3, end: 5 },
    ];
    assert.deepEqual(matchedRuns('a, bc', run), want);
    assert.deepEqual(matchedRuns('a, bc', run), want);
    run.lastIndex = 2; // left elsewhere mid-text: still read from the start
    assert.deepEqual(matchedRuns('a, bc', run), want);
    assert.deepEqual(matchedRuns(' ,, ', run), []);
  });
});
