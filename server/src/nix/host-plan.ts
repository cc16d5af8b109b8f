/**
 * Which hosts a workspace has (rules.md) and what each is built from, decided from per-file
 * import facts only (`ImportFacts`: closures, flake hosts, which files set
 * `networking.hostName`), which `WorkspaceImports` reads from the parsed trees. Building the
 * hosts is host-build.ts's.
 */
import { HostConfig } from './host-config';
import type { ImportGraph, Workspace } from './hosts';
import { flakeHosts } from './hosts';
import { literalModuleFacts } from './literal-module';
import { evaluateModule } from './module';
import type { ParsedNix } from './parse';
import type { Span } from './values';
import type { Tree } from 'web-tree-sitter';

/** A module of an import closure: a file, or (with `inline`) a module written inline in that file. */
export interface ModuleEntry {
  readonly file: string;
  readonly inline?: unknown;
}

export interface FlakeFacts {
  readonly name: string;
  readonly nameAt: Span;
  /** The closure of its `modules` list. */
  readonly closure: readonly ModuleEntry[];
  /** Directories its `modules` list names that are not in the workspace (`./nachtigall`). */
  readonly missingDirs: readonly string[];
}

export interface ImportFacts {
  /** The workspace's .nix files, in the order the analysis reports them. */
  readonly files: readonly string[];
  text(file: string): string;
  flakes(file: string): readonly FlakeFacts[];
  /** The file and everything it imports, each file once, in import order. */
  closure(file: string): readonly ModuleEntry[];
  /** The files its own `imports` name (inline modules count as their own file). */
  directImportFiles(file: string): readonly string[];
  /** Whether the file itself defines `networking.hostName`. */
  setsHostName(file: string): boolean;
}

/** Where a host's module list comes from, recomputed where the trees are. */
export type GraphPart = { readonly flake: string; readonly index: number } | { readonly closureOf: string };

export interface HostTask {
  readonly id: string;
  readonly name?: string;
  readonly entry: string;
  readonly nameAt?: Span;
  readonly parts: readonly GraphPart[];
}

export interface HostPlan {
  readonly hosts: readonly HostTask[];
  /** Modules outside every host that may enable Postfix (a shared mail module): id per file. */
  readonly orphans: readonly { readonly file: string; readonly id: string }[];
}

/**
 * The hosts: the modules of each `nixosConfigurations.<name>`; otherwise every file that sets
 * `networking.hostName` (itself or through its imports) and is not imported by another host
 * candidate. A flake host whose directory module (`./nachtigall` → default.nix) is not in
 * the workspace takes the host files found in that directory.
 */
export function planHosts(facts: ImportFacts, root: string): HostPlan {
  const rel = relativeTo(root);
  const inHost = new Set<string>();
  const flakeFiles = new Set<string>();
  const flakes: { task: HostTask & { parts: GraphPart[] }; missingDirs: readonly string[] }[] = [];
  for (const file of facts.files) {
    facts.flakes(file).forEach((fh, index) => {
      flakeFiles.add(file);
      fh.closure.forEach((m) => inHost.add(m.file));
      flakes.push({ task: { id: `${rel(file)}#${fh.name}`, name: fh.name, entry: file, nameAt: fh.nameAt, parts: [{ flake: file, index }] }, missingDirs: fh.missingDirs });
    });
  }

  const candidates: string[] = [];
  const closures = new Map<string, readonly ModuleEntry[]>();
  for (const file of facts.files) {
    if (inHost.has(file) || flakeFiles.has(file)) continue;
    const c = facts.closure(file);
    if (c.some((m) => !m.inline && facts.setsHostName(m.file))) {
      candidates.push(file);
      closures.set(file, c);
    }
  }
  const imported = new Set<string>();
  for (const c of candidates) for (const m of closures.get(c)!) if (m.file !== c) imported.add(m.file);
  const standalone: HostTask[] = [];
  for (const file of candidates) {
    if (imported.has(file)) continue;
    const owner = flakes.find((f) => f.missingDirs.some((d) => file.startsWith(d + '/')));
    if (owner) owner.task.parts.push({ closureOf: file });
    else standalone.push({ id: rel(file), entry: file, parts: [{ closureOf: file }] });
  }
  const hosts = [...flakes.map((f) => f.task), ...standalone];
  for (const h of hosts) {
    inHost.add(h.entry);
    for (const p of h.parts) if ('closureOf' in p) closures.get(p.closureOf)!.forEach((m) => inHost.add(m.file));
  }

  const importedAnywhere = new Set<string>();
  for (const file of facts.files) for (const f of facts.directImportFiles(file)) if (f !== file) importedAnywhere.add(f);
  const orphans = facts.files
    .filter((file) => !inHost.has(file) && !importedAnywhere.has(file) && !flakeFiles.has(file) && /postfix|mailserver/.test(facts.text(file)))
    .map((file) => ({ file, id: rel(file) }));
  return { hosts, orphans };
}

