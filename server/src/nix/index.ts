/**
 * Nix → model: parses every .nix file, finds the hosts, and reads from each host's merged
 * configuration its names, network, mail domains, Dovecot and Postfix instance.
 */
import type { SourceFile } from '../core/source';
import type { FileSummary, Host, PostfixInstance } from '../model/types';
import type { BuiltHost, HostInputs } from './host-build';
import { buildHost, buildOrphanInstance, hostFiles } from './host-build';
import { planHosts, WorkspaceImports } from './host-plan';
import type { ModuleRef } from './hosts';
import { Workspace } from './hosts';
import type { ParsedNix } from './parse';
import { initNixParser, parseNixSync, summarize } from './parse';
import { locateInString } from './strings';
import type { Tree } from 'web-tree-sitter';

export { parseNix, parseNixSync, initNixParser, syntaxErrors, suppressions, isTrailingCommaGap } from './parse';
export type { ParsedNix } from './parse';

export interface NixAnalysis {
  readonly hosts: Host[];
  readonly postfix: PostfixInstance[];
  readonly summaries: FileSummary[];
}

export async function analyzeNix(files: readonly SourceFile[], options: { root: string }): Promise<NixAnalysis> {
  await initNixParser();
  const nixFiles = files.filter((f) => f.kind === 'nix');
  const parsed = new Map<string, ParsedNix>();
  const sources = new Map<string, SourceFile>();
  const summaries: FileSummary[] = [];
  for (const f of nixFiles) {
    const p = parseNixSync(f);
    parsed.set(f.path, p);
    sources.set(f.path, f);
    summaries.push(summaryOf(p));
  }
  const imports = new WorkspaceImports(new Workspace(parsed), parsed, [...parsed.keys()]);
  const plan = planHosts(imports, options.root);
  const hosts: Host[] = [];
  const postfix: PostfixInstance[] = [];
  for (const task of plan.hosts) {
    const inputs = { ...task, graph: imports.graphOf(task) };
    const key = hostKey(options.root, inputs);
    const trees = hostFiles(task.entry, inputs.graph).map((f) => parsed.get(f)?.tree);
    const memo = builtHosts.get(task.id);
    // Same files with the same trees, same imports: the same facts (and the same objects,
    // so that an incremental analysis sees this host as unchanged).
    const built = memo && memo.key === key && memo.trees.length === trees.length && memo.trees.every((t, i) => t === trees[i]) ? memo.built : buildHost(imports.ws, sources, inputs);
    hosts.push(built.host);
    if (built.instance) postfix.push(built.instance);
    if (builtHosts.size >= BUILT_HOSTS_LIMIT && !builtHosts.has(task.id)) builtHosts.delete(builtHosts.keys().next().value!);
    builtHosts.set(task.id, { key, trees, built });
  }
  for (const o of plan.orphans) {
    const instance = buildOrphanInstance(imports.ws, sources, o.file, o.id);
    if (instance) postfix.push(instance);
  }
  return { hosts, postfix, summaries };
}

/**
 * Hosts built before, by id: reused while every file of the host has the same tree and the
 * import graph is the same (the editor re-analyses after each keystroke; only hosts that
 * contain the edited file are evaluated again).
 */
const builtHosts = new Map<string, { key: string; trees: (Tree | undefined)[]; built: BuiltHost }>();
const BUILT_HOSTS_LIMIT = 20000;

function hostKey(root: string, { id, name, entry, graph, nameAt }: HostInputs): string {
  const modules = graph.modules.map((m) => (m.inline ? `${m.file}#${m.inline.at.start}-${m.inline.at.end}` : m.file)).join('\n');
  const missing = graph.missing.map((m) => `${m.from}@${m.ref.at.file}:${m.ref.at.start}:${m.reason}`).join('\n');
  return `${root}\0${id}\0${name ?? ''}\0${entry}\0${nameAt ? `${nameAt.file}:${nameAt.start}-${nameAt.end}` : ''}\0${modules}\0${missing}`;
}

const summaryMemo = new WeakMap<Tree, FileSummary>();

function summaryOf(p: ParsedNix): FileSummary {
  let s = summaryMemo.get(p.tree);
  if (!s) summaryMemo.set(p.tree, (s = summarize(p)));
  return s;
}

// Re-exported for callers that locate inside Nix strings (edit builders).
export { locateInString };
export type { ModuleRef };
