/**
 * Nix → model: parses every .nix file, finds the hosts, and reads from each host's merged
 * configuration its names, network, mail domains, Dovecot and Postfix instance.
 */
import { posix } from 'node:path';
import type { SourceFile } from '../core/source';
import type { Location } from '../core/text';
import type { FileSummary, Host, HostName, PostfixInstance } from '../model/types';
import type { HostConfig } from './host-config';
import { winning } from './host-config';
import type { ImportGraph, ModuleRef } from './hosts';
import { Workspace, flakeHosts, missingImports } from './hosts';
import { Locations, knownString } from './locate';
import { boolOption, extractNetwork } from './network';
import type { ParsedNix } from './parse';
import { initNixParser, parseNixSync, summarize } from './parse';
import { extractPostfix, type NixPostfix } from './postfix-options';
import { locateInString } from './strings';
import type { Span } from './values';
import type { Tree } from 'web-tree-sitter';
import { evaluateModule } from './module';
import { HostConfig as HostConfigClass } from './host-config';

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
  const ws = new Workspace(parsed);
  const root = options.root.replace(/\\/g, '/').replace(/\/$/, '');
  const rel = (p: string) => (p.startsWith(root + '/') ? p.slice(root.length + 1) : p);
  const hosts: Host[] = [];
  const postfix: PostfixInstance[] = [];
  const inHost = new Set<string>();

  const build = (id: string, name: string | undefined, entry: string, graph: ImportGraph, nameAt?: Span) => {
    const files = [...new Set([entry, ...graph.modules.map((m) => m.file)])];
    files.forEach((f) => inHost.add(f));
    const key = hostKey(root, id, name, entry, graph, nameAt);
    const trees = files.map((f) => parsed.get(f)?.tree);
    const memo = builtHosts.get(id);
    if (memo && memo.key === key && memo.trees.length === trees.length && memo.trees.every((t, i) => t === trees[i])) {
      // Same files with the same trees, same imports: the same facts (and the same objects,
      // so that an incremental analysis sees this host as unchanged).
      hosts.push(memo.host);
      if (memo.instance) postfix.push(memo.instance);
      return;
    }
    const loc = new Locations(sources, startOf(entry));
    const cfg = ws.hostConfig(graph.modules);
    // Read once: the host's names and mail domains come from it, and so does its instance.
    const pf = extractPostfix(cfg, loc);
    const assembled = assembleHost(id, name, entry, files, cfg, loc, graph, pf, nameAt);
    const instance = postfixInstance(assembled.id, cfg, loc, undefined, pf);
    const host = instance ? { ...assembled, postfix: instance.id } : assembled;
    hosts.push(host);
    if (instance) postfix.push(instance);
    if (builtHosts.size >= BUILT_HOSTS_LIMIT && !builtHosts.has(id)) builtHosts.delete(builtHosts.keys().next().value!);
    builtHosts.set(id, { key, trees, host, instance });
  };

  // 1. Flake hosts.
  const flakeFiles = new Set<string>();
  const flakes: { id: string; name: string; file: string; nameAt: Span; graph: ImportGraph; missingDirs: string[] }[] = [];
  for (const p of parsed.values()) {
    for (const fh of flakeHosts(p)) {
      flakeFiles.add(fh.file);
      const g = ws.resolveRefs(fh.modules, fh.file);
      const closure = ws.closure(g.modules);
      closure.modules.forEach((m) => inHost.add(m.file));
      const missingDirs = g.missing.flatMap((m) => (m.ref.value.k === 'path' && !m.ref.value.external && !m.ref.value.p.endsWith('.nix') ? [m.ref.value.p] : []));
      flakes.push({ id: `${rel(fh.file)}#${fh.name}`, name: fh.name, file: fh.file, nameAt: fh.nameAt, graph: { modules: closure.modules, missing: [...g.missing, ...closure.missing] }, missingDirs });
    }
  }

  // 2. Files that set networking.hostName (themselves or through imports), not imported by another.
  const setsHostName = new Map<string, boolean>();
  const ownHostName = (file: string): boolean => {
    let v = setsHostName.get(file);
    if (v === undefined) {
      const p = parsed.get(file)!;
      v = p.file.text.includes('hostName') && singleModule(p).defs(['networking', 'hostName']).length > 0;
      setsHostName.set(file, v);
    }
    return v;
  };
  const closures = new Map<string, ImportGraph>();
  const candidates: string[] = [];
  for (const file of parsed.keys()) {
    if (inHost.has(file) || flakeFiles.has(file)) continue;
    const c = ws.closure([{ file }]);
    if (c.modules.some((m) => !m.inline && ownHostName(m.file))) {
      candidates.push(file);
      closures.set(file, c);
    }
  }
  const imported = new Set<string>();
  for (const c of candidates) for (const m of closures.get(c)!.modules) if (m.file !== c) imported.add(m.file);
  const standalone: string[] = [];
  for (const file of candidates) {
    if (imported.has(file)) continue;
    // A flake host whose directory module (`./nachtigall` → default.nix) is not in the
    // workspace takes the host files found in that directory: that default.nix imports them.
    const owner = flakes.find((f) => f.missingDirs.some((d) => file.startsWith(d + '/')));
    if (owner) {
      const c = closures.get(file)!;
      owner.graph = { modules: [...owner.graph.modules, ...c.modules], missing: [...owner.graph.missing, ...c.missing] };
    } else standalone.push(file);
  }
  for (const f of flakes) build(f.id, f.name, f.file, f.graph, f.nameAt);
  for (const file of standalone) build(rel(file), undefined, file, closures.get(file)!);

  // 3. Modules outside every host that enable Postfix: instances without a host, so the
  // Postfix rules still read them (a shared mail module, a module of another repository).
  const importedAnywhere = new Set<string>();
  for (const file of parsed.keys()) for (const m of ws.directImports(file).modules) if (m.file !== file) importedAnywhere.add(m.file);
  for (const file of parsed.keys()) {
    if (inHost.has(file) || importedAnywhere.has(file) || flakeFiles.has(file)) continue;
    const text = parsed.get(file)!.file.text;
    if (!/postfix|mailserver/.test(text)) continue;
    const g = ws.closure([{ file }]);
    const cfg = ws.hostConfig(g.modules);
    const loc = new Locations(sources, startOf(file));
    const instance = postfixInstance(undefined, cfg, loc, rel(file));
    if (instance) postfix.push(instance);
  }
  return { hosts, postfix, summaries };
}

