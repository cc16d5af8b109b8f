/**
 * Network facts of a host from its merged configuration: `networking.interfaces`,
 * `networking.defaultGateway(6)`, `systemd.network.networks`, DHCP/RA, firewall ports.
 *
 * Dynamic addressing (documented decision): NixOS defaults `networking.useDHCP` to true
 * (dhcpcd, or networkd's catch-all DHCP network), and Linux accepts router advertisements
 * and autoconfigures addresses by default. So `dynamicV4` is 'no' only when `useDHCP` is
 * false (or dhcpcd is off without networkd), no interface or systemd network enables DHCP
 * for IPv4 and NetworkManager is off; `dynamicV6` is 'no' only when IPv6 is disabled, or
 * the kernel's RA/autoconf is switched off by sysctl (all and default), and nothing
 * enables DHCPv6/RA (networkd `DHCP=yes|ipv6`, `IPv6AcceptRA=yes`, dhcpcd, NetworkManager).
 * A static address does not disable SLAAC. A value that cannot be evaluated gives 'unknown'.
 */
import type { Unknown, Val } from '../core/value';
import { known, unknown } from '../core/value';
import type { AddressClaim, DynamicAddressing, Family, GatewayClaim, HostNetwork, InterfaceDecl } from '../model/types';
import type { Def, OptionReader } from './host-config';
import { definedKeys, winning } from './host-config';
import type { Locations } from './locate';
import { boolOf, canonicalIp, knownString, splitCidr, type Writable } from './locate';
import { locateInString } from './strings';
import type { NixValue } from './values';

type Tri = boolean | 'unknown' | undefined;

/** The winning boolean of an option: undefined when not set, 'unknown' when not evaluable. */
export function boolOption(cfg: OptionReader, path: readonly string[]): Tri {
  return winningBool(cfg.effective(path));
}

/** boolOption of the winning definitions (`effective`) of an option. */
export function winningBool(defs: readonly Def[]): Tri {
  if (!defs.length) return undefined;
  const last = defs[defs.length - 1].value;
  if (defs.some((d) => d.value.k === 'unknown' || d.dynamicKey)) return 'unknown';
  const b = boolOf(last);
  return b === undefined ? 'unknown' : b;
}

/**
 * The items of a list option's winning definitions, and the definitions that are unknown.
 * (Index loops here and below: this code runs a few times per host, mostly unoptimised,
 * where a for-of makes an iterator and a result object per step.)
 */
function listItems(defs: readonly Def[]): { items: NixValue[]; unknowns: NixValue[] } {
  const items: NixValue[] = [];
  const unknowns: NixValue[] = [];
  const won = winning(defs);
  for (let i = 0; i < won.length; i++) {
    const v = won[i].value;
    if (v.k === 'list') {
      for (let j = 0; j < v.items.length; j++) items.push(v.items[j].force());
    } else if (v.k === 'unknown') unknowns.push(v);
    else items.push(v);
  }
  return { items, unknowns };
}

class NetworkBuilder {
  readonly interfaces: InterfaceDecl[] = [];
  readonly addresses: AddressClaim[] = [];
  readonly gateways: GatewayClaim[] = [];
  readonly unknownAddresses: Unknown[] = [];

  constructor(
    readonly cfg: OptionReader,
    /** The part under `networking`. */
    readonly net: OptionReader,
    readonly loc: Locations,
  ) {}

  unknownAddress(v: NixValue, what: string): void {
    const reason = v.k === 'unknown' ? v.reason : `not an address: ${what}`;
    this.unknownAddresses.push(unknown(`${what}: ${reason}`, this.loc.of(v.at)));
  }

  /** An address string (optionally `addr/len`), located exactly. */
  addressString(v: NixValue, source: AddressClaim['source'], iface: string | undefined, prefixLength: number | undefined, what: string): void {
    const s = knownString(v);
    if (!s) return this.unknownAddress(v.k === 'str' ? { k: 'unknown', reason: s === undefined && v.holes?.[0] ? v.holes[0].reason : 'not evaluable', at: v.at } : v, what);
    const lead = s.s.length - s.s.trimStart().length;
    const text = s.s.trim();
    const { addr, prefix, addrEnd } = splitCidr(text);
    const ip = canonicalIp(addr);
    if (!ip) return this.unknownAddress({ k: 'unknown', reason: `'${text}' is not an IP address`, at: v.at }, what);
    const at = this.loc.of(locateInString(s, lead, lead + addrEnd));
    const len = prefix ?? prefixLength;
    // One object per address (conditional spreads made three); fields in the model's order.
    const claim: Writable<AddressClaim> = { address: ip.address, family: ip.family, source, at };
    if (len !== undefined) claim.prefixLength = len;
    if (iface) claim.interface = iface;
    this.addresses.push(claim);
  }

