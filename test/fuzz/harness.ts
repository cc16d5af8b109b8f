/**
 * The fuzz harness shared by the in-test suite (fixed seed, a few thousand inputs) and
 * scripts/fuzz.mjs (the long run): real workspaces from the corpus and the examples, one file
 * mutated in memory, analysed in-process by the whole engine (every parser, the model, every
 * rule and its fixes, zone-file DNS). An input fails when anything throws, when the engine
 * reports an internal error, when it takes too long, or when facts of the undamaged part of a
 * line-oriented file are no longer found.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { SourceFile } from '../../server/src/core/source';
import type { Locator } from '../../server/src/core/source';
import { collectFiles } from '../../server/src/engine/collect';
import { analyze, INTERNAL_ERROR_RULE } from '../../server/src/engine/engine';
import { analyzeOptionsFor, createDns, type WorkspaceConfig } from '../../server/src/engine/setup';
import { parseMainCf } from '../../server/src/postfix/main-cf';
import { parseMasterCf } from '../../server/src/postfix/master-cf';
import { parseEnvFile } from '../../server/src/compose/env-file';
import { parseZoneText } from '../../server/src/dns/zone-parser';
import { originFromFileName } from '../../server/src/dns/zones';
import { CORPUS, EXAMPLES, FIXTURES, REPO_ROOT } from '../support/paths';
import { mutate, rng, type Keep } from './mutate';

export interface Workspace {
  readonly name: string;
  readonly root: string;
  readonly files: readonly SourceFile[];
}

/**
 * Every project of the shared corpus (read in place, never copied) and the repository's own
 * example workspaces, which bring zone files (the corpus has none) so DNS rules run too.
 */
export function loadWorkspaces(): Workspace[] {
  const dirs: string[] = [];
  try {
    for (const name of readdirSync(CORPUS).sort()) if (statSync(join(CORPUS, name)).isDirectory()) dirs.push(join(CORPUS, name));
  } catch {
    // No corpus checked out: the repository's workspaces still run.
  }
  dirs.push(EXAMPLES, join(FIXTURES, 'dns'), join(FIXTURES, 'rules-network/nixos'), join(FIXTURES, 'rules-network/standalone'));
  const out: Workspace[] = [];
  for (const dir of dirs) {
    let files: SourceFile[];
    try {
      files = collectFiles([dir]).files;
    } catch {
      continue;
    }
    if (files.length) out.push({ name: dir.startsWith(CORPUS) ? relative(CORPUS, dir) : relative(REPO_ROOT, dir), root: dir, files });
  }
  return out;
}

/** Offset locator: fact keys carry offsets, which map exactly between original and mutant. */
const offsets =
  (file: string): Locator =>
  (s, e) => ({ file, range: { start: { line: 0, character: s }, end: { line: 0, character: e } } });

type FactFn = (text: string, path: string) => string[];

/** Facts per line-oriented format. `shifts`: keys carry an offset (main.cf/master.cf). */
const FACTS: Partial<Record<SourceFile['kind'], { facts: FactFn; shifts: boolean; suffix: boolean }>> = {
  'postfix-main': { facts: (t, p) => parseMainCf(t, offsets(p)).entries.map((e) => `${e.param.name}@${e.nameStart}`), shifts: true, suffix: true },
  'postfix-master': { facts: (t, p) => parseMasterCf(t, offsets(p)).entries.map((e) => `${e.entry.service}/${e.entry.type}@${e.start}`), shifts: true, suffix: true },
  env: { facts: (t, p) => [...parseEnvFile(t, offsets(p)).entries.keys()], shifts: false, suffix: false },
  zone: {
    facts: (t, p) => parseZoneText(p, t, { origin: originFromFileName(p) }).records.map((r) => `${r.name} ${r.type} ${JSON.stringify(r.data)}`),
    shifts: false,
    suffix: false,
  },
};

function shiftKey(key: string, delta: number): string {
  const at = key.lastIndexOf('@');
  return `${key.slice(0, at)}@${Number(key.slice(at + 1)) + delta}`;
}

/**
 * Facts the parsers find in the undamaged prefix (and, for main.cf/master.cf, suffix) of the
 * original that are missing from the mutant. Empty when the mutation was not localized.
 */
