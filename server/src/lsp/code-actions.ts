/**
 * Quick fixes attached to their diagnostics (the rule's preferred fix marked), one
 * "fix all of this rule in this file" source action per rule, and workspace edits that may
 * span several files (versioned for open documents, so a stale fix is refused by the editor).
 */
import { CodeActionKind, type CodeAction, type Diagnostic, type TextDocumentEdit, type WorkspaceEdit } from 'vscode-languageserver/node';
import type { FileEdit, Finding, Fix } from '../core/finding';
import { comparePositions, type Range } from '../core/text';
import { toDiagnostic } from './diagnostics';
import { FIX_ALL_KIND } from './protocol';
import { pathToUri } from './uri';

export interface ActionContext {
  /** The current findings of the file the request is about (from an analysis of the current text). */
  readonly findings: readonly Finding[];
  /** uri → version of open documents. */
  readonly versions: ReadonlyMap<string, number>;
  /** The diagnostics the client sent (matched to findings by rule and range). */
  readonly diagnostics: readonly Diagnostic[];
  readonly range: Range;
  /** `context.only`, when the client restricts the kinds. */
  readonly only?: readonly string[];
}

function overlaps(a: Range, b: Range): boolean {
  return comparePositions(a.start, b.end) <= 0 && comparePositions(b.start, a.end) <= 0;
}

function wanted(kind: string, only: readonly string[] | undefined): boolean {
  return !only || only.some((o) => kind === o || kind.startsWith(o + '.'));
}

export function workspaceEdit(edits: readonly FileEdit[], versions: ReadonlyMap<string, number>): WorkspaceEdit {
  const byUri = new Map<string, FileEdit[]>();
  for (const e of edits) {
    const uri = pathToUri(e.file);
    byUri.set(uri, [...(byUri.get(uri) ?? []), e]);
  }
  const documentChanges: TextDocumentEdit[] = [...byUri].map(([uri, list]) => ({
    textDocument: { uri, version: versions.get(uri) ?? null },
    edits: list.map((e) => ({ range: e.range, newText: e.newText })),
  }));
  return { documentChanges };
}

function sameDiagnostic(d: Diagnostic, f: Finding): boolean {
  return d.code === f.rule && d.message === f.message && comparePositions(d.range.start, f.at.range.start) === 0 && comparePositions(d.range.end, f.at.range.end) === 0;
}

function preferredFix(f: Finding): Fix | undefined {
  return f.fixes.find((x) => x.preferred) ?? (f.fixes.length === 1 ? f.fixes[0] : undefined);
}

/** Whether two edits of one file cannot both apply (LSP forbids overlapping edits). */
function clashes(a: FileEdit, b: FileEdit): boolean {
  if (a.file !== b.file) return false;
  const lt = (x: Range['start'], y: Range['start']) => comparePositions(x, y) < 0;
  const ai = isInsertion(a);
  const bi = isInsertion(b);
  if (ai && bi) return comparePositions(a.range.start, b.range.start) === 0;
  if (ai) return lt(b.range.start, a.range.start) && lt(a.range.start, b.range.end);
  if (bi) return lt(a.range.start, b.range.start) && lt(b.range.start, a.range.end);
  return lt(a.range.start, b.range.end) && lt(b.range.start, a.range.end);
}

function sameEdit(a: FileEdit, b: FileEdit): boolean {
  return a.file === b.file && a.newText === b.newText && comparePositions(a.range.start, b.range.start) === 0 && comparePositions(a.range.end, b.range.end) === 0;
}

/**
 * One edit set from many fixes: an edit another fix already makes is shared (two findings
 * needing the same inserted setting), and a fix that would clash with one taken is left for
 * the next run.
 */
export function mergeEdits(fixes: readonly Fix[]): FileEdit[] {
  const taken: FileEdit[] = [];
  for (const fix of fixes) {
    const fresh = fix.edits.filter((e) => !taken.some((t) => sameEdit(t, e)));
    if (fresh.some((e) => taken.some((t) => clashes(t, e)))) continue;
    taken.push(...fresh);
  }
  return taken;
}

function isInsertion(e: FileEdit): boolean {
  return comparePositions(e.range.start, e.range.end) === 0;
}

export function codeActions(ctx: ActionContext): CodeAction[] {
  const out: CodeAction[] = [];
  if (wanted(CodeActionKind.QuickFix, ctx.only)) {
    for (const f of ctx.findings) {
      if (!f.fixes.length || !overlaps(f.at.range, ctx.range)) continue;
      const sent = ctx.diagnostics.find((d) => sameDiagnostic(d, f));
      const diagnostic = sent ?? toDiagnostic(f, ctx.versions.get(pathToUri(f.at.file)));
      const preferred = preferredFix(f);
      for (const fix of f.fixes) {
        out.push({
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          ...(fix === preferred ? { isPreferred: true } : {}),
          edit: workspaceEdit(fix.edits, ctx.versions),
        });
      }
    }
  }
  if (wanted(FIX_ALL_KIND, ctx.only)) {
    const byRule = new Map<string, Fix[]>();
    for (const f of ctx.findings) {
      const fix = preferredFix(f);
      if (fix) byRule.set(f.rule, [...(byRule.get(f.rule) ?? []), fix]);
    }
    for (const [rule, fixes] of byRule) {
      out.push({
        title: `Fix all ${rule} problems in this file (${fixes.length})`,
        kind: FIX_ALL_KIND,
        edit: workspaceEdit(mergeEdits(fixes), ctx.versions),
      });
    }
  }
  return out;
}
