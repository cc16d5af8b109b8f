/** A module's `options` part, read on demand (a function: see ModuleEval.options). */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { evaluateModuleWith } from '../../../server/src/nix/module';
import { initNixParser, parseNixSync } from '../../../server/src/nix/parse';

before(() => initNixParser());

let n = 0;
function moduleOf(text: string) {
  return evaluateModuleWith(parseNixSync({ path: `/t/module-options-${n++}.nix`, kind: 'nix', text }), {});
}

test('options is the module function result\'s `options` attribute, the same lazy on every call', () => {
  const m = moduleOf('{ lib, ... }: { options.x = lib.mkOption { default = 3; }; config.y = 1; }');
  const first = m.options();
  assert.ok(first);
  assert.equal(first, m.options());
  const opts = first.force();
  assert.equal(opts.k, 'attrs');
  assert.deepEqual(opts.k === 'attrs' ? [...opts.attrs.keys()] : [], ['x']);
});

test('a module without options, or not an attribute set, has none', () => {
  assert.equal(moduleOf('{ networking.hostName = "a"; }').options(), undefined);
  assert.equal(moduleOf('42').options(), undefined);
});
