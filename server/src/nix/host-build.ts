/**
 * Building one host's facts from its modules: names, network, mail domains, Dovecot and its
 * Postfix instance, all read from the host's merged configuration.
 */
import { posix } from 'node:path';
import type { SourceFile } from '../core/source';
import type { Location } from '../core/text';
import type { Host, HostName, PostfixInstance } from '../model/types';
import type { OptionReader } from './host-config';
import { lastDef } from './host-config';
import type { ImportGraph, Workspace } from './hosts';
import { missingImports } from './hosts';
import { Locations, knownString, type Writable } from './locate';
import { boolOption, extractNetwork, winningBool } from './network';
import { extractPostfix, type NixPostfix } from './postfix-options';
import type { Span } from './values';

/** What a host is built from: its id and names as discovered, and its modules. */
export interface HostInputs {
  readonly id: string;
  /** The flake attribute name, for flake hosts. */
  readonly name?: string;
  readonly entry: string;
  readonly nameAt?: Span;
  readonly graph: ImportGraph;
  /** hostFiles(entry, graph), when the caller has them already. */
  readonly files?: readonly string[];
}

export interface BuiltHost {
  readonly host: Host;
  readonly instance?: PostfixInstance;
}

/** Every file of a host: its entry, then its modules' files, each once. */
export function hostFiles(entry: string, graph: ImportGraph): string[] {
  const files = new Set([entry]);
  for (const m of graph.modules) files.add(m.file);
  return [...files];
}

/** The parts of a host's configuration most of its facts are read from, each walked to once. */
interface HostParts {
  readonly networking: OptionReader;
  readonly postfix: OptionReader;
  readonly mailserver: OptionReader;
}

function partsOf(cfg: OptionReader): HostParts {
  return { networking: cfg.under(['networking']), postfix: cfg.under(['services', 'postfix']), mailserver: cfg.under(['mailserver']) };
}

export function buildHost(ws: Workspace, sources: ReadonlyMap<string, SourceFile>, h: HostInputs): BuiltHost {
  const loc = new Locations(sources, startOf(h.entry));
  const cfg = ws.hostConfig(h.graph.modules);
  const parts = partsOf(cfg);
  // Read once: the host's names and mail domains come from it, and so does its instance.
  const pf = extractPostfix(parts.postfix, loc);
  const assembled = assembleHost(h.id, h.name, h.entry, h.files ?? hostFiles(h.entry, h.graph), cfg, parts, loc, h.graph, pf, h.nameAt);
  const instance = postfixInstance(assembled.id, parts, loc, undefined, pf);
  if (!instance) return { host: assembled };
  // Added last, as a spread of the host would place it, without copying the host.
  (assembled as Writable<Host>).postfix = instance.id;
  return { host: assembled, instance };
}

/** A module outside every host that enables Postfix: an instance without a host. */
export function buildOrphanInstance(ws: Workspace, sources: ReadonlyMap<string, SourceFile>, file: string, id: string): PostfixInstance | undefined {
  const g = ws.closure([{ file }]);
  // No host decides its `mkIf` conditions: read what it sets when enabled.
  const cfg = ws.hostConfig(g.modules, 'would-enable');
  const parts = { postfix: cfg.under(['services', 'postfix']), mailserver: cfg.under(['mailserver']) };
  return postfixInstance(undefined, parts, new Locations(sources, startOf(file)), id);
}

export function startOf(file: string): Location {
  return { file, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
}

function lastKnownString(cfg: OptionReader, path: readonly string[]) {
  const d = lastDef(cfg.effective(path));
  return d ? { def: d, str: knownString(d.value) } : undefined;
}

function assembleHost(id: string, flakeName: string | undefined, entry: string, files: readonly string[], cfg: OptionReader, parts: HostParts, loc: Locations, graph: ImportGraph, pf: NixPostfix, nameAt?: Span): Host {
  const { networking, postfix, mailserver } = parts;
  const names: HostName[] = [];
  const addName = (name: string, source: HostName['source'], at: Location) => {
    const n = name.trim().toLowerCase().replace(/\.$/, '');
    if (n && !names.some((x) => x.name === n && x.source === source)) names.push({ name: n, source, at });
  };
  const hostName = lastKnownString(networking, ['hostName']);
  const domain = lastKnownString(networking, ['domain'])?.str;
  let anchor = nameAt ? loc.of(nameAt) : loc.fallback;
  if (hostName?.def) anchor = loc.of(hostName.def.bindingAt);
  if (hostName?.str && hostName.str.s) {
    const h = hostName.str.s;
    addName(domain && domain.s && !h.includes('.') ? `${h}.${domain.s}` : h, 'networking.hostName', loc.content(hostName.str));
  }
  const fqdn = lastKnownString(networking, ['fqdn'])?.str;
  if (fqdn) addName(fqdn.s, 'networking.fqdn', loc.content(fqdn));
  const pfHost = lastKnownString(postfix, ['hostname'])?.str;
  if (pfHost) addName(pfHost.s, 'services.postfix.hostname', loc.content(pfHost));
  const msFqdn = lastKnownString(mailserver, ['fqdn'])?.str;
  if (msFqdn) addName(msFqdn.s, 'mailserver.fqdn', loc.content(msFqdn));
  if (flakeName && nameAt && !names.length) addName(flakeName, 'flake.nixosConfigurations', loc.of(nameAt));

  const mailDomains: { domain: string; at: Location }[] = [];
  const addDomain = (d: string, at: Location) => {
    const n = d.trim().toLowerCase().replace(/\.$/, '');
    if (/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(n) && !mailDomains.some((x) => x.domain === n)) mailDomains.push({ domain: n, at });
  };
  for (const d of mailserver.effective(['domains'])) {
    if (d.value.k !== 'list') continue;
    for (const item of d.value.items) {
      const s = knownString(item.force());
      if (s) addDomain(s.s, loc.content(s));
    }
  }
  const network = extractNetwork(cfg, loc, networking);
  const shortName = hostName?.str?.s || flakeName || defaultName(entry);
  for (const p of pf.main) {
    if (p.value === null) continue;
    if (p.name === 'mydomain') addDomain(p.value, p.valueAt);
    if (p.name === 'myhostname') addName(p.value, 'myhostname', p.valueAt);
    if (p.name === 'mydestination') for (const it of p.items) if (!it.text.startsWith('$') && it.text !== 'localhost') addDomain(it.text, it.at);
  }
  const dovecot = boolOption(cfg, ['services', 'dovecot2', 'enable']) === true || boolOption(mailserver, ['enable']) === true;
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
function postfixInstance(hostId: string | undefined, parts: Pick<HostParts, 'postfix' | 'mailserver'>, loc: Locations, fallbackId?: string, extracted?: NixPostfix): PostfixInstance | undefined {
  let enableDefs = parts.postfix.effective(['enable']);
  if (winningBool(enableDefs) !== true) {
    enableDefs = parts.mailserver.effective(['enable']);
    if (winningBool(enableDefs) !== true) return undefined;
  }
  const d = enableDefs[enableDefs.length - 1];
  const pf = extracted ?? extractPostfix(parts.postfix, loc);
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

