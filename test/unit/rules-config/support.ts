/**
 * Helpers for the configuration/compose rule tests: zone text for documentation names,
 * the round trip with the format's own reader (postconf -n / -P, yaml), and a fake DNS view
 * for unit tests on hand-built models.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { parseDocument } from 'yaml';
import type { Finding } from '../../../server/src/core/finding';
import type { DnsAnswer, DnsRecord, DnsView, RRType } from '../../../server/src/dns/types';
import { analyzeScenario, assertFixRoundTrip, type Analysed } from '../../support/rule-harness';
import { findTool, IN_CI } from '../../support/tools';

/** A zone for `origin` with the given record lines (relative names). */
export function zone(origin: string, lines: string[]): string {
  return [
    `$ORIGIN ${origin}.`,
    '$TTL 3600',
    `@ IN SOA ns1.${origin}. hostmaster.${origin}. 1 7200 900 1209600 300`,
    `  IN NS ns1.${origin}.`,
    `ns1 IN A 192.0.2.53`,
    ...lines,
    '',
  ].join('\n');
}

export async function scenario(files: Record<string, string>): Promise<Analysed> {
  return analyzeScenario({ files });
}

export function only(a: Analysed, rule: string, file?: string): Finding[] {
  return a.of(rule, file);
}

/** Lines of `postconf -c DIR -n` (main.cf) or `-P` (master.cf -o) output; undefined when postconf is missing locally. */
export function postconf(dir: string, flag: '-n' | '-P' | '-M'): string[] | undefined {
  const tool = findTool('postconf');
  if (!tool) {
    assert.ok(!IN_CI, 'postconf is required under CI=true');
    return undefined;
  }
  const r = spawnSync(tool, ['-c', dir, flag], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean);
}

/**
 * The fix round trip plus the Postfix oracle: postconf output before and after differs
 * exactly by `expected` (lines removed, lines added).
 */
export async function postfixRoundTrip(
  a: Analysed,
  finding: Finding,
  fixIndex: number,
  confDir: string,
  flag: '-n' | '-P' | '-M',
  expected: { removed: string[]; added: string[] },
): Promise<Analysed> {
  const before = postconf(a.abs(confDir), flag);
  const { after } = await assertFixRoundTrip(a, finding, finding.fixes[fixIndex]);
  const afterLines = postconf(a.abs(confDir), flag);
  if (before && afterLines) {
    const removed = before.filter((l) => !afterLines.includes(l));
    const added = afterLines.filter((l) => !before.includes(l));
    assert.deepEqual({ removed, added }, expected);
  }
  return after;
}

/** Round trip for compose: the edited file still parses with `yaml` and keeps its comments. */
export async function composeRoundTrip(a: Analysed, finding: Finding, fixIndex = 0): Promise<{ after: Analysed; changed: Map<string, string> }> {
  const comments = new Map<string, string[]>();
  for (const e of finding.fixes[fixIndex].edits) {
    const rel = a.rel(e.file);
    comments.set(rel, a.text(rel).split('\n').filter((l) => l.trim().startsWith('#')));
  }
  const r = await assertFixRoundTrip(a, finding, finding.fixes[fixIndex]);
  for (const [rel, text] of r.changed) {
    assert.deepEqual(parseDocument(text).errors, []);
    const kept = text.split('\n').filter((l) => l.trim().startsWith('#'));
    assert.deepEqual(kept, comments.get(rel), `${rel}: comments changed`);
  }
  return r;
}

export { join, dirname };

/** A DNS view over a fixed record list; names listed in `unknown` answer unknown (offline). */
export function fakeDns(records: DnsRecord[], unknownNames: string[] = []): DnsView {
  const source = { kind: 'zone' as const, file: '/fake.zone', origin: 'example' };
  return {
    mode: 'off',
    async query(name: string, type: RRType): Promise<DnsAnswer> {
      const n = name.toLowerCase().replace(/\.$/, '');
      if (unknownNames.includes(n)) return { status: 'unknown', name: n, type, reason: 'offline' };
      const recs = records.filter((r) => r.name === n && r.type === type);
      if (recs.length) return { status: 'records', name: n, type, records: recs, chain: [], source };
      return { status: records.some((r) => r.name === n) ? 'nodata' : 'nxdomain', name: n, type, chain: [], source };
    },
    async reverse(address: string) {
      return { address, ptr: { status: 'unknown', name: address, type: 'PTR', reason: 'offline' }, confirmed: 'unknown', names: [] };
    },
    async ptr(address: string): Promise<DnsAnswer> {
      return { status: 'unknown', name: address, type: 'PTR', reason: 'offline' };
    },
    async spf(ip: string, domain: string) {
      return { verdict: 'temperror', domain, ip, chain: [], records: [] };
    },
  };
}
