import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RestartPolicy } from '../../../client/src/restart-policy';

test('a crashed server is restarted every time; the user is told once', () => {
  const p = new RestartPolicy(5, 180_000);
  assert.deepEqual(p.onCrash(0), { restart: true, notify: true });
  assert.deepEqual(p.onCrash(200_000), { restart: true, notify: false });
  assert.deepEqual(p.onCrash(400_000), { restart: true, notify: false });
});

test('a crash loop (more than 5 crashes within 3 minutes) stops the restarts and says why', () => {
  const p = new RestartPolicy(5, 180_000);
  for (let i = 0; i < 5; i++) assert.equal(p.onCrash(i * 1000).restart, true);
  const d = p.onCrash(5000);
  assert.equal(d.restart, false);
  assert.equal(d.notify, true);
  assert.match(d.restart ? '' : d.reason, /6 times in 3 minutes/);
});

test('old crashes fall out of the window', () => {
  const p = new RestartPolicy(2, 1000);
  p.onCrash(0);
  p.onCrash(10);
  assert.equal(p.onCrash(5000).restart, true, 'the first two are older than the window');
});
