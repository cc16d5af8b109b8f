/**
 * The engine: files → per-format facts → model → rules → findings. The LSP server and the
 * CLI are thin adapters over `analyze`. A format analyzer or a rule that throws affects only
 * its own results: the engine reports one `internal-error` finding for it and goes on.
 */
import type { Finding, Severity } from '../core/finding';
import { severityRank } from '../core/finding';
import type { SourceFile } from '../core/source';
import type { Location } from '../core/text';
import type { DnsView } from '../dns/types';
import type { EditKit } from '../edits/kit';
import { assembleModel } from '../model/assemble';
import type { InfraModel } from '../model/types';
import type { Rule } from '../rules/types';
import { neutralize, neutralizeFix, neutralizeRelated } from '../core/safe-text';
import type { FormatAnalyzer, FormatResult } from './analyzers';

export type SeverityOverride = Severity | 'off';

export const INTERNAL_ERROR_RULE = 'internal-error';

export interface AnalyzeOptions {
  readonly root: string;
  readonly analyzers: readonly FormatAnalyzer[];
  readonly rules: readonly Rule[];
  readonly dns: DnsView;
  readonly editKit: (files: ReadonlyMap<string, SourceFile>) => EditKit | Promise<EditKit>;
  readonly severity?: ReadonlyMap<string, SeverityOverride>;
  readonly log?: (message: string) => void;
}

export interface Analysis {
  readonly model: InfraModel;
  readonly findings: readonly Finding[];
}

function errorText(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message).split('\n').slice(0, 3).join(' | ') : String(e);
}

export function internalError(at: Location, what: string, e: unknown): Finding {
  return {
    rule: INTERNAL_ERROR_RULE,
    severity: 'error',
    message: neutralize(`infra-review internal error in ${what}: ${e instanceof Error ? e.message : String(e)}. Other findings are still reported; please report this.`),
    at,
    related: [],
    fixes: [],
  };
}

export const FILE_START = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export async function buildModel(files: readonly SourceFile[], options: Pick<AnalyzeOptions, 'root' | 'analyzers' | 'log'>): Promise<{ model: InfraModel; failures: Finding[] }> {
  const results: FormatResult[] = [];
  const failures: Finding[] = [];
  for (const analyzer of options.analyzers) {
    const mine = files.filter((f) => analyzer.kinds.includes(f.kind));
    if (!mine.length) continue;
    try {
      results.push(await analyzer.analyze(mine, options.root));
    } catch (e) {
      const contained = await isolateFailure(analyzer, mine, options);
      if (contained) {
        results.push(contained.result);
        failures.push(...contained.failures);
        continue;
      }
      options.log?.(`analyzer ${analyzer.name} failed on ${mine.length} files: ${errorText(e)}`);
      failures.push(internalError({ file: mine[0].path, range: FILE_START }, `the ${analyzer.name} analyzer`, e));
    }
  }
  return { model: assembleModel(options.root, results), failures };
}

/**
 * An analyzer failed on a set of files: find the files it fails on alone and analyse the rest
 * with those emptied (they still exist, so imports of them are not "missing"). One internal
 * error per failing file, at that file. Undefined when no single file explains the failure.
 */
async function isolateFailure(
  analyzer: FormatAnalyzer,
  files: readonly SourceFile[],
  options: Pick<AnalyzeOptions, 'root' | 'log'>,
): Promise<{ result: FormatResult; failures: Finding[] } | undefined> {
  if (files.length < 2) return undefined;
  const failing = new Map<SourceFile, unknown>();
  for (const f of files) {
    try {
      await analyzer.analyze([f], options.root);
    } catch (e) {
      failing.set(f, e);
    }
  }
  if (!failing.size) return undefined;
  let result: FormatResult;
  try {
    result = await analyzer.analyze(files.map((f) => (failing.has(f) ? { ...f, text: '' } : f)), options.root);
  } catch {
    return undefined;
  }
  const failures: Finding[] = [];
  for (const [f, e] of failing) {
    options.log?.(`analyzer ${analyzer.name} failed on ${f.path}: ${errorText(e)}`);
    failures.push(internalError({ file: f.path, range: FILE_START }, `the ${analyzer.name} analyzer`, e));
  }
  return { result, failures };
}

export type SuppressedLines = Map<string, Map<number, Set<string>>>;

