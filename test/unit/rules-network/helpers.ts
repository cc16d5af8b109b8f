/**
 * Helpers for the network rule tests: scenarios from test/fixtures/rules-network, analysed
 * with the real parsers and zone DNS through the shared harness, plus checks that an edited
 * main.cf/master.cf reads back through postconf identically except for the intended change.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Finding, Fix } from '../../../server/src/core/finding';
import { FIXTURES } from '../../support/paths';
import { analyzeScenario, applyFix, assertFixRoundTrip, type Analysed } from '../../support/rule-harness';
import { findTool, IN_CI } from '../../support/tools';

export const NETWORK_FIXTURES = join(FIXTURES, 'rules-network');

/** A fixture directory as a scenario (relative path → text), with files replaced or added (null removes). */
export function fixture(name: string, changes: Readonly<Record<string, string | null>> = {}): Record<string, string> {
  const dir = join(NETWORK_FIXTURES, name);
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** Replaces text in a fixture file (the `from` text must occur). */
export function edit(files: Record<string, string>, path: string, from: string | RegExp, to: string): Record<string, string> {
  const text = files[path];
  assert.ok(text !== undefined, `no file ${path}`);
  const next = text.replace(from, to);
  assert.notEqual(next, text, `"${String(from)}" not found in ${path}`);
  return { ...files, [path]: next };
}

export async function analyse(files: Record<string, string>): Promise<Analysed> {
  return analyzeScenario({ files });
}

/** Negative cases: each named scenario gives no finding of `rule`. */
export async function assertSilent(rule: string, cases: Readonly<Record<string, Record<string, string>>>): Promise<void> {
  for (const [name, files] of Object.entries(cases)) {
    const a = await analyse(files);
    try {
      assert.deepEqual(a.of(rule).map((f) => f.message), [], name);
    } finally {
      a.dispose();
    }
  }
}

export function only(a: Analysed, rule: string): Finding {
  const f = a.of(rule);
  assert.equal(f.length, 1, `expected one ${rule} finding, got: ${JSON.stringify(a.findings.map((x) => `${x.rule} ${x.severity}: ${x.message}`), null, 1)}`);
  return f[0];
}

export function fixTitled(f: Finding, pattern: RegExp): Fix {
  const fx = f.fixes.find((x) => pattern.test(x.title));
  assert.ok(fx, `no fix matching ${pattern} among ${JSON.stringify(f.fixes.map((x) => x.title))}`);
  return fx;
}

function postconf(args: string[]): string | undefined {
  const tool = findTool('postconf');
  if (!tool) {
    assert.ok(!IN_CI, 'postconf is required under CI=true (Debian postfix)');
    return undefined;
  }
  const r = spawnSync(tool, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `postconf ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** `postconf -n` (main.cf) and `-P` (master.cf -o) of a config directory, as line sets. */
export function postconfState(dir: string): { main: string[]; overrides: string[] } | undefined {
  const main = postconf(['-c', dir, '-n']);
  const overrides = postconf(['-c', dir, '-P']);
  if (main === undefined || overrides === undefined) return undefined;
  const lines = (s: string) => s.split('\n').filter(Boolean).sort();
  return { main: lines(main), overrides: lines(overrides) };
}

/**
 * Applies the fix through the harness round trip (format valid, finding gone, no new error)
 * and, for a Postfix config directory, checks that postconf reads back exactly the expected
 * change: `added` lines appear (in `postconf -n` or `-P` form), nothing else changes except
 * lines for the same parameter names.
 */
export async function roundTripPostfix(a: Analysed, f: Finding, fx: Fix, postfixDir: string, expected: { main?: string[]; overrides?: string[] }): Promise<Analysed> {
  const before = postconfState(a.abs(postfixDir));
  const { after } = await assertFixRoundTrip(a, f, fx);
  const now = postconfState(a.abs(postfixDir));
  if (before && now) {
    for (const [key, want] of [['main', expected.main ?? []], ['overrides', expected.overrides ?? []]] as const) {
      const names = new Set(want.map((l) => l.split('=')[0].trim()));
      const keep = (lines: string[]) => lines.filter((l) => !names.has(l.split('=')[0].trim()));
      assert.deepEqual(keep(now[key]), keep(before[key]), `postconf ${key}: only ${[...names].join(', ')} may change`);
      for (const w of want) assert.ok(now[key].includes(w), `postconf ${key} lacks "${w}": ${JSON.stringify(now[key])}`);
    }
  }
  return after;
}

export { applyFix, assertFixRoundTrip };
