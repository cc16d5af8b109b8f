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
import { Evaluator } from '../../../server/src/nix/evaluate';
import { keptRoot, rootForRepeatedEvaluation } from '../../../server/src/nix/kept-node';
import { initNixParser, parseNixSync } from '../../../server/src/nix/parse';
import { CORPUS, FIXTURES } from '../../support/paths';
import { dump } from './dump-value';
import { HOST_READING_MODULE as ROLE, hostHooks } from './host-reading-module';
import { nixFilesUnder } from './nix-files';

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
