/**
 * Every registered rule that can offer a fix has at least one test under test/unit/rules-*
 * that applies one of its fixes through the round trip.
 *
 * How, and why statically: node --test runs each test file in its own process, so a runtime
 * registry filled by the other files cannot be read here. Instead this reads the test
 * sources: a `test(...)` block counts for rule R when, before a round-trip call in that block
 * (assertFixRoundTrip or a helper that wraps it), it names R as a string literal or through a
 * file-level `const X = 'R'`. That is a check that such a test exists, not that it passes
 * (running it does that). "Can offer a fix": the rule's source (server/src/rules/<dir>/<id>.ts)
 * uses ctx.edits; the rules without fixes are listed below, so a fix added to one of them
 * fails this test until it is round-tripped.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ALL_RULES } from '../../../server/src/rules/registry';
import { REPO_ROOT } from '../../support/paths';

const NO_FIXES = ['nix-syntax', 'compose-syntax', 'dns-zone-syntax', 'postfix-master-cf-syntax'];

/** assertFixRoundTrip and the helpers that call it (rules-config, rules-network, rules-fixes). */
const ROUND_TRIP_CALL = /\b(assertFixRoundTrip|postfixRoundTrip|composeRoundTrip|roundTripPostfix|roundTrip|everyFixRoundTrips)\(/g;

function ruleSource(id: string): string {
  const rules = join(REPO_ROOT, 'server/src/rules');
  for (const dir of readdirSync(rules, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    if (readdirSync(join(rules, dir.name)).includes(`${id}.ts`)) return readFileSync(join(rules, dir.name, `${id}.ts`), 'utf8');
  }
  throw new Error(`no source file for rule ${id} (one file per rule, named by its id)`);
}

function testSources(): { file: string; text: string }[] {
  const unit = join(REPO_ROOT, 'test/unit');
  return readdirSync(unit)
    .filter((d) => d.startsWith('rules-'))
    .flatMap((d) => readdirSync(join(unit, d)).filter((f) => f.endsWith('.test.ts')).map((f) => ({ file: `${d}/${f}`, text: readFileSync(join(unit, d, f), 'utf8') })));
}

/** The text of each top-level `test(` block (from one `test(` to the next). */
function blocks(text: string): string[] {
  const starts = [...text.matchAll(/^test\(/gm)].map((m) => m.index!);
  return starts.map((s, i) => text.slice(s, starts[i + 1] ?? text.length));
}

/** Rule ids a file's test blocks round-trip. */
export function roundTripped(text: string, ids: readonly string[]): Set<string> {
  const constants = new Map<string, string>();
  for (const m of text.matchAll(/^const ([A-Z_][A-Z0-9_]*) = '([a-z0-9-]+)';/gm)) if (ids.includes(m[2])) constants.set(m[1], m[2]);
  const out = new Set<string>();
  for (const block of blocks(text)) {
    for (const call of block.matchAll(ROUND_TRIP_CALL)) {
      const before = block.slice(0, call.index);
      for (const id of ids) if (before.includes(`'${id}'`)) out.add(id);
      for (const [name, id] of constants) if (new RegExp(`\\b${name}\\b`).test(before)) out.add(id);
    }
  }
  return out;
}

test('the rules without fixes are exactly those whose source never uses ctx.edits', () => {
  for (const r of ALL_RULES) {
    const usesEdits = /\bctx\.edits\b/.test(ruleSource(r.meta.id));
    assert.equal(usesEdits, !NO_FIXES.includes(r.meta.id), `${r.meta.id}: ${usesEdits ? 'builds fixes' : 'builds none'}; update NO_FIXES`);
  }
});

test('every rule with fixes has a round-trip test in test/unit/rules-*', () => {
  const ids = ALL_RULES.map((r) => r.meta.id);
  const covered = new Set<string>();
  for (const { text } of testSources()) for (const id of roundTripped(text, ids)) covered.add(id);
  const missing = ids.filter((id) => !NO_FIXES.includes(id) && !covered.has(id));
  assert.deepEqual(missing, [], 'rules with fixes but no round-trip test');
});

test('the static check itself: a block counts only for rules it names before its round-trip call', () => {
  const src = [
    "const RULE = 'postfix-ipv6-unused';",
    "test('a', async () => { const f = only(a, RULE); await assertFixRoundTrip(a, f, f.fixes[0]); });",
    "test('b', async () => { await roundTrip(a, f, fx); assert.deepEqual(a.of('ipv6-shared-prefix'), []); });",
    "test('c', async () => { const f = one(a, 'aaaa-not-on-host'); assert.equal(f.fixes.length, 1); });",
  ].join('\n');
  assert.deepEqual([...roundTripped(src, ['postfix-ipv6-unused', 'ipv6-shared-prefix', 'aaaa-not-on-host'])], ['postfix-ipv6-unused']);
});
