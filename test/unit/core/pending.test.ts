import assert from 'node:assert/strict';
import { test } from 'node:test';
import { settled, then } from '../../../server/src/core/pending';

test('then runs at once on a known value and after the promise otherwise', async () => {
  const order: string[] = [];
  const now = then(2, (v) => (order.push(`now ${v}`), v * 10));
  assert.equal(now, 20);
  const later = then(Promise.resolve(3), (v) => (order.push(`later ${v}`), v * 10));
  order.push('after both calls');
  assert.ok(later instanceof Promise);
  assert.equal(await later, 30);
  assert.deepEqual(order, ['now 2', 'after both calls', 'later 3']);
  // A function returning a promise chains as `.then` does.
  assert.equal(await then(1, (v) => Promise.resolve(v + 1)), 2);
});

test('settled gives a promise either way, the same one when it is already a promise', async () => {
  const p = Promise.resolve('x');
  assert.equal(settled(p), p);
  const known = settled('y');
  assert.ok(known instanceof Promise);
  assert.equal(await known, 'y');
});