/**
 * Hosts built before, by id: reused while every file of the host has the same tree and the
 * import graph is the same (the editor re-analyses after each keystroke; only hosts that
 * contain the edited file are evaluated again).
 */
const builtHosts = new Map<string, { key: string; trees: (Tree | undefined)[]; host: Host; instance: PostfixInstance | undefined }>();
const BUILT_HOSTS_LIMIT = 20000;

function hostKey(root: string, id: string, name: string | undefined, entry: string, graph: ImportGraph, nameAt: Span | undefined): string {
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

function startOf(file: string): Location {
  return { file, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
}

function singleModule(p: ParsedNix): HostConfig {
  const cfg = new HostConfigClass();
  cfg.setModules([evaluateModule(p)]);
  return cfg;
}

function lastKnownString(cfg: HostConfig, path: readonly string[]) {
  const defs = winning(cfg.defs(path));
  const d = defs[defs.length - 1];
  return d ? { def: d, str: knownString(d.value) } : undefined;
}

function assembleHost(id: string, flakeName: string | undefined, entry: string, files: string[], cfg: HostConfig, loc: Locations, graph: ImportGraph, pf: NixPostfix, nameAt?: Span): Host {
  const names: HostName[] = [];
  const addName = (name: string, source: HostName['source'], at: Location) => {
    const n = name.trim().toLowerCase().replace(/\.$/, '');
    if (n && !names.some((x) => x.name === n && x.source === source)) names.push({ name: n, source, at });
  };
  const hostName = lastKnownString(cfg, ['networking', 'hostName']);
  const domain = lastKnownString(cfg, ['networking', 'domain'])?.str;
  let anchor = nameAt ? loc.of(nameAt) : loc.fallback;
  if (hostName?.def) anchor = loc.of(hostName.def.bindingAt);
  if (hostName?.str && hostName.str.s) {
    const h = hostName.str.s;
    addName(domain && domain.s && !h.includes('.') ? `${h}.${domain.s}` : h, 'networking.hostName', loc.content(hostName.str));
  }
  const fqdn = lastKnownString(cfg, ['networking', 'fqdn'])?.str;
  if (fqdn) addName(fqdn.s, 'networking.fqdn', loc.content(fqdn));
  const pfHost = lastKnownString(cfg, ['services', 'postfix', 'hostname'])?.str;
  if (pfHost) addName(pfHost.s, 'services.postfix.hostname', loc.content(pfHost));
  const msFqdn = lastKnownString(cfg, ['mailserver', 'fqdn'])?.str;
  if (msFqdn) addName(msFqdn.s, 'mailserver.fqdn', loc.content(msFqdn));
  if (flakeName && nameAt && !names.length) addName(flakeName, 'flake.nixosConfigurations', loc.of(nameAt));

  const mailDomains: { domain: string; at: Location }[] = [];
  const addDomain = (d: string, at: Location) => {
    const n = d.trim().toLowerCase().replace(/\.$/, '');
    if (/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(n) && !mailDomains.some((x) => x.domain === n)) mailDomains.push({ domain: n, at });
  };
  for (const d of winning(cfg.defs(['mailserver', 'domains']))) {
    if (d.value.k !== 'list') continue;
    for (const item of d.value.items) {
      const s = knownString(item.force());
      if (s) addDomain(s.s, loc.content(s));
    }
  }
  const network = extractNetwork(cfg, loc);
  const shortName = hostName?.str?.s || flakeName || defaultName(entry);
  for (const p of pf.main) {
    if (p.value === null) continue;
    if (p.name === 'mydomain') addDomain(p.value, p.valueAt);
    if (p.name === 'myhostname') addName(p.value, 'myhostname', p.valueAt);
    if (p.name === 'mydestination') for (const it of p.items) if (!it.text.startsWith('$') && it.text !== 'localhost') addDomain(it.text, it.at);
  }
  const dovecot = boolOption(cfg, ['services', 'dovecot2', 'enable']) === true || boolOption(cfg, ['mailserver', 'enable']) === true;
  return {
    id,
    kind: 'nixos',
    name: shortName,
    entry,
    files,
    names,
    network,
    mailDomains,
    dovecot,
    missingImports: missingImports(graph, loc),
    anchor,
  };
}

function defaultName(entry: string): string {
  const base = posix.basename(entry, '.nix');
  return base === 'default' || base === 'configuration' ? posix.basename(posix.dirname(entry)) : base;
}

/** `services.postfix.enable = true` (or simple-nixos-mailserver's `mailserver.enable`, which enables it). */
function postfixInstance(hostId: string | undefined, cfg: HostConfig, loc: Locations, fallbackId?: string, extracted?: NixPostfix): PostfixInstance | undefined {
  let enableDefs = winning(cfg.defs(['services', 'postfix', 'enable']));
  let enabled = boolOption(cfg, ['services', 'postfix', 'enable']) === true;
  if (!enabled && boolOption(cfg, ['mailserver', 'enable']) === true) {
    enabled = true;
    enableDefs = winning(cfg.defs(['mailserver', 'enable']));
  }
  if (!enabled) return undefined;
  const d = enableDefs[enableDefs.length - 1];
  const pf = extracted ?? extractPostfix(cfg, loc);
  const id = `nixos:${hostId ?? fallbackId ?? d.file}`;
  return {
    id,
    ...(hostId ? { host: hostId } : {}),
    origin: { kind: 'nixos', file: d.file },
    definedAt: loc.of(d.bindingAt),
    main: pf.main,
    master: pf.master,
    masterProblems: pf.masterProblems,
    templated: pf.templated,
    nixOptions: pf.options,
  };
}

// Re-exported for callers that locate inside Nix strings (edit builders).
export { locateInString };
export type { ModuleRef };
