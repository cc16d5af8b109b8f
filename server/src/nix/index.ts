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
    const graph = imports.graphOf(task);
    // Field by field: an object spread that then gains properties (here `graph`) gets a hidden
    // class of its own in V8 11, so every host's inputs had one and buildHost's reads of them
    // missed their inline caches.
    const files = hostFiles(task.entry, graph);
    const inputs: HostInputs = { id: task.id, name: task.name, entry: task.entry, nameAt: task.nameAt, graph, files };
    const key = hostKey(options.root, inputs);
    const trees = files.map((f) => parsed.get(f)?.tree);
    const memo = builtHosts.get(task.id);
    // Same files with the same trees, same imports: the same facts (and the same objects,
    // so that an incremental analysis sees this host as unchanged).
    const built = memo && sameItems(memo.key, key) && sameItems(memo.trees, trees) ? memo.built : buildHost(imports.ws, sources, inputs);
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
const builtHosts = new Map<string, { key: HostKey; trees: (Tree | undefined)[]; built: BuiltHost }>();
const BUILT_HOSTS_LIMIT = 20000;

/**
 * What a host's facts depend on besides its files' trees, as a flat list compared item by
 * item (no string is built per host): its id, names, the module order (inline modules by
 * position) and the imports that did not resolve.
 */
type HostKey = readonly (string | number | undefined)[];

function hostKey(root: string, { id, name, entry, graph, nameAt }: HostInputs): HostKey {
  const key: (string | number | undefined)[] = [root, id, name, entry, nameAt?.file, nameAt?.start, nameAt?.end, graph.modules.length];
  for (const m of graph.modules) key.push(m.file, m.inline?.at.start, m.inline?.at.end);
  for (const m of graph.missing) key.push(m.from, m.ref.at.file, m.ref.at.start, m.reason);
  return key;
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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
