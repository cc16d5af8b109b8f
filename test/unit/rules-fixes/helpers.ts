/**
 * Helpers for the fix round-trip and suppression tests: scenarios built from the shared zone
 * files in test/fixtures/rules-fixes/dns plus inline configuration, and one round trip that
 * adds each format's own oracle to the harness's (format valid, finding gone, no new error):
 * postconf -n / -P read back identically except for the stated lines, compose files keep
 * every comment line.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import type { Finding, Fix } from '../../../server/src/core/finding';
import { FIXTURES } from '../../support/paths';
import { analyzeScenario, assertFixRoundTrip, type Analysed } from '../../support/rule-harness';
import { findTool, IN_CI } from '../../support/tools';

export const FIXES_FIXTURES = join(FIXTURES, 'rules-fixes');

/** The fixture zones (dns/*.zone) plus the given files. */
export function withDns(files: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  const dir = join(FIXES_FIXTURES, 'dns');
  for (const z of readdirSync(dir)) out[`dns/${z}`] = readFileSync(join(dir, z), 'utf8');
  return { ...out, ...files };
}

export async function analyse(files: Readonly<Record<string, string>>): Promise<Analysed> {
  return analyzeScenario({ files: withDns(files) });
}

/** Runs `body` on the analysis and always removes the scenario directory. */
export async function withAnalysis(files: Readonly<Record<string, string>>, body: (a: Analysed) => Promise<void> | void): Promise<void> {
  const a = await analyse(files);
  try {
    await body(a);
  } finally {
    a.dispose();
  }
}

function listing(a: Analysed): string {
  return JSON.stringify(a.findings.map((x) => `${x.rule} ${x.severity} ${a.rel(x.at.file)}:${x.at.range.start.line}: ${x.message}`), null, 1);
}

/** The one finding of `rule` (in `file` when given). */
export function one(a: Analysed, rule: string, file?: string): Finding {
  const f = a.of(rule, file);
  assert.equal(f.length, 1, `expected one ${rule} finding, got: ${listing(a)}`);
  return f[0];
}

export function fixTitled(f: Finding, pattern: RegExp): Fix {
  const fx = f.fixes.find((x) => pattern.test(x.title));
  assert.ok(fx, `no fix matching ${pattern} among ${JSON.stringify(f.fixes.map((x) => x.title))}`);
  return fx;
}

/** `postconf -c DIR FLAG` lines; undefined when postconf is missing (a skip locally, a failure in CI). */
export function postconf(dir: string, flag: '-n' | '-P'): string[] | undefined {
  const tool = findTool('postconf');
  if (!tool) {
    assert.ok(!IN_CI, 'postconf is required under CI=true (Debian postfix)');
    return undefined;
  }
  const r = spawnSync(tool, ['-c', dir, flag], { encoding: 'utf8' });
  assert.equal(r.status, 0, `postconf -c ${dir} ${flag}: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /warning|fatal/i, `postconf -c ${dir} ${flag}: ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean);
}

/** What postconf must read back differently after the fix; everything else stays identical. */
export interface PostconfChange {
  /** Directory (relative) holding main.cf and master.cf. */
  readonly dir: string;
  readonly main?: { readonly removed: readonly string[]; readonly added: readonly string[] };
  readonly master?: { readonly removed: readonly string[]; readonly added: readonly string[] };
}

function diff(before: readonly string[], after: readonly string[]): { removed: string[]; added: string[] } {
  return { removed: before.filter((l) => !after.includes(l)), added: after.filter((l) => !before.includes(l)) };
}

/** Every comment of a YAML text, whole-line or trailing (fixtures keep `#` out of values). */
const yamlComments = (text: string) => text.split('\n').flatMap((l) => {
  const i = l.search(/(^|\s)#/);
  return i < 0 ? [] : [l.slice(i).trim()];
});

/**
 * The round trip of the harness plus each format's oracle: for Postfix, `postconf -n` and
 * `-P` differ exactly by `postfix.main` / `postfix.master` (nothing when omitted); compose
 * YAML still parses and keeps every comment line (trailing comments included).
 */
export async function roundTrip(a: Analysed, finding: Finding, fix: Fix, postfix?: PostconfChange): Promise<{ after: Analysed; changed: Map<string, string> }> {
  assert.ok(finding.fixes.includes(fix), `"${fix.title}" is not a fix of this finding`);
  const comments = new Map<string, string[]>();
  for (const e of fix.edits) {
    const rel = a.rel(e.file);
    if (/\.ya?ml$/.test(rel)) comments.set(rel, yamlComments(a.text(rel)));
  }
  const pcBefore = postfix && { n: postconf(a.abs(postfix.dir), '-n'), p: postconf(a.abs(postfix.dir), '-P') };
  const r = await assertFixRoundTrip(a, finding, fix);
  for (const [rel, before] of comments) {
    const text = r.changed.get(rel);
    if (text === undefined) continue;
    assert.deepEqual(parseDocument(text).errors.map((e) => e.message), [], `${rel} no longer parses`);
    assert.deepEqual(yamlComments(text), before, `${rel}: comments changed`);
  }
  if (postfix && pcBefore?.n && pcBefore.p) {
    const n = postconf(a.abs(postfix.dir), '-n')!;
    const p = postconf(a.abs(postfix.dir), '-P')!;
    assert.deepEqual(diff(pcBefore.n, n), { removed: [...(postfix.main?.removed ?? [])], added: [...(postfix.main?.added ?? [])] }, 'postconf -n');
    assert.deepEqual(diff(pcBefore.p, p), { removed: [...(postfix.master?.removed ?? [])], added: [...(postfix.master?.added ?? [])] }, 'postconf -P');
  }
  return r;
}

/**
 * Every fix of every finding of `rule`, each applied to a fresh copy of the scenario, passes
 * the round trip: a fix that leaves its finding in place is a wrong fix. Returns the titles.
 */
export async function everyFixRoundTrips(files: Readonly<Record<string, string>>, rule: string): Promise<string[][]> {
  const titles: string[][] = [];
  const first = await analyse(files);
  const shape = first.of(rule).map((f) => f.fixes.length);
  first.dispose();
  for (const [i, n] of shape.entries()) {
    titles.push([]);
    for (let j = 0; j < n; j++) {
      await withAnalysis(files, async (a) => {
        const f = a.of(rule)[i];
        titles[i].push(f.fixes[j].title);
        const { after } = await roundTrip(a, f, f.fixes[j]);
        after.dispose();
      });
    }
  }
  return titles;
}
