// mapInOrder replaces rules' sequential walks: same results in the same order, a bounded
// number of calls in progress, and on failure the error a loop would have thrown.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ahead, allAhead, mapInOrder } from '../../../server/src/rules/support/in-order';

/** A call per item that finishes after `delays[item]` turns of the event loop. */
function delayed(delays: readonly number[], log: string[]) {
  let running = 0;
  let most = 0;
  const fn = async (i: number): Promise<string> => {
    log.push(`start ${i}`);
    running++;
    most = Math.max(most, running);
    for (let t = 0; t < delays[i]; t++) await new Promise((r) => setImmediate(r));
    running--;
    return `r${i}`;
  };
  return { fn, most: () => most };
}

test('results come in item order however the calls finish', async () => {
  const delays = [5, 1, 3, 1, 4, 2, 2];
  const items = delays.map((_, i) => i);
  for (const window of [1, 2, 3, 16]) {
    const log: string[] = [];
    const d = delayed(delays, log);
    assert.deepEqual(await mapInOrder(items, window, d.fn), items.map((i) => `r${i}`));
    assert.equal(d.most(), Math.min(window, items.length), `window ${window}`);
    // Items start in order.
    assert.deepEqual(log, items.map((i) => `start ${i}`));
  }
  assert.deepEqual(await mapInOrder([], 4, async () => 1), []);
});

test('window 1 is the plain loop: each call starts after the one before finished', async () => {
  const events: string[] = [];
  await mapInOrder([0, 1, 2], 1, async (i) => {
    events.push(`start ${i}`);
    await new Promise((r) => setImmediate(r));
    events.push(`end ${i}`);
  });
  assert.deepEqual(events, ['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
});

test('the first failing item in item order is thrown, later items are not started', async () => {
  const started: number[] = [];
  // Item 3 fails at once, item 1 fails later: a loop would have thrown item 1's error.
  const delays = [2, 6, 1, 0, 0, 0, 0, 0];
  const run = mapInOrder(delays.map((_, i) => i), 4, async (i) => {
    started.push(i);
    for (let t = 0; t < delays[i]; t++) await new Promise((r) => setImmediate(r));
    if (i === 1 || i === 3) throw new Error(`item ${i}`);
    return i;
  });
  await assert.rejects(run, /item 1/);
  // 0–3 fill the window; once 3 has failed, nothing after it starts.
  assert.deepEqual(started, [0, 1, 2, 3]);
});

test('ahead: a promise awaited later does not count as an unhandled rejection', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  try {
    const later = ahead(Promise.reject(new Error('late')));
    await new Promise((r) => setImmediate(r));
    await assert.rejects(later, /late/);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

test('allAhead: asks every item at once, answers in item order; no items share one settled empty answer', async () => {
  const asked: number[] = [];
  const answers = allAhead([3, 1, 2], async (i) => {
    asked.push(i);
    await new Promise((r) => setImmediate(r));
    return i * 10;
  });
  assert.deepEqual(asked, [3, 1, 2]);
  assert.deepEqual(await answers, [30, 10, 20]);
  const none = allAhead([], async () => 1);
  assert.equal(none, allAhead([], async () => 2));
  assert.deepEqual(await none, []);
  assert.ok(Object.isFrozen(await none));
  // A failure is handled until awaited, then thrown.
  const failing = allAhead([1], async () => {
    throw new Error('no answer');
  });
  await new Promise((r) => setImmediate(r));
  await assert.rejects(failing, /no answer/);
});
