/** `readsConfig` decides whether a host evaluates a module on its own: declaring is not reading. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { readsConfig } from '../../../server/src/nix/module';
import { initNixParser, parseNixSync } from '../../../server/src/nix/parse';

before(() => initNixParser());

let n = 0;
const reads = (text: string) => readsConfig(parseNixSync({ path: `/t/reads-config-${n++}.nix`, kind: 'nix', text }));

test('a module reads config when its body names it, not when it only declares it', () => {
  assert.equal(reads('{ config, lib, ... }: { networking.domain = "example.org"; }'), false);
  assert.equal(reads('{ config, lib, ... }: { a = config.networking.domain; }'), true);
  assert.equal(reads('{ config ? { }, ... }: { a = config; }'), true);
  assert.equal(reads('{ lib, ... }: { a = lib.mkDefault 1; }'), false);
  // Not a function: the host's config is not in scope.
  assert.equal(reads('{ a = config; }'), false);
  // Counted in the text, comments included (as before the scan stopped early).
  assert.equal(reads('{ config, ... }: {\n  # config is not read here\n}'), true);
  const long = `{ config, ... }: {\n${'  x = 1;\n'.repeat(5000)}  y = config.networking.hostName;\n}`;
  assert.equal(reads(long), true);
});

test('formals read from the text (comments before them included) or from the nodes decide alike', () => {
  assert.equal(reads('# a host\n{ config, ... }: { a = 1; }'), false);
  assert.equal(reads('/* a host */ { config, ... }:\n{ a = config.x; }'), true);
  assert.equal(reads('args@{ config, ... }: { a = 1; }'), false);
  assert.equal(reads('{ config, ... }@args: { a = args.config; }'), true);
  assert.equal(reads('config: { a = config.x; }'), true);
  assert.equal(reads('{ config /* declared */, ... }: { a = 1; }'), false);
});
