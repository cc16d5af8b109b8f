/**
 * Rule tests on real files: write a scenario to a temp dir, analyse it with the real parsers
 * and zone-file DNS (mode off: no network), apply a fix, re-analyse, and check the edited
 * files with the tools that own their format (nix-instantiate, postconf, yaml).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parseDocument } from 'yaml';
import type { Finding, Fix } from '../../server/src/core/finding';
import { collectFiles, toSlash } from '../../server/src/engine/collect';
import { analyze, type Analysis, type SeverityOverride } from '../../server/src/engine/engine';
import { analyzeOptionsFor, createDns } from '../../server/src/engine/setup';
import type { DnsMode } from '../../server/src/dns/types';
import { applyFileEdits } from './apply-edits';
import { findTool, IN_CI, run } from './tools';

export interface Scenario {
  /** Workspace-relative path → file text. Zone files (`*.zone`) are the DNS. */
  readonly files: Readonly<Record<string, string>>;
  readonly rules?: ReadonlyMap<string, SeverityOverride>;
  readonly dns?: DnsMode;
}

export interface Analysed {
  readonly dir: string;
  readonly analysis: Analysis;
  readonly findings: readonly Finding[];
  /** Workspace-relative path of an absolute one. */
  rel(file: string): string;
  abs(relPath: string): string;
  text(relPath: string): string;
  /** Findings of one rule, optionally in one file (relative path). */
  of(rule: string, file?: string): Finding[];
  dispose(): void;
}

export function writeScenario(files: Readonly<Record<string, string>>, dir = mkdtempSync(join(tmpdir(), 'infra-review-'))): string {
  for (const [rel, text] of Object.entries(files)) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  return toSlash(dir);
}

export async function analyzeDir(dir: string, options: { rules?: ReadonlyMap<string, SeverityOverride>; dns?: DnsMode } = {}): Promise<Analysed> {
  const { files } = collectFiles([dir]);
  const config = { root: dir, dns: options.dns ?? ('off' as const), resolvers: [], rules: options.rules ?? new Map(), cacheDir: join(dir, '.cache') };
  const dns = await createDns(config, files.filter((f) => f.kind === 'zone'));
  try {
    const analysis = await analyze(files, analyzeOptionsFor(config, dns.view));
    const rel = (f: string) => toSlash(relative(dir, f));
    return {
      dir,
      analysis,
      findings: analysis.findings,
      rel,
      abs: (r) => toSlash(join(dir, r)),
      text: (r) => readFileSync(join(dir, r), 'utf8'),
      of: (rule, file) => analysis.findings.filter((f) => f.rule === rule && (file === undefined || rel(f.at.file) === file)),
      dispose: () => rmSync(dir, { recursive: true, force: true }),
    };
  } finally {
    await dns.close();
  }
}

export async function analyzeScenario(s: Scenario): Promise<Analysed> {
  return analyzeDir(writeScenario(s.files), { rules: s.rules, dns: s.dns });
}

/** Applies a fix to the files on disk; returns the changed files (relative path → new text). */
export function applyFix(a: Analysed, fix: Fix): Map<string, string> {
  const texts = new Map<string, string>();
  for (const e of fix.edits) if (!texts.has(e.file)) texts.set(e.file, readFileSync(e.file, 'utf8'));
  const changed = applyFileEdits(texts, fix.edits);
  const out = new Map<string, string>();
  for (const [file, text] of changed) {
    writeFileSync(file, text);
    out.set(a.rel(file), text);
  }
  return out;
}

/** Checks an edited file with its format's own tool. Missing tools skip locally, fail in CI. */
export function assertFormatValid(dir: string, relPath: string): void {
  const abs = join(dir, relPath);
  const base = relPath.slice(relPath.lastIndexOf('/') + 1);
  if (base.endsWith('.nix')) {
    const nix = findTool('nix-instantiate');
    if (!nix) {
      assert.ok(!IN_CI, 'nix-instantiate is required under CI=true (Debian nix-bin)');
      return;
    }
    run(nix, ['--parse', abs]);
  } else if (base === 'main.cf' || base === 'master.cf') {
    const postconf = findTool('postconf');
    if (!postconf) {
      assert.ok(!IN_CI, 'postconf is required under CI=true (Debian postfix)');
      return;
    }
    const r = spawnSync(postconf, ['-c', dirname(abs), base === 'main.cf' ? '-n' : '-M'], { encoding: 'utf8' });
    assert.equal(r.status, 0, `postconf rejects ${relPath}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /fatal/i, `postconf rejects ${relPath}: ${r.stderr}`);
  } else if (/\.ya?ml$/.test(base)) {
    const doc = parseDocument(readFileSync(abs, 'utf8'));
    assert.deepEqual(doc.errors.map((e) => e.message), [], `${relPath} no longer parses as YAML`);
  }
}

/**
 * The round trip every fix must pass: apply it, the edited files are valid for their format,
 * the finding is gone, and no new error appeared. Returns the re-analysis for more checks.
 */
export async function assertFixRoundTrip(a: Analysed, finding: Finding, fix: Fix): Promise<{ after: Analysed; changed: Map<string, string> }> {
  const changed = applyFix(a, fix);
  assert.ok(changed.size > 0, `fix "${fix.title}" changed nothing`);
  for (const rel of changed.keys()) assertFormatValid(a.dir, rel);
  const after = await analyzeDir(a.dir);
  const same = after.findings.filter(
    (f) => f.rule === finding.rule && f.message === finding.message && after.rel(f.at.file) === a.rel(finding.at.file),
  );
  assert.deepEqual(same.map((f) => f.message), [], `finding still there after "${fix.title}"`);
  const errorsBefore = new Set(a.findings.filter((f) => f.severity === 'error').map((f) => `${f.rule}\0${f.message}`));
  const newErrors = after.findings.filter((f) => f.severity === 'error' && !errorsBefore.has(`${f.rule}\0${f.message}`));
  assert.deepEqual(newErrors.map((f) => `${f.rule}: ${f.message}`), [], `fix "${fix.title}" introduced new errors`);
  return { after, changed };
}
