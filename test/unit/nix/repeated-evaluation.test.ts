/**
 * A module that reads the host's configuration is evaluated again for every host from the
 * same tree, keeps the text scans of its bindings between evaluations and, from the second
 * evaluation on, reads its syntax through kept nodes: each evaluation must give what an
 * evaluation of a fresh parse gives, for every host.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { evaluateModuleWith } from '../../../server/src/nix/module';
import { initNixParser, parseNixSync } from '../../../server/src/nix/parse';
import type { NixValue } from '../../../server/src/nix/values';
import { dump } from './dump-value';
import { HOST_READING_MODULE as MODULE, hostHooks } from './host-reading-module';

before(() => initNixParser());

const PATH = '/t/repeated-evaluation.nix';

test('a module evaluated for host after host from one tree gives what a fresh parse gives', () => {
  const shared = parseNixSync({ path: PATH, kind: 'nix', text: MODULE });
  for (const host of ['h1', 'h2', 'h1', 'h3']) {
    const again = dump(evaluateModuleWith(shared, hostHooks(host)).config.force());
    const fresh = dump(evaluateModuleWith(parseNixSync({ path: PATH, kind: 'nix', text: MODULE }), hostHooks(host)).config.force());
    assert.deepEqual(again, fresh, host);
  }
});

test('the hosts still see their own values', () => {
  const shared = parseNixSync({ path: PATH, kind: 'nix', text: MODULE });
  const hostnames = ['h1', 'h2'].map((host) => {
    const config = evaluateModuleWith(shared, hostHooks(host)).config.force();
    const main = select(config, 'services', 'postfix', 'settings', 'main', 'myhostname');
    return main.k === 'str' ? main.s : main.k;
  });
  assert.deepEqual(hostnames, ['h1.h1.example', 'h2.h2.example']);
});

function select(v: NixValue, ...path: string[]): NixValue {
  for (const k of path) {
    assert.equal(v.k, 'attrs', k);
    const a = v.k === 'attrs' ? v.attrs.get(k) : undefined;
    assert.ok(a, k);
    v = a.value.force();
  }
  return v;
}
