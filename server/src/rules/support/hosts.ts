/**
 * Which addresses a host has and which names belong to it (docs: design rules.md, top part).
 *
 * - Configured addresses: `networking.interfaces` and `systemd.network` claims. A standalone
 *   Postfix host (kind 'postfix') configures none: its addresses are the A/AAAA of its names,
 *   marked as inferred from DNS.
 * - Names: the configured ones, plus names whose A/AAAA equals a configured address, plus MX
 *   targets of its mail domains. DNS cannot be enumerated, so the "A/AAAA equals" names are
 *   found from the candidates the repository gives: MX targets of the mail domains and PTR
 *   names of the configured addresses. Both lists are capped, so a host costs a bounded
 *   number of lookups.
 */
import type { Location } from '../../core/text';
import type { DnsAnswer, DnsRecord } from '../../dns/types';
import type { AddressClaim, Host, InfraModel, PostfixInstance } from '../../model/types';
import { wholeModel } from '../../model/types';
import { recordsOf, type Lookups } from './dns';
import { ahead, allAhead, NO_ANSWERS } from './in-order';
import { isGlobalV6, isSlaacForm, parseAddress, sameNetwork, type Ip } from './ip';
import { oncePerObject } from './memo';

const MAX_MAIL_DOMAINS = 8;
const MAX_MX_TARGETS = 8;
const MAX_PTR_ADDRESSES = 8;

export interface HostAddress {
  readonly ip: Ip;
  readonly prefixLength?: number;
  readonly interface?: string;
  /** The configuration that claims it. */
  readonly claim?: AddressClaim;
  /** For a standalone Postfix host: the DNS record it was inferred from. */
  readonly inferred?: { readonly name: string; readonly record: DnsRecord; readonly answer: DnsAnswer };
  /** The claim's literal, or the DNS record's zone line. */
  readonly at?: Location;
}

function fromClaim(c: AddressClaim): HostAddress | undefined {
  const ip = parseAddress(c.address);
  return ip ? { ip, prefixLength: c.prefixLength, interface: c.interface, claim: c, at: c.at } : undefined;
}

/** Addresses the host's network configuration claims (not Postfix settings, not DNS); parsed once per host: every rule and every cross-host index asks. */
export const configuredAddresses: (host: Host) => readonly HostAddress[] = oncePerObject((host) =>
  host.network.addresses
    .filter((c) => c.source === 'networking.interfaces' || c.source === 'systemd.network')
    .map(fromClaim)
    .filter((a): a is HostAddress => !!a),
);

interface HostIndex {
  /** Position in `model.hosts` of the first host with each id, and with each Postfix instance id. */
  readonly byId: Map<string, number>;
  readonly byPostfix: Map<string, number>;
}

const hostIndexes = new WeakMap<InfraModel, HostIndex>();

/** Built once per model (slices included): rules look up the host of every Postfix instance, and a scan per instance is quadratic in the fleet. */
function hostIndex(model: InfraModel): HostIndex {
  let index = hostIndexes.get(model);
  if (!index) {
    index = { byId: new Map(), byPostfix: new Map() };
    model.hosts.forEach((h, i) => {
      if (!index!.byId.has(h.id)) index!.byId.set(h.id, i);
      if (h.postfix !== undefined && !index!.byPostfix.has(h.postfix)) index!.byPostfix.set(h.postfix, i);
    });
    hostIndexes.set(model, index);
  }
  return index;
}

/** The host with this id, as `model.hosts.find((h) => h.id === id)` gives it (the first). */
export function hostById(model: InfraModel, id: string | undefined): Host | undefined {
  const i = id === undefined ? undefined : hostIndex(model).byId.get(id);
  return i === undefined ? undefined : model.hosts[i];
}

/** The host of an instance, as `model.hosts.find((h) => h.id === instance.host || h.postfix === instance.id)` gives it. */
export function hostOfInstance(model: InfraModel, instance: PostfixInstance): Host | undefined {
  const index = hostIndex(model);
  const byId = instance.host === undefined ? undefined : index.byId.get(instance.host);
  const byPostfix = index.byPostfix.get(instance.id);
  const i = byId === undefined ? byPostfix : byPostfix === undefined ? byId : Math.min(byId, byPostfix);
  return i === undefined ? undefined : model.hosts[i];
}

export function isInferredHost(host: Host): boolean {
  return host.kind === 'postfix';
}

/**
 * Configured addresses; for a standalone Postfix host, the A/AAAA of its names (inferred).
 * Not an async function: a configured host's are known at once, and rules ask for every host.
 */
