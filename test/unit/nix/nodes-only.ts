/**
 * A Nix parser whose trees are not registered with their text, so the evaluator and the
 * syntax helpers read everything from nodes: the reference the text scans are compared with.
 * Call at a test file's top level; the parser exists once the file's `before` hooks ran.
 */
import assert from 'node:assert/strict';
import { before } from 'node:test';
import type { Parser } from 'web-tree-sitter';
import { createNixParser } from '../../../server/src/nix/grammar';
import { initNixParser } from '../../../server/src/nix/parse';

export function nodesOnlyParser(): () => Parser {
  let parser: Parser | undefined;
  before(async () => {
    await initNixParser();
    parser = await createNixParser();
  });
  return () => parser ?? assert.fail('the nodes-only parser is made in a before hook');
}