export function lostFacts(file: SourceFile, original: string, mutant: string, keep: Keep | undefined): string[] {
  const f = FACTS[file.kind];
  if (!f || !keep) return [];
  const have = new Map<string, number>();
  for (const k of f.facts(mutant, file.path)) have.set(k, (have.get(k) ?? 0) + 1);
  const need = new Map<string, number>();
  const prefix = file.kind === 'zone' ? closedParens(original.slice(0, keep.prefixEnd)) : original.slice(0, keep.prefixEnd);
  for (const k of f.facts(prefix, file.path)) need.set(k, (need.get(k) ?? 0) + 1);
  if (f.suffix && keep.suffixStart < original.length) {
    for (const k of f.facts(original.slice(keep.suffixStart), file.path)) {
      const key = f.shifts ? shiftKey(k, keep.mutantSuffixStart) : k;
      need.set(key, (need.get(key) ?? 0) + 1);
    }
  }
  const lost: string[] = [];
  for (const [k, n] of need) if ((have.get(k) ?? 0) < n) lost.push(k);
  return lost;
}

/** A zone record in parentheses continues past the damage: cut the prefix before its first line. */
function closedParens(text: string): string {
  let depth = 0;
  let openedAt = -1;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ';') while (i < text.length && text[i] !== '\n') i++;
    else if (c === '(' && depth++ === 0) openedAt = text.lastIndexOf('\n', i) + 1;
    else if (c === ')' && depth > 0) depth--;
  }
  return depth > 0 ? text.slice(0, openedAt) : text;
}

export interface InputResult {
  readonly ok: boolean;
  readonly ms: number;
  readonly problem?: string;
  readonly findings: number;
}

export interface FuzzInput {
  readonly seed: number;
  readonly workspace: Workspace;
  readonly target: SourceFile;
  readonly text: string;
  readonly ops: string[];
  readonly keep?: Keep;
}

/** The input for one seed: a workspace, one of its files, mutated. */
export function inputFor(seed: number, workspaces: readonly Workspace[]): FuzzInput {
  const r = rng(seed);
  const workspace = r.pick(workspaces);
  const target = r.pick(workspace.files);
  const m = mutate(target.text, r);
  return { seed, workspace, target, text: m.text, ops: m.ops, keep: m.keep };
}

/** Generous: shared 2-core machines stall; a real hang takes forever, not seconds. */
export const DEFAULT_TIME_LIMIT_MS = 15_000;

export async function runInput(input: FuzzInput, timeLimitMs = DEFAULT_TIME_LIMIT_MS): Promise<InputResult> {
  const files = input.workspace.files.map((f) => (f === input.target ? { ...f, text: input.text } : f));
  const t0 = performance.now();
  let findings = 0;
  try {
    const config: WorkspaceConfig = { root: input.workspace.root, dns: 'off', resolvers: [], rules: new Map() };
    const logs: string[] = [];
    const dns = await createDns(config, files.filter((f) => f.kind === 'zone'), { log: (m) => logs.push(m) });
    const analysis = await analyze(files, analyzeOptionsFor(config, dns.view, (m) => logs.push(m)));
    await dns.close();
    findings = analysis.findings.length;
    const ms = performance.now() - t0;
    const internal = analysis.findings.filter((f) => f.rule === INTERNAL_ERROR_RULE);
    if (internal.length) return { ok: false, ms, findings, problem: `internal error: ${internal[0].message}\n${logs.join('\n')}` };
    if (ms > timeLimitMs) return { ok: false, ms, findings, problem: `took ${Math.round(ms)} ms (limit ${timeLimitMs})` };
    const lost = lostFacts(input.target, input.target.text, input.text, input.keep);
    if (lost.length) return { ok: false, ms, findings, problem: `facts of the undamaged part lost: ${lost.slice(0, 5).join(', ')}` };
    return { ok: true, ms, findings };
  } catch (e) {
    return { ok: false, ms: performance.now() - t0, findings, problem: `exception escaped: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` };
  }
}

export function describeInput(input: FuzzInput): string {
  return `seed ${input.seed}: ${input.target.path} (${input.target.kind}) ops [${input.ops.join(', ')}], ${input.text.length} chars`;
}