export function hostAddresses(host: Host, look: Lookups): Promise<readonly HostAddress[]> {
  return isInferredHost(host) ? inferredAddresses(host, look) : Promise.resolve(configuredAddresses(host));
}

async function inferredAddresses(host: Host, look: Lookups): Promise<readonly HostAddress[]> {
  const out = [...configuredAddresses(host)];
  const seen = new Set(out.map((a) => a.ip.text));
  // Every question asked at once, the answers read in the order a loop would.
  const answers = await bothFamilies(host.names.map((n) => n.name), look);
  host.names.forEach((n, i) => {
    for (const [type, answer] of [['A', answers[i].a], ['AAAA', answers[i].aaaa]] as const) {
      for (const r of recordsOf(answer, type)) {
        const ip = parseAddress(String(r.data));
        if (!ip || seen.has(ip.text)) continue;
        seen.add(ip.text);
        out.push({ ip, inferred: { name: n.name, record: r, answer }, at: r.at });
      }
    }
  });
  return out;
}

interface Families {
  readonly a: DnsAnswer;
  readonly aaaa: DnsAnswer;
}

/**
 * Each name's A and AAAA answers, every question on its way at once, asked in the order a loop
 * over the names would ask them (A, then AAAA). One combinator for all of them: an async
 * function and a `Promise.all` per name were a visible part of every host's walk.
 */
function bothFamilies(names: readonly string[], look: Lookups): Promise<readonly Families[]> {
  if (names.length === 0) return NO_ANSWERS;
  const asked: Promise<DnsAnswer>[] = [];
  for (let i = 0; i < names.length; i++) asked.push(look.query(names[i], 'A'), look.query(names[i], 'AAAA'));
  return Promise.all(asked).then(inPairs);
}

function inPairs(answers: readonly DnsAnswer[]): Families[] {
  const out: Families[] = [];
  for (let i = 0; i < answers.length; i += 2) out.push({ a: answers[i], aaaa: answers[i + 1] });
  return out;
}

const owners = new WeakMap<InfraModel, Map<string, Host[]>>();

/** Hosts of the repository that configure each address (canonical text). */
export function addressOwners(slice: InfraModel): Map<string, Host[]> {
  const model = wholeModel(slice);
  let map = owners.get(model);
  if (map) return map;
  map = new Map();
  for (const h of model.hosts) {
    for (const a of configuredAddresses(h)) {
      const list = map.get(a.ip.text) ?? [];
      if (!list.includes(h)) list.push(h);
      map.set(a.ip.text, list);
    }
  }
  owners.set(model, map);
  return map;
}

const nameOwnerMaps = new WeakMap<InfraModel, Map<string, Host[]>>();

/** Every configured name of every host, lower case → hosts (once per model: asked per host). */
export function nameOwners(slice: InfraModel): Map<string, Host[]> {
  const model = wholeModel(slice);
  let map = nameOwnerMaps.get(model);
  if (map) return map;
  map = new Map<string, Host[]>();
  nameOwnerMaps.set(model, map);
  for (const h of model.hosts) {
    for (const n of h.names) {
      const list = map.get(n.name) ?? [];
      if (!list.includes(h)) list.push(h);
      map.set(n.name, list);
    }
  }
  return map;
}

export interface HostNameInfo {
  readonly name: string;
  /** config: a configured name; address: its A/AAAA is one of the host's addresses; mx: an MX target of a mail domain. */
  readonly via: 'config' | 'address' | 'mx';
  /** The configuration that names it (config), or the mail domain (mx). */
  readonly at?: Location;
  /** Why it belongs, for messages ("MX of acme.example"). */
  readonly because: string;
  readonly a: DnsAnswer;
  readonly aaaa: DnsAnswer;
}

function addressesIn(answer: DnsAnswer, type: 'A' | 'AAAA'): string[] {
  return recordsOf(answer, type)
    .map((r) => parseAddress(String(r.data))?.text)
    .filter((t): t is string => !!t);
}

/**
 * The names that belong to the host, each with its A and AAAA answers. An MX target or PTR
 * name counts only when it is one of the host's names or one of its A/AAAA is an address the
 * host has, and no other host of the repository names it: a backup MX run elsewhere, or a
 * provider's mail service, is not this host.
 *
 * The questions that do not depend on each other are asked together (the names' A/AAAA, the
 * mail domains' MX, the addresses' PTR, then the candidates'), and the answers are read in
 * the order of the loops this replaces, so the result is the same. The async part only asks
 * and waits; what it does with the answers is in plain functions. One async function holding
 * it all cost TurboFan 50-400 ms per compilation on a 1,600-host fleet, and it was compiled
 * four times (its arrays' maps vary between hosts), more than the rule's own run.
 */
