import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { ONE_SHOT_V8_FLAGS, tuneV8For, v8FlagsFor } from '../../../server/src/cli/one-shot-v8';

const NODE_20_V8 = '11.3.244.8-node.38';
const NODE_24_V8 = '13.6.233.17-node.53';

test('one-shot commands inline less; the language server and help keep V8 defaults', () => {
  for (const command of ['check', 'model', 'dns']) {
    assert.deepEqual(v8FlagsFor(command, NODE_24_V8), ['--no-turbo-inlining', '--no-polymorphic-inlining']);
    assert.deepEqual(v8FlagsFor(command, NODE_20_V8), ['--max-inlined-bytecode-size=32', '--no-polymorphic-inlining', '--interrupt-budget=200000']);
  }
  for (const command of ['lsp', '--help', '--version', undefined]) {
    assert.deepEqual(v8FlagsFor(command, NODE_20_V8), []);
    assert.deepEqual(v8FlagsFor(command, NODE_24_V8), []);
  }
  const set: string[] = [];
  tuneV8For('check', (flag) => set.push(flag));
  tuneV8For('lsp', (flag) => set.push(flag));
  assert.deepEqual(set, v8FlagsFor('check'));
  // Any other V8 gets no inlining at all.
  assert.deepEqual(v8FlagsFor('check', '14.0.0'), ONE_SHOT_V8_FLAGS);
});

test("this Node's V8 knows each flag it is given and takes it at run time without a word", () => {
  // An unknown flag would print "Error: unrecognized flag" on every run of the CLI.
  const flags = v8FlagsFor('check');
  const options = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout;
  for (const flag of flags) assert.match(options, new RegExp(`^\\s+--${flag.replace(/^--(no-)?/, '').replace(/=.*/, '')} `, 'm'), flag);
  const run = spawnSync(process.execPath, ['-e', `for (const f of ${JSON.stringify(flags)}) require('node:v8').setFlagsFromString(f); process.stdout.write('ran')`], { encoding: 'utf8' });
  assert.equal(run.status, 0);
  assert.equal(run.stdout, 'ran');
  assert.equal(run.stderr, '');
});
