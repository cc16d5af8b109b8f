/** Finding → LSP Diagnostic, and the bookkeeping that clears files whose findings went away. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { Finding, Fix } from '../core/finding';
import { pathToUri } from './uri';

/** What a diagnostic carries for code actions: the finding's identity and its fixes. */
export interface DiagnosticData {
  readonly key: string;
  /** Version of the document the fixes were computed from (absent: the file on disk). */
  readonly version?: number;
  readonly fixes: readonly Fix[];
}

/** The rule reference shipped beside the server (dist/ or the repository), else the project's site. */
function rulesDocBase(): string {
  for (const rel of ['../docs/rules.md', '../../../../docs/rules.md']) {
    const p = resolve(__dirname, rel);
    if (existsSync(p)) return pathToFileURL(p).href;
  }
  return 'https://example.invalid/infra-review/blob/main/docs/rules.md';
}

let docBase: string | undefined;

export function ruleDocUrl(rule: string): string {
  docBase ??= rulesDocBase();
  return `${docBase}#${rule}`;
}

/** Identity of a finding across analyses (fixes are looked up by it when a diagnostic is stale). */
export function findingKey(f: Finding): string {
  const r = f.at.range;
  return `${f.rule}|${f.at.file}|${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}|${f.message}`;
}

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

export function toDiagnostic(f: Finding, version: number | undefined): Diagnostic {
  const data: DiagnosticData = { key: findingKey(f), ...(version !== undefined ? { version } : {}), fixes: f.fixes };
  return {
    range: f.at.range,
    severity: SEVERITY[f.severity],
    code: f.rule,
    codeDescription: { href: ruleDocUrl(f.rule) },
    source: 'infra-review',
    message: f.message,
    ...(f.related.length ? { relatedInformation: f.related.map((r) => ({ location: { uri: pathToUri(r.at.file), range: r.at.range }, message: r.message })) } : {}),
    data,
  };
}

export interface Publication {
  readonly uri: string;
  readonly version?: number;
  readonly diagnostics: Diagnostic[];
}

/**
 * Decides what to send after an analysis: every file with findings, every open file (with its
 * version, even when clean: clients and tests learn that this version was checked), and an
 * empty list for each file that had diagnostics before and has none now. Unchanged
 * publications are not re-sent.
 */
const CLOSED = '\0closed';

export class DiagnosticsPublisher {
  private readonly last = new Map<string, string>();
  /**
   * What each fingerprint was computed from. The incremental engine hands back the same
   * Finding objects for units it did not re-run: when a file's findings and version are the
   * same objects as last time, its diagnostics are too, without serialising their fixes.
   */
  private readonly lastInputs = new Map<string, { version: number | undefined; findings: readonly Finding[] }>();

  plan(findings: readonly Finding[], openVersions: ReadonlyMap<string, number>): Publication[] {
    const byUri = new Map<string, Finding[]>();
    for (const f of findings) {
      const uri = pathToUri(f.at.file);
      const list = byUri.get(uri) ?? [];
      list.push(f);
      byUri.set(uri, list);
    }
    const uris = new Set([...byUri.keys(), ...openVersions.keys(), ...this.last.keys()]);
    const out: Publication[] = [];
    for (const uri of uris) {
      const version = openVersions.get(uri);
      const mine = byUri.get(uri) ?? [];
      const before = this.lastInputs.get(uri);
      if (before && before.version === version && sameItems(before.findings, mine)) continue;
      const diagnostics = mine.map((f) => toDiagnostic(f, version));
      const fingerprint = JSON.stringify([version, diagnostics]);
      const unchanged = this.last.get(uri) === fingerprint;
      if (diagnostics.length || version !== undefined) {
        this.last.set(uri, fingerprint);
        this.lastInputs.set(uri, { version, findings: mine });
      } else {
        this.last.delete(uri);
        this.lastInputs.delete(uri);
      }
      if (!unchanged) out.push({ uri, ...(version !== undefined ? { version } : {}), diagnostics });
    }
    return out;
  }

  /**
   * A closed file's diagnostics must be re-sent without a version: the file's on disk, or an
   * empty list when the disk version is clean (else the client keeps showing what was found
   * in the discarded buffer). The marker never equals a fingerprint, so the next plan sends.
   */
  forget(uri: string): void {
    if (this.last.has(uri)) this.last.set(uri, CLOSED);
    this.lastInputs.delete(uri);
  }
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