export async function hostNamesWithDns(host: Host, look: Lookups): Promise<HostNameInfo[]> {
  const q = firstQuestions(host, look);
  const own = await q.own;
  const out = configuredNames(host, q.configured, await q.configuredAnswers);
  const candidates = mxCandidates(q.domains, await q.mx);
  ptrCandidates(candidates, q.addresses, await q.ptrs);
  const asked = candidatesToAsk(host, candidates, out, look.model);
  const answers = await bothFamilies(asked, look);
  addMatchedCandidates(host, own, candidates, asked, answers, out);
  return [...out.values()];
}

interface FirstQuestions {
  readonly own: Promise<readonly HostAddress[]>;
  readonly configured: readonly string[];
  readonly configuredAnswers: Promise<readonly Families[]>;
  readonly domains: Host['mailDomains'];
  readonly mx: Promise<readonly DnsAnswer[]>;
  readonly addresses: readonly HostAddress[];
  readonly ptrs: Promise<readonly DnsAnswer[]>;
}

/** The questions of the first round, all on their way. */
function firstQuestions(host: Host, look: Lookups): FirstQuestions {
  // A configured host's addresses are settled already: nothing to mark handled.
  const own = isInferredHost(host) ? ahead(hostAddresses(host, look)) : hostAddresses(host, look);
  const configured = uniqueNames(host.names.map((n) => n.name));
  const configuredAnswers = ahead(bothFamilies(configured, look));
  const domains = host.mailDomains.slice(0, MAX_MAIL_DOMAINS);
  const mx = allAhead(domains, (d) => look.query(d.domain, 'MX'));
  const addresses = configuredAddresses(host).filter((x) => x.ip.family === 4 || isGlobalV6(x.ip)).slice(0, MAX_PTR_ADDRESSES);
  // The PTR names are only candidates (asked forward below when no host names them), so their
  // forward confirmation, which `reverse` adds, is not needed here.
  const ptrs = allAhead(addresses, (a) => look.ptr(a.ip.text));
  return { own, configured, configuredAnswers, domains, mx, addresses, ptrs };
}

interface Candidate {
  readonly name: string;
  readonly via: 'mx' | 'address';
  readonly because: string;
  readonly at?: Location;
}

function configuredNames(host: Host, configured: readonly string[], answers: readonly Families[]): Map<string, HostNameInfo> {
  const out = new Map<string, HostNameInfo>();
  for (const n of host.names) {
    if (out.has(n.name)) continue;
    out.set(n.name, { name: n.name, via: 'config', at: n.at, because: `configured by ${n.source}`, ...answers[configured.indexOf(n.name)] });
  }
  return out;
}

function mxCandidates(domains: Host['mailDomains'], answers: readonly DnsAnswer[]): Candidate[] {
  const out: Candidate[] = [];
  domains.forEach((d, i) => {
    const mx = answers[i];
    if (mx.status !== 'records') return;
    for (const r of mx.records.slice(0, MAX_MX_TARGETS)) {
      if (r.type !== 'MX' || !r.data.exchange) continue;
      out.push({ name: r.data.exchange.toLowerCase().replace(/\.$/, ''), via: 'mx', because: `MX of ${d.domain}`, at: r.at ?? d.at });
    }
  });
  return out;
}

function ptrCandidates(out: Candidate[], addresses: readonly HostAddress[], ptrs: readonly DnsAnswer[]): void {
  addresses.forEach((a, i) => {
    const ptr = ptrs[i];
    if (ptr.status !== 'records') return;
    for (const r of ptr.records) out.push({ name: (r.data as string).toLowerCase().replace(/\.$/, ''), via: 'address', because: `PTR of ${a.ip.text}` });
  });
}

/** A candidate already named by the configuration or by another host is never looked up. */
function candidatesToAsk(host: Host, candidates: readonly Candidate[], out: ReadonlyMap<string, HostNameInfo>, model: InfraModel): string[] {
  const others = nameOwners(model);
  const asked: string[] = [];
  for (const { name } of candidates) {
    if (!asked.includes(name) && !out.has(name) && !(others.get(name) ?? []).some((h) => h !== host)) asked.push(name);
  }
  return asked;
}

