/**
 * A module evaluated again for every host reads its syntax through kept nodes (kept-node.ts):
 * each evaluation must give what the tree's own nodes give, and the evaluator must ask a kept
 * node for nothing it does not answer.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Node } from 'web-tree-sitter';
import type { EvalHooks } from '../../../server/src/nix/evaluate';
import { Evaluator } from '../../../server/src/nix/evaluate';
import { keptRoot, rootForRepeatedEvaluation } from '../../../server/src/nix/kept-node';
import { evaluateModuleWith } from '../../../server/src/nix/module';
import { initNixParser, parseNixSync } from '../../../server/src/nix/parse';
import { plainString } from '../../../server/src/nix/values';
import { CORPUS, FIXTURES } from '../../support/paths';
import { dump } from './dump-value';
import { nixFilesUnder } from './nix-files';

const ROLE = `{ config, lib, ... }:
let
  domain = config.networking.domain;
  port = 25;
in
{
  services.postfix = {
    enable = true;
    settings.main = {
      myhostname = "\${config.networking.hostName}.\${domain}";
      mydestination = [ "$myhostname" "localhost" ];
    };
  };
  services.nginx.virtualHosts."\${config.networking.hostName}.\${domain}".root = ./www;
  networking.firewall.allowedTCPPorts = [ port (port + 118) ];
  networking.extra = lib.mkIf (config.networking.hostName == "h2") { tag = ''
    second
  ''; };
  # a comment between bindings
  inherit (config.networking) hostName;
}
`;

function hostHooks(hostName: string): EvalHooks {
  return {
    configLookup: (path, at) => {
      const key = path.join('.');
      if (key === 'networking.hostName') return plainString(hostName, at);
      if (key === 'networking.domain') return plainString('site.example', at);
      return undefined;
    },
  };
}

// Any member a kept node does not define is read through its prototype chain: make that throw.
let restore: (() => void) | undefined;
before(async () => {
  await initNixParser();
  const tree = parseNixSync({ path: '/t/probe.nix', kind: 'nix', text: '{ }' }).tree;
  const proto = Object.getPrototypeOf(keptRoot(tree)) as object;
  const parent = Object.getPrototypeOf(proto) as object;
  const guard = new Proxy(
    {},
    {
      get: (_t, key) => {
        throw new Error(`a kept node was asked for ${String(key)}`);
      },
    },
  );
  Object.setPrototypeOf(proto, guard);
  restore = () => Object.setPrototypeOf(proto, parent);
});
after(() => restore?.());

function evaluate(root: Node, path: string, text: string, host: string): unknown {
  return dump(new Evaluator(path, text, hostHooks(host)).eval(root, {}));
}

function assertSame(path: string, text: string): void {
  const tree = parseNixSync({ path, kind: 'nix', text }).tree;
  for (const host of ['h1', 'h2', 'h1']) {
    assert.deepEqual(evaluate(keptRoot(tree), path, text, host), evaluate(tree.rootNode, path, text, host), `${path} (${host})`);
  }
}

test('a role module evaluated through kept nodes, host after host, gives what its nodes give', () => {
  assertSame('/t/role.nix', ROLE);
});

test('the corpus and fixtures evaluate through kept nodes as through their nodes', () => {
  for (const path of [...nixFilesUnder(CORPUS), ...nixFilesUnder(join(FIXTURES, 'nix'))]) assertSame(path, readFileSync(path, 'utf8'));
});

test('a tree is read through kept nodes from its second evaluation on, one kept root per tree', () => {
  const tree = parseNixSync({ path: '/t/role-once.nix', kind: 'nix', text: ROLE }).tree;
  const first = rootForRepeatedEvaluation(tree);
  assert.equal(first.constructor, tree.rootNode.constructor);
  const second = rootForRepeatedEvaluation(tree);
  assert.notEqual(second.constructor, tree.rootNode.constructor);
  assert.equal(rootForRepeatedEvaluation(tree), second);
  assert.equal(keptRoot(tree), second);
});

test('hosts evaluating one module from one tree still see their own values', () => {
  const parsed = parseNixSync({ path: '/t/role.nix', kind: 'nix', text: ROLE });
  const names = ['h1', 'h2', 'h3'].map((host) => {
    const main = evaluateModuleWith(parsed, hostHooks(host)).config.force();
    const pf = main.k === 'attrs' ? main.attrs.get('services')?.value.force() : undefined;
    const postfix = pf?.k === 'attrs' ? pf.attrs.get('postfix')?.value.force() : undefined;
    const settings = postfix?.k === 'attrs' ? postfix.attrs.get('settings')?.value.force() : undefined;
    const m = settings?.k === 'attrs' ? settings.attrs.get('main')?.value.force() : undefined;
    const h = m?.k === 'attrs' ? m.attrs.get('myhostname')?.value.force() : undefined;
    return h?.k === 'str' ? h.s : h?.k;
  });
  assert.deepEqual(names, ['h1.site.example', 'h2.site.example', 'h3.site.example']);
});
