import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ALL_RULES } from '../../../server/src/rules/registry';
import { REPO_ROOT } from '../../support/paths';

/** The rule ids of the catalog (../shared/design/rules.md), listed here on purpose: the
 * registry must hold every one of them. */
const CATALOG_IDS = [
  'nix-syntax',
  'aaaa-not-on-host',
  'ipv6-no-default-route',
  'postfix-ipv6-unauthenticated-source',
  'postfix-ipv6-source-ambiguous',
  'postfix-bind-address-not-on-host',
  'postfix-match-list-brackets',
  'postfix-ipv6-unused',
  'postfix-unknown-parameter',
  'postfix-master-cf-syntax',
  'postfix-inet-interfaces-loopback',
  'compose-netns-without-ipv6',
  'compose-port-ipv6-brackets',
  'compose-published-ipv4-only',
  'relay-dual-stack-without-ipv6',
  'hardcoded-tailnet-address',
  'ipv6-shared-prefix',
  'nixos-removed-option',
];

test('docs/rules.md is exactly what scripts/gen-rule-docs.mjs generates from the rules (no drift)', async () => {
  const gen = (await import(join(REPO_ROOT, 'scripts/gen-rule-docs.mjs'))) as { renderRuleDocs(rules: unknown): string };
  const expected = gen.renderRuleDocs(ALL_RULES);
  const actual = readFileSync(join(REPO_ROOT, 'docs/rules.md'), 'utf8');
  assert.ok(actual === expected, 'docs/rules.md is out of date: run `npx tsc -b && node scripts/gen-rule-docs.mjs`');
});

test('every catalog rule id is registered', () => {
  const registered = new Set(ALL_RULES.map((r) => r.meta.id));
  assert.deepEqual(CATALOG_IDS.filter((id) => !registered.has(id)), []);
});

test('every registered rule has complete documentation, an anchor equal to its id, and a unique id', () => {
  const ids = ALL_RULES.map((r) => r.meta.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const r of ALL_RULES) {
    assert.equal(r.meta.docs, r.meta.id, r.meta.id);
    for (const k of ['what', 'why', 'fix', 'notFlagged'] as const) assert.ok(r.meta.doc[k].trim().length > 20, `${r.meta.id}: doc.${k}`);
    if (r.meta.doc.example) assert.notEqual(r.meta.doc.example.bad, r.meta.doc.example.fixed, `${r.meta.id}: example`);
  }
});