function addMatchedCandidates(
  host: Host,
  own: readonly HostAddress[],
  candidates: readonly Candidate[],
  asked: readonly string[],
  answers: readonly Families[],
  out: Map<string, HostNameInfo>,
): void {
  const ownSet = new Set(own.map((a) => a.ip.text));
  for (const c of candidates) {
    if (out.has(c.name)) continue;
    const i = asked.indexOf(c.name);
    if (i < 0) continue;
    const both = answers[i];
    const matched = [...addressesIn(both.a, 'A'), ...addressesIn(both.aaaa, 'AAAA')].find((x) => ownSet.has(x));
    if (!matched) continue;
    out.set(c.name, { name: c.name, via: c.via, at: c.at, because: `${c.because}, and its address ${matched} is ${host.name}'s`, ...both });
  }
}

function uniqueNames(names: readonly string[]): string[] {
  return names.length < 2 ? [...names] : [...new Set(names)];
}

export interface V6Facts {
  /** networking.enableIPv6 = false. */
  readonly disabled: boolean;
  readonly staticGlobal: readonly HostAddress[];
  readonly dynamic: Host['network']['dynamicV6'];
  /**
   * Some interface explicitly asks for DHCPv6 (networkd `DHCP=yes|ipv6`, or `ipv6`), which could
   * hand out any address of the on-link prefix. dhcpcd's default (DHCPv6 only when the router
   * sets the M flag) and `useDHCP` are IPv4 intents and do not count.
   */
  readonly dhcp6: boolean;
  /** Addresses written in a way the model could not evaluate. */
  readonly hasUnknown: boolean;
}

/** Once per host: several rules ask for every host, couldObtain for every address. */
export const v6Facts: (host: Host) => V6Facts = oncePerObject((host) => {
  const en = host.network.ipv6Enabled;
  return {
    disabled: en.known && en.value === false,
    staticGlobal: configuredAddresses(host).filter((a) => isGlobalV6(a.ip)),
    dynamic: host.network.dynamicV6,
    dhcp6: host.network.interfaces.some((i) => i.dhcp?.known && (i.dhcp.value === 'ipv6' || (i.dhcp.value === 'yes' && i.source === 'systemd.network'))),
    hasUnknown: host.network.unknownAddresses.length > 0,
  };
});

/**
 * Could something on the host assign `ip` without the configuration writing it down?
 * - 'no': the configuration rules it out (no dynamic addressing of that family; outside every
 *   prefix the host uses; or for IPv6 with SLAAC only: not of a SLAAC form).
 * - 'slaac' / 'dhcp': a dynamic mechanism could produce it.
 * - 'unknown': the model cannot say (unevaluated addresses or dynamic addressing).
 */
export function couldObtain(host: Host, ip: Ip): 'no' | 'slaac' | 'dhcp' | 'unknown' {
  const net = host.network;
  if (net.unknownAddresses.length > 0) return 'unknown';
  const dynamic = ip.family === 6 ? net.dynamicV6 : net.dynamicV4;
  if (ip.family === 6 && v6Facts(host).disabled) return 'no';
  if (dynamic === 'no') return 'no';
  if (dynamic === 'unknown') return 'unknown';
  const statics = configuredAddresses(host).filter((a) => a.ip.family === ip.family && (ip.family === 4 || isGlobalV6(a.ip)));
  if (statics.length > 0 && !statics.some((a) => sameNetwork(a.ip, ip, a.prefixLength ?? (ip.family === 6 ? 64 : 24)))) return 'no';
  if (ip.family === 4) return 'dhcp';
  if (isSlaacForm(ip)) return 'slaac';
  return v6Facts(host).dhcp6 ? 'dhcp' : 'no';
}

/** The interface that carries the host's IPv4 (where an IPv6 claim belongs), with its declaration. */
export function primaryInterface(host: Host): { name: string; decl?: Host['network']['interfaces'][number]; source: 'networking.interfaces' | 'systemd.network' } | undefined {
  const v4 = configuredAddresses(host).find((a) => a.ip.family === 4 && a.interface);
  const declOf = (name: string) => host.network.interfaces.find((i) => i.name === name || i.matchName === name);
  if (v4?.interface) {
    const decl = declOf(v4.interface);
    return { name: v4.interface, decl, source: decl?.source ?? (v4.claim?.source === 'systemd.network' ? 'systemd.network' : 'networking.interfaces') };
  }
  if (host.network.interfaces.length === 1) {
    const decl = host.network.interfaces[0];
    return { name: decl.name, decl, source: decl.source };
  }
  return undefined;
}
