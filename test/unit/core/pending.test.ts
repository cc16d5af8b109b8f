import assert from 'node:assert/strict';
import { test } from 'node:test';
import { settled, settledCall, then } from '../../../server/src/core/pending';

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

test('settledCall passes its arguments on and turns a throw into a rejection', async () => {
  const sum = (a: number, b: number, c: number) => a + b + c;
  assert.equal(await settledCall(sum, 1, 2, 3), 6);
  const later = (a: string, b: string, _c: undefined) => Promise.resolve(a + b);
  assert.equal(await settledCall(later, 'p', 'q', undefined), 'pq');
  const boom = (_a: number, _b: number, _c: number): number => {
    throw new Error('boom');
  };
  const rejected = settledCall(boom, 1, 2, 3);
  assert.ok(rejected instanceof Promise);
  await assert.rejects(rejected, /boom/);
});