  gateway(v: NixValue, family: Family | undefined, iface: string | undefined, source: GatewayClaim['source']): void {
    const s = knownString(v);
    if (!s || !s.s.trim()) return;
    const ip = canonicalIp(s.s);
    if (!ip || (family && ip.family !== family)) return;
    const at = this.loc.of(locateInString(s, 0, s.s.length));
    const claim: Writable<GatewayClaim> = { family: ip.family, address: ip.address, source, at };
    if (iface) claim.interface = iface;
    this.gateways.push(claim);
  }

  networkingInterfaces(): void {
    const interfaces = this.net.under(['interfaces']);
    const defs = interfaces.defs([]);
    for (let i = 0; i < defs.length; i++) {
      const v = defs[i].value;
      if (v.k === 'unknown') this.unknownAddress(v, 'networking.interfaces');
      if (v.k === 'attrs' && v.dynamic) for (const dyn of v.dynamic) this.unknownAddresses.push(unknown(`networking.interfaces: interface name not evaluable (${dyn.reason})`, this.loc.of(dyn.keyAt)));
    }
    for (const { key, bindingAt } of definedKeys(defs)) {
      const iface = interfaces.under([key]);
      const useDHCPDefs = iface.effective(['useDHCP']);
      const useDHCP = winningBool(useDHCPDefs);
      const decl: InterfaceDecl = {
        name: key,
        source: 'networking.interfaces',
        at: this.loc.of(bindingAt),
        ...(useDHCP !== undefined ? { dhcp: this.triVal(useDHCP, useDHCPDefs, `networking.interfaces.${key}.useDHCP`, 'yes', 'no') } : {}),
      };
      this.interfaces.push(decl);
      this.interfaceAddresses(iface, key, 4);
      this.interfaceAddresses(iface, key, 6);
    }
  }

  /** `networking.interfaces.<key>.ipv<fam>.addresses`. */
  private interfaceAddresses(iface: OptionReader, key: string, fam: Family): void {
    const { items, unknowns } = listItems(iface.defs([fam === 4 ? 'ipv4' : 'ipv6', 'addresses']));
    for (let i = 0; i < unknowns.length; i++) this.unknownAddress(unknowns[i], `networking.interfaces.${key}.ipv${fam}.addresses`);
    for (let i = 0; i < items.length; i++) this.addressItem(items[i], key, fam);
  }

  private addressItem(item: NixValue, iface: string, fam: Family): void {
    const what = `networking.interfaces.${iface}.ipv${fam}.addresses`;
    if (item.k !== 'attrs') return this.unknownAddress(item, what);
    const address = this.attr(item, 'address');
    const len = this.attr(item, 'prefixLength');
    if (!address) return this.unknownAddress({ k: 'unknown', reason: 'no address attribute', at: item.at }, what);
    this.addressString(address, 'networking.interfaces', iface, len?.k === 'int' ? len.n : undefined, what);
  }

  /** An attribute of a submodule value (an address entry, a gateway, a systemd section), its `mkIf` decided. */
  private attr(v: NixValue, key: string): NixValue | undefined {
    return v.k === 'attrs' ? this.cfg.settle(v.attrs.get(key)?.value.force()) : undefined;
  }

  /** `{ Gateway = ...; }` or the older `{ routeConfig.Gateway = ...; }`. */
  private sectionValue(v: NixValue, legacy: string, key: string): NixValue | undefined {
    const direct = this.attr(v, key);
    if (direct) return direct;
    const sec = this.attr(v, legacy);
    return sec && this.attr(sec, key);
  }

  /** A boolean option as one of two words, located at its winning definition (`defs`). */
  private triVal<T extends string>(b: Tri, defs: readonly Def[], option: string, yes: T, no: T): Val<T> {
    const at = this.loc.of(defs[defs.length - 1]?.value.at);
    if (b === 'unknown' || b === undefined) return unknown(`${option} is not evaluable`, at);
    return known(b ? yes : no, at);
  }

  defaultGateways(): void {
    this.defaultGateway(4, 'defaultGateway');
    this.defaultGateway(6, 'defaultGateway6');
  }

  private defaultGateway(fam: Family, option: 'defaultGateway' | 'defaultGateway6'): void {
    const defs = this.net.effective([option]);
    for (let i = 0; i < defs.length; i++) {
      const v = defs[i].value;
      if (v.k === 'str') this.gateway(v, fam, undefined, `networking.${option}`);
      else if (v.k === 'attrs') {
        const addr = this.attr(v, 'address');
        const iface = knownString(this.attr(v, 'interface'))?.s;
        if (addr) this.gateway(addr, fam, iface, `networking.${option}`);
      }
    }
  }

