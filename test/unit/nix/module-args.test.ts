/** Module arguments are made when a module first reads a formal: the values it reads are the same. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { evaluateModule } from '../../../server/src/nix/module';
import { initNixParser, parseNixSync } from '../../../server/src/nix/parse';
import type { NixValue } from '../../../server/src/nix/values';

before(() => initNixParser());

let n = 0;
function configOf(text: string): NixValue {
  return evaluateModule(parseNixSync({ path: `/t/module-args-${n++}.nix`, kind: 'nix', text })).config.force();
}

function attr(v: NixValue, key: string): NixValue {
  assert.equal(v.k, 'attrs');
  const a = v.k === 'attrs' ? v.attrs.get(key) : undefined;
  assert.ok(a, `no attribute ${key}`);
  return a.value.force();
}

test('each formal reads its module argument, whichever is read first', () => {
  const text = '{ config, lib, pkgs, modulesPath, custom, ... }: { a = pkgs; b = custom; c = lib.mkDefault 1; d = modulesPath; e = config; }';
  const config = configOf(text);
  // Read in an order other than the formals' (the argument set is made by the first read).
  const b = attr(config, 'b');
  assert.equal(b.k, 'unknown');
  assert.equal(b.k === 'unknown' && b.reason, "module argument 'custom' is given outside the file (specialArgs, _module.args)");
  const a = attr(config, 'a');
  assert.equal(a.k === 'unknown' && a.reason, "packages ('pkgs') are not evaluated");
  const c = attr(config, 'c');
  assert.deepEqual(c.k === 'int' && [c.n, c.priority], [1, 1000]);
  const d = attr(config, 'd');
  assert.equal(d.k === 'path' && d.external, '<modulesPath>');
  const e = attr(config, 'e');
  assert.deepEqual(e.k === 'unknown' && [e.reason, e.configPath], ['config', []]);
  // Arguments carry the span of the module function.
  assert.deepEqual({ start: a.at.start, end: a.at.end }, { start: 0, end: text.length });
});

test('a module that never reads its formals evaluates as before', () => {
  const config = configOf('{ config, lib, pkgs, ... }: { networking.hostName = "h1"; }');
  const name = attr(attr(config, 'networking'), 'hostName');
  assert.equal(name.k === 'str' && name.s, 'h1');
});

test('a function returning a module function gets arguments at both levels', () => {
  const config = configOf('{ lib, ... }: { pkgs, ... }: { a = pkgs; b = lib.mkForce 2; }');
  const a = attr(config, 'a');
  assert.equal(a.k === 'unknown' && a.reason, "packages ('pkgs') are not evaluated");
  const b = attr(config, 'b');
  assert.deepEqual(b.k === 'int' && [b.n, b.priority], [2, 50]);
});
