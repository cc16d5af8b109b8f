// sameLocation replaced a set of JSON.stringify(location) keys: equal exactly when those keys were.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Location } from '../../../server/src/core/text';
import { sameLocation } from '../../../server/src/core/text';

const loc = (file: string, l1: number, c1: number, l2: number, c2: number): Location => ({ file, range: { start: { line: l1, character: c1 }, end: { line: l2, character: c2 } } });

test('sameLocation compares file and every bound of the range', () => {
  const base = loc('/w/compose.yaml', 3, 10, 3, 24);
  const variants = [
    base,
    loc('/w/compose.yaml', 3, 10, 3, 24),
    loc('/w/compose.override.yaml', 3, 10, 3, 24),
    loc('/w/compose.yaml', 4, 10, 3, 24),
    loc('/w/compose.yaml', 3, 11, 3, 24),
    loc('/w/compose.yaml', 3, 10, 4, 24),
    loc('/w/compose.yaml', 3, 10, 3, 25),
    // Same numbers in other fields: a key that concatenated them carelessly could collide.
    loc('/w/compose.yaml', 10, 3, 24, 3),
  ];
  for (const a of variants) {
    for (const b of variants) assert.equal(sameLocation(a, b), JSON.stringify(a) === JSON.stringify(b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  }
  assert.equal(sameLocation(base, variants[1]), true);
});
