/**
 * Import facts as plain data: what a worker learns from the trees of its files, enough for
 * the main thread to plan the hosts of the whole workspace without any tree.
 */
import type { FileSummary } from '../../model/types';
import type { FlakeFacts, ImportFacts, ModuleEntry, WorkspaceImports } from '../host-plan';
import { importClosure, type ModuleRef } from '../hosts';
import type { Span } from '../values';

/** An imported module: a file, or (with `sub`) a module written inline and what it imports. */
export interface ImportEdge {
  readonly file: string;
  readonly sub?: readonly ImportEdge[];
}

export interface FileFacts {
  readonly summary: FileSummary;
  readonly imports: readonly ImportEdge[];
  readonly flakes: readonly { readonly name: string; readonly nameAt: Span; readonly roots: readonly ImportEdge[]; readonly missingDirs: readonly string[] }[];
  readonly setsHostName: boolean;
}

/** Worker side: one file's facts, read through the worker's Workspace. */
export function fileFacts(imports: WorkspaceImports, file: string, summary: FileSummary): FileFacts {
  const edges = (modules: readonly ModuleRef[]): ImportEdge[] =>
    modules.map((m) => (m.inline ? { file: m.file, sub: edges(imports.ws.inlineImports(m.inline, m.file).modules) } : { file: m.file }));
  return {
    summary,
    imports: edges(imports.ws.directImports(file).modules),
    flakes: imports.flakeEntries(file).map((f) => ({ name: f.facts.name, nameAt: f.facts.nameAt, roots: edges(f.roots), missingDirs: f.facts.missingDirs })),
    setsHostName: imports.setsHostName(file),
  };
}

/** Main side: the workspace's import facts, assembled from every worker's files. */
export class EdgeImports implements ImportFacts {
  private readonly flakeMemo = new Map<string, readonly FlakeFacts[]>();

  constructor(
    readonly files: readonly string[],
    private readonly texts: ReadonlyMap<string, string>,
    private readonly facts: ReadonlyMap<string, FileFacts>,
  ) {}

  text(file: string): string {
    return this.texts.get(file) ?? '';
  }

  flakes(file: string): readonly FlakeFacts[] {
    let out = this.flakeMemo.get(file);
    if (!out) {
      out = (this.facts.get(file)?.flakes ?? []).map((f) => ({ name: f.name, nameAt: f.nameAt, closure: this.closureOf(f.roots), missingDirs: f.missingDirs }));
      this.flakeMemo.set(file, out);
    }
    return out;
  }

  closure(file: string): readonly ModuleEntry[] {
    return this.closureOf([{ file }]);
  }

  directImportFiles(file: string): readonly string[] {
    return (this.facts.get(file)?.imports ?? []).map((e) => e.file);
  }

  setsHostName(file: string): boolean {
    return this.facts.get(file)?.setsHostName ?? false;
  }

  private closureOf(entries: readonly ImportEdge[]): ModuleEntry[] {
    return importClosure(entries, (e) => !!e.sub, (e) => e.sub ?? this.facts.get(e.file)?.imports ?? []).map((e) => ({ file: e.file, inline: !!e.sub }));
  }
}