export function relativeTo(root: string): (path: string) => string {
  const r = root.replace(/\\/g, '/').replace(/\/$/, '');
  return (p) => (p.startsWith(r + '/') ? p.slice(r.length + 1) : p);
}

/** Import facts read from parsed trees through a Workspace; it also gives a task its graph. */
export class WorkspaceImports implements ImportFacts {
  private readonly closures = new Map<string, ImportGraph>();
  private readonly flakeGraphs = new Map<string, { facts: FlakeFacts; graph: ImportGraph }[]>();

  constructor(
    readonly ws: Workspace,
    private readonly parsed: { get(file: string): ParsedNix | undefined },
    readonly files: readonly string[],
  ) {}

  text(file: string): string {
    return this.parsed.get(file)?.file.text ?? '';
  }

  flakes(file: string): readonly FlakeFacts[] {
    return this.flakeEntries(file).map((f) => f.facts);
  }

  closure(file: string): readonly ModuleEntry[] {
    return this.closureGraph(file).modules;
  }

  directImportFiles(file: string): readonly string[] {
    return this.ws.directImports(file).modules.map((m) => m.file);
  }

  setsHostName(file: string): boolean {
    const p = this.parsed.get(file);
    return !!p && setsHostName(p);
  }

  /** The modules of a planned host, in the order its parts name them. */
  graphOf(task: HostTask): ImportGraph {
    const graphs = task.parts.map((p) => ('flake' in p ? this.flakeEntries(p.flake)[p.index].graph : this.closureGraph(p.closureOf)));
    return graphs.length === 1 ? graphs[0] : { modules: graphs.flatMap((g) => g.modules), missing: graphs.flatMap((g) => g.missing) };
  }

  private closureGraph(file: string): ImportGraph {
    let g = this.closures.get(file);
    if (!g) this.closures.set(file, (g = this.ws.closure([{ file }])));
    return g;
  }

  private flakeEntries(file: string): { facts: FlakeFacts; graph: ImportGraph }[] {
    let entries = this.flakeGraphs.get(file);
    if (!entries) {
      const p = this.parsed.get(file);
      entries = (p ? flakeHosts(p) : []).map((fh) => {
        const g = this.ws.resolveRefs(fh.modules, fh.file);
        const closure = this.ws.closure(g.modules);
        const missingDirs = g.missing.flatMap((m) => (m.ref.value.k === 'path' && !m.ref.value.external && !m.ref.value.p.endsWith('.nix') ? [m.ref.value.p] : []));
        const graph = { modules: closure.modules, missing: [...g.missing, ...closure.missing] };
        return { facts: { name: fh.name, nameAt: fh.nameAt, closure: closure.modules, missingDirs }, graph };
      });
      this.flakeGraphs.set(file, entries);
    }
    return entries;
  }
}

/**
 * Whether a file sets `networking.hostName` itself: a fact of its tree alone, kept per tree
 * (the editor asks it of every host file after each keystroke).
 */
const hostNameMemo = new WeakMap<Tree, boolean>();

function setsHostName(p: ParsedNix): boolean {
  let v = hostNameMemo.get(p.tree);
  if (v === undefined) {
    v = p.file.text.includes('hostName') && (literalModuleFacts(p)?.setsHostName ?? singleModule(p).defs(['networking', 'hostName']).length > 0);
    hostNameMemo.set(p.tree, v);
  }
  return v;
}

function singleModule(p: ParsedNix): HostConfig {
  const cfg = new HostConfig();
  cfg.setModules([evaluateModule(p)]);
  return cfg;
}