  systemdNetworks(): { dhcp4: Tri; dhcp6: Tri; ra: Tri } {
    const networks = this.cfg.under(['systemd', 'network', 'networks']);
    let dhcp4: Tri;
    let dhcp6: Tri;
    let ra: Tri;
    const raise = (cur: Tri, v: Tri): Tri => (cur === true || v === true ? true : cur === 'unknown' || v === 'unknown' ? 'unknown' : v ?? cur);
    for (const { key, bindingAt } of networks.keys([])) {
      const network = networks.under([key]);
      const one = (p: string[]) => {
        const defs = network.effective(p);
        return defs.length ? defs[defs.length - 1].value : undefined;
      };
      const matchName = knownString(one(['matchConfig', 'Name']))?.s;
      const iface = matchName && !/[*?\s]/.test(matchName) ? matchName : undefined;
      const dhcpV = one(['DHCP']) ?? one(['networkConfig', 'DHCP']);
      const raV = one(['networkConfig', 'IPv6AcceptRA']) ?? one(['IPv6AcceptRA']);
      let dhcp: Val<'yes' | 'no' | 'ipv4' | 'ipv6'> | undefined;
      if (dhcpV) {
        const s = knownString(dhcpV)?.s.trim().toLowerCase() ?? (dhcpV.k === 'bool' ? (dhcpV.b ? 'yes' : 'no') : undefined);
        const mode = s === 'yes' || s === 'true' ? 'yes' : s === 'no' || s === 'false' ? 'no' : s === 'ipv4' || s === 'ipv6' ? s : undefined;
        dhcp = mode ? known(mode, this.loc.content(dhcpV)) : unknown('DHCP not evaluable', this.loc.of(dhcpV.at));
        dhcp4 = raise(dhcp4, mode ? mode === 'yes' || mode === 'ipv4' : 'unknown');
        dhcp6 = raise(dhcp6, mode ? mode === 'yes' || mode === 'ipv6' : 'unknown');
      }
      let acceptRA: Val<boolean> | undefined;
      if (raV) {
        const b = boolOf(raV);
        acceptRA = b === undefined ? unknown('IPv6AcceptRA not evaluable', this.loc.of(raV.at)) : known(b, this.loc.content(raV));
        ra = raise(ra, b === undefined ? 'unknown' : b);
      }
      this.interfaces.push({
        name: iface ?? key,
        source: 'systemd.network',
        at: this.loc.of(bindingAt),
        key,
        ...(matchName ? { matchName } : {}),
        ...(dhcp ? { dhcp } : {}),
        ...(acceptRA ? { acceptRA } : {}),
      });
      const what = `systemd.network.networks.${key}`;
      for (const p of [['address'], ['networkConfig', 'Address']]) {
        const { items, unknowns } = listItems(network.defs(p));
        for (const u of unknowns) this.unknownAddress(u, `${what}.${p.join('.')}`);
        for (const item of items) this.addressString(item, 'systemd.network', iface, undefined, `${what}.${p.join('.')}`);
      }
      const { items: addrSections, unknowns: addrUnknown } = listItems(network.defs(['addresses']));
      for (const u of addrUnknown) this.unknownAddress(u, `${what}.addresses`);
      for (const sec of addrSections) {
        const a = this.sectionValue(sec, 'addressConfig', 'Address');
        if (a) this.addressString(a, 'systemd.network', iface, undefined, `${what}.addresses`);
        else this.unknownAddress(sec, `${what}.addresses`);
      }
      for (const p of [['gateway'], ['networkConfig', 'Gateway']]) {
        const { items } = listItems(network.defs(p));
        for (const item of items) this.gateway(item, undefined, iface, 'systemd.network');
      }
      const { items: routes } = listItems(network.defs(['routes']));
      for (const r of routes) {
        const gw = this.sectionValue(r, 'routeConfig', 'Gateway');
        const dest = knownString(this.sectionValue(r, 'routeConfig', 'Destination'))?.s.trim();
        if (gw && (!dest || dest === '::/0' || dest === '0.0.0.0/0')) this.gateway(gw, undefined, iface, 'systemd.network');
      }
    }
    return { dhcp4, dhcp6, ra };
  }
}


function combine(...parts: Tri[]): DynamicAddressing {
  if (parts.some((p) => p === true)) return 'possible';
  if (parts.some((p) => p === 'unknown')) return 'unknown';
  return 'no';
}

