/**
 * Building asks for a module's evaluation per host (module.ts `evaluateModuleToBuild`): the
 * first request of a tree is not kept, the second and later ones share one kept evaluation,
 * and every one of them evaluates to the same configuration.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { HostConfig } from '../../../server/src/nix/host-config';
import type { ModuleEval } from '../../../server/src/nix/module';
import { evaluateModule, evaluateModuleToBuild } from '../../../server/src/nix/module';
import { initNixParser, parseNixSync } from '../../../server/src/nix/parse';

before(() => initNixParser());

const TEXT = '{ lib, ... }: { networking.hostName = "h1"; networking.domain = "example.org"; services.postfix.enable = true; }';

const hostNameOf = (m: ModuleEval) => {
  const cfg = new HostConfig();
  cfg.setModules([m]);
  return cfg.defs(['networking', 'hostName']).map((d) => [d.value.k === 'str' ? d.value.s : d.value.k, d.bindingAt.start, d.bindingAt.end]);
};

test('a module built from once is not kept; asked again, it is kept and shared', () => {
  const p = parseNixSync({ path: '/w/keep/a.nix', kind: 'nix', text: TEXT });
  const first = evaluateModuleToBuild(p);
  const second = evaluateModuleToBuild(p);
  assert.notEqual(first, second, 'the first evaluation is not kept');
  assert.equal(evaluateModuleToBuild(p), second, 'the second one is');
  assert.equal(evaluateModule(p), second, 'and is the one discovery reads');
  assert.deepEqual(hostNameOf(first), hostNameOf(second));
  assert.deepEqual(hostNameOf(first), [['h1', TEXT.indexOf('networking.hostName'), TEXT.indexOf('"h1";') + 5]]);
});

test('a module discovery evaluated is the one building reads', () => {
  const p = parseNixSync({ path: '/w/keep/b.nix', kind: 'nix', text: TEXT });
  const kept = evaluateModule(p);
  assert.equal(evaluateModuleToBuild(p), kept);
});
