import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createNixParser, INITIAL_WASM_MEMORY_BYTES } from '../../../server/src/nix/grammar';

// Its own file: node's test runner gives it a process of its own, so the grammar is loaded here
// for the first time and the memory it reserves shows in process.memoryUsage().external.
test('the Nix parser starts with INITIAL_WASM_MEMORY_BYTES of wasm memory', async () => {
  const before = process.memoryUsage().external;
  const parser = await createNixParser();
  const reserved = process.memoryUsage().external - before;
  assert.ok(reserved >= INITIAL_WASM_MEMORY_BYTES, `external memory grew by ${reserved} bytes`);
  // Less than twice as much: the runtime's default (32 MiB) plus a first grown buffer would
  // show as 32 + 38.4 MiB, and the reservation is what avoids that growth.
  assert.ok(reserved < 2 * INITIAL_WASM_MEMORY_BYTES, `external memory grew by ${reserved} bytes`);
  const tree = parser.parse('{ networking.hostName = "mx"; }');
  assert.ok(tree);
  assert.equal(tree.rootNode.hasError, false);
  tree.delete();
});