/** `net`: the part of `cfg` under `networking`, when the caller has it already. */
export function extractNetwork(cfg: OptionReader, loc: Locations, net = cfg.under(['networking'])): HostNetwork {
  const b = new NetworkBuilder(cfg, net, loc);
  b.networkingInterfaces();
  b.defaultGateways();
  const sd = b.systemdNetworks();

  const ipv6Defs = net.effective(['enableIPv6']);
  const enableIPv6 = winningBool(ipv6Defs);
  const ipv6Enabled: Val<boolean> =
    enableIPv6 === undefined
      ? known(true, loc.fallback, 'derived')
      : enableIPv6 === 'unknown'
        ? unknown('networking.enableIPv6 is not evaluable', loc.of(ipv6Defs[0]?.value.at))
        : known(enableIPv6, loc.content(ipv6Defs[ipv6Defs.length - 1].value));

  const useDHCP = boolOption(net, ['useDHCP']);
  const useNetworkd = boolOption(net, ['useNetworkd']);
  const dhcpcd = boolOption(net, ['dhcpcd', 'enable']);
  const nm = boolOption(net, ['networkmanager', 'enable']);
  // useDHCP defaults to true; it only runs a client when dhcpcd runs or networkd is used.
  let globalDhcp: Tri = useDHCP === undefined ? true : useDHCP;
  if (globalDhcp === true && dhcpcd === false && useNetworkd !== true) globalDhcp = false;
  const perIface: Tri = b.interfaces.reduce<Tri>((acc, i) => {
    if (i.source !== 'networking.interfaces' || !i.dhcp) return acc;
    const v: Tri = i.dhcp.known ? i.dhcp.value === 'yes' : 'unknown';
    return acc === true || v === true ? true : acc === 'unknown' || v === 'unknown' ? 'unknown' : v;
  }, undefined);
  const dynamicV4 = combine(globalDhcp, perIface, sd.dhcp4, nm);

  let dynamicV6: DynamicAddressing;
  if (enableIPv6 === false) dynamicV6 = 'no';
  else {
    const kernelRa = kernelAcceptsRa(cfg);
    const dhcpcdRuns: Tri = globalDhcp === true || perIface === true ? (dhcpcd === false ? false : true) : globalDhcp === 'unknown' ? 'unknown' : false;
    dynamicV6 = enableIPv6 === 'unknown' ? 'unknown' : combine(kernelRa, sd.dhcp6, sd.ra, nm, dhcpcdRuns);
  }

  const openTcpPorts = sortedDistinctInts(listItems(net.defs(['firewall', 'allowedTCPPorts'])).items);

  return {
    interfaces: b.interfaces,
    addresses: b.addresses,
    gateways: b.gateways,
    ipv6Enabled,
    dynamicV4,
    dynamicV6,
    unknownAddresses: b.unknownAddresses,
    openTcpPorts,
  };
}

/** The integers among some values, ascending, each once. */
function sortedDistinctInts(values: readonly NixValue[]): number[] {
  const ints: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v.k === 'int') ints.push(v.n);
  }
  ints.sort((x, y) => x - y);
  // Equal numbers are adjacent now: keep the first of each run.
  let n = 0;
  for (let i = 0; i < ints.length; i++) if (n === 0 || ints[i] !== ints[n - 1]) ints[n++] = ints[i];
  ints.length = n;
  return ints;
}

/** `accept_ra` and `autoconf` of `all` and `default`, each pair switching SLAAC off when both are 0. */
const RA_SYSCTLS = [
  ['net.ipv6.conf.all.accept_ra', 'net.ipv6.conf.default.accept_ra'],
  ['net.ipv6.conf.all.autoconf', 'net.ipv6.conf.default.autoconf'],
] as const;

/** Kernel SLAAC: on unless `accept_ra` or `autoconf` is 0 for both `all` and `default`. */
function kernelAcceptsRa(cfg: OptionReader): Tri {
  const sysctls = cfg.under(['boot', 'kernel', 'sysctl']);
  const sysctl = (name: string): Tri | number => {
    const defs = sysctls.effective([name]);
    if (!defs.length) return undefined;
    const v = defs[defs.length - 1].value;
    if (v.k === 'int') return v.n;
    if (v.k === 'bool') return v.b ? 1 : 0;
    const s = knownString(v);
    return s && /^\d+$/.test(s.s.trim()) ? Number(s.s.trim()) : 'unknown';
  };
  for (let i = 0; i < RA_SYSCTLS.length; i++) {
    const all = sysctl(RA_SYSCTLS[i][0]);
    const dflt = sysctl(RA_SYSCTLS[i][1]);
    if (all === 0 && dflt === 0) return false;
    if (all === 'unknown' || dflt === 'unknown') return 'unknown';
  }
  return true;
}
