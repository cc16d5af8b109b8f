import assert from 'node:assert/strict';
import { test } from 'node:test';
import { relativePaths } from '../../../server/src/cli/paths';

test('output paths are relative to the current directory, with / separators', () => {
  const rel = relativePaths('/srv/fleet');
  assert.equal(rel('/srv/fleet/hosts/a/default.nix'), 'hosts/a/default.nix');
  assert.equal(rel('/srv/other/main.cf'), '../other/main.cf');
  assert.equal(rel('/srv/fleet'), '.');
  assert.equal(rel('/srv/fleet/'), '.');
  assert.equal(rel('/srv/fleet/dns/../dns/example.test.zone'), 'dns/example.test.zone');
});

test('a file named again gets the same answer, and each output has its own directory', () => {
  const inFleet = relativePaths('/srv/fleet');
  const inHosts = relativePaths('/srv/fleet/hosts');
  const file = '/srv/fleet/hosts/a/default.nix';
  assert.equal(inFleet(file), 'hosts/a/default.nix');
  assert.equal(inHosts(file), 'a/default.nix');
  assert.equal(inFleet(file), 'hosts/a/default.nix');
  assert.equal(inHosts(file), 'a/default.nix');
});