export function suppressedLines(model: InfraModel): SuppressedLines {
  const out = new Map<string, Map<number, Set<string>>>();
  for (const f of model.files) {
    if (!f.suppressions.length) continue;
    const lines = new Map<number, Set<string>>();
    for (const s of f.suppressions) {
      const set = lines.get(s.line) ?? new Set<string>();
      set.add(s.rule);
      lines.set(s.line, set);
    }
    out.set(f.file, lines);
  }
  return out;
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.at.file < b.at.file ? -1 : a.at.file > b.at.file ? 1 : 0) ||
    a.at.range.start.line - b.at.range.start.line ||
    a.at.range.start.character - b.at.range.start.character ||
    severityRank(b.severity) - severityRank(a.severity) ||
    (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

/** Fixes when the edit kit cannot be built: exact replacements only, no structural edits. */
export const NO_STRUCTURAL_EDITS: EditKit = {
  replace: (at, newText) => ({ file: at.file, range: at.range, newText }),
  remove: (at) => ({ file: at.file, range: at.range, newText: '' }),
  setPostfixMain: () => undefined,
  setMasterOverride: () => undefined,
  setNixOption: () => undefined,
  appendNixList: () => undefined,
  setComposeValue: () => undefined,
};

/** The edit kit for a run; when it cannot be built, exact replacements only and one internal error. */
export async function editKitFor(files: ReadonlyMap<string, SourceFile>, model: InfraModel, options: AnalyzeOptions): Promise<{ edits: EditKit; failure?: Finding }> {
  try {
    return { edits: await options.editKit(files) };
  } catch (e) {
    // The findings still count; only fixes that need the edit builders are lost.
    options.log?.(`the edit kit failed: ${errorText(e)}`);
    return { edits: NO_STRUCTURAL_EDITS, failure: internalError({ file: model.files[0]?.file ?? options.root, range: FILE_START }, 'the edit kit', e) };
  }
}

/**
 * Runs one rule over a model (the whole one, or a slice of it): its findings with the
 * severity override applied and their text neutralised, or one internal error at `failureAt`
 * when it throws. Suppressions are the caller's (they need the whole model's comments).
 */
export async function checkRule(rule: Rule, model: InfraModel, edits: EditKit, options: AnalyzeOptions, failureAt: Location): Promise<Finding[]> {
  const override = options.severity?.get(rule.meta.id);
  if (override === 'off') return [];
  let raw;
  try {
    raw = await rule.check({ model, dns: options.dns, edits });
  } catch (e) {
    options.log?.(`rule ${rule.meta.id} failed: ${errorText(e)}`);
    return [internalError(failureAt, `rule ${rule.meta.id}`, e)];
  }
  return raw.map((r) => ({
    rule: rule.meta.id,
    // An override replaces the rule's default; a rule's own lowered severity (info for a
    // partial mitigation) is kept unless the user overrides the rule explicitly.
    severity: override ?? r.severity ?? rule.meta.defaultSeverity,
    // Messages quote files and DNS records: neutralised once here for every output.
    message: neutralize(r.message),
    at: r.at,
    related: (r.related ?? []).map(neutralizeRelated),
    fixes: (r.fixes ?? []).map(neutralizeFix),
  }));
}

export function isSuppressed(suppressed: SuppressedLines, f: Finding): boolean {
  if (f.rule === INTERNAL_ERROR_RULE) return false;
  const rules = suppressed.get(f.at.file)?.get(f.at.range.start.line);
  return !!rules && (rules.has(f.rule) || rules.has('all'));
}

export async function runRules(model: InfraModel, files: ReadonlyMap<string, SourceFile>, options: AnalyzeOptions): Promise<Finding[]> {
  const { edits, failure } = await editKitFor(files, model, options);
  const suppressed = suppressedLines(model);
  const failureAt = { file: model.files[0]?.file ?? options.root, range: FILE_START };
  const perRule = await Promise.all(options.rules.map((rule) => checkRule(rule, model, edits, options, failureAt)));
  return [...(failure ? [failure] : []), ...perRule.flat().filter((f) => !isSuppressed(suppressed, f))];
}

export async function analyze(files: readonly SourceFile[], options: AnalyzeOptions): Promise<Analysis> {
  const { model, failures } = await buildModel(files, options);
  const byPath = new Map(files.map((f) => [f.path, f] as const));
  const findings = [...failures, ...(await runRules(model, byPath, options))];
  findings.sort(compareFindings);
  return { model, findings: dedupe(findings) };
}

/** Two rules paths can reach the same finding (one host seen from two files): keep one. */
export function dedupe(sorted: Finding[]): Finding[] {
  const out: Finding[] = [];
  let prevKey = '';
  for (const f of sorted) {
    const r = f.at.range;
    const key = `${f.rule}\0${f.at.file}\0${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}\0${f.message}`;
    if (key !== prevKey) out.push(f);
    prevKey = key;
  }
  return out;
}
