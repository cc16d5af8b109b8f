/**
 * relay-dual-stack-without-ipv6: a relay / smarthost next hop whose name has both A and AAAA,
 * used by a sender that has no IPv6 egress (a NixOS host without IPv6, a compose service on
 * networks without enable_ipv6).
 */
import type { Fix, RelatedInfo } from '../../core/finding';
import type { DnsRecord } from '../../dns/types';
import type { ComposeProject, ComposeService, Host, PostfixInstance } from '../../model/types';
import { egressIpv6, egressOf, enableIpv6Fix, networkAnchor, networkIpv6, type Egress } from '../support/compose-net';
import { preferredFix } from '../support/fixes';
import { answerOrigin, lookups, recordsOf, type Lookups } from '../support/dns';
import { isGlobalV6, parseAddress } from '../support/ip';
import { composeRelays, hostNameOf, postfixRelays, subLocation, type RelayRef } from '../support/next-hops';
import { hostOfInstance } from '../support/hosts';
import { smtpClientView } from '../support/postfix';
import type { RawFinding, Rule, RuleContext } from '../types';

interface DualStack {
  readonly name: string;
  readonly a: readonly DnsRecord[];
  readonly aaaa: readonly DnsRecord[];
  readonly origin: string;
}

/** The names a next hop resolves to: MX exchanges for a Postfix name without brackets, else the name. */
async function targets(dns: Lookups, r: RelayRef, name: string): Promise<string[] | undefined> {
  if (!r.mxLookup) return [name];
  const mx = await dns.query(name, 'MX');
  if (mx.status === 'unknown') return undefined;
  if (mx.status === 'records') {
    const ex = mx.records.flatMap((rec) => (rec.type === 'MX' ? [rec.data.exchange.toLowerCase().replace(/\.$/, '')] : []));
    return ex.filter((e) => e && e !== '.');
  }
  return [name];
}

/** Tables of `Lookups.derived`: a hop name's dual-stack targets, through its MX or as written. */
const VIA_MX = {};
const AS_WRITTEN = {};

/**
 * Names (of the hop) that have both A and AAAA; undefined when DNS could not say. Once per
 * analysis and hop name (read-only): a fleet's compose relays name the same smarthost.
 */
export function dualStackTargets(dns: Lookups, r: RelayRef): Promise<readonly DualStack[] | undefined> {
  const name = hostNameOf(r.hop);
  if (!name) return Promise.resolve([]);
  return dns.derived(r.mxLookup ? VIA_MX : AS_WRITTEN, name, () => dualStackOf(dns, r, name));
}

async function dualStackOf(dns: Lookups, r: RelayRef, name: string): Promise<DualStack[] | undefined> {
  const names = await targets(dns, r, name);
  if (!names) return undefined;
  const out: DualStack[] = [];
  for (const n of names) {
    const [a, aaaa] = await Promise.all([dns.query(n, 'A'), dns.query(n, 'AAAA')]);
    if (a.status === 'unknown' || aaaa.status === 'unknown') return undefined;
    const ra = recordsOf(a, 'A');
    const r6 = recordsOf(aaaa, 'AAAA');
    if (ra.length && r6.length) out.push({ name: n, a: ra, aaaa: r6, origin: answerOrigin(dns.model, aaaa, r6[0]) });
  }
  return out;
}

/** 'no' only when the configuration rules IPv6 out on the host. */
export function hostIpv6Egress(host: Host): 'yes' | 'no' | 'unknown' {
  if (host.kind !== 'nixos') return 'unknown';
  const n = host.network;
  if (n.ipv6Enabled.known && n.ipv6Enabled.value === false) return 'no';
  const v6 = n.addresses.filter((a) => a.family === 6).map((a) => parseAddress(a.address));
  if (v6.some((ip) => ip && isGlobalV6(ip))) return 'yes';
  if (n.dynamicV6 === 'no' && n.unknownAddresses.length === 0) return 'no';
  return 'unknown';
}

function describe(d: DualStack): string {
  return `${d.name} has A (${d.a.map((r) => r.data).join(', ')}) and AAAA (${d.aaaa.map((r) => r.data).join(', ')})`;
}

function recordRelated(ds: readonly DualStack[]): RelatedInfo[] {
  return ds.flatMap((d) => d.aaaa.filter((r) => r.at).map((r) => ({ at: r.at!, message: `AAAA of ${d.name}` })));
}

/** Replace the host name by its single IPv4 address (only where the text says "this host", not an MX lookup). */
function ipv4LiteralFix(ctx: RuleContext, r: RelayRef, ds: readonly DualStack[]): Fix | undefined {
  if (r.mxLookup || ds.length !== 1 || ds[0].a.length !== 1) return undefined;
  const loc = subLocation(r.at, r.text, r.hop.hostStart, r.hop.hostEnd);
  if (!loc) return undefined;
  const ip = String(ds[0].a[0].data);
  return { title: `Use the IPv4 address ${ip} instead of ${r.hop.host} (a TLS certificate check by name no longer matches)`, edits: [ctx.edits.replace(loc, ip)] };
}

const EFFECT = 'an MTA that tries AAAA first fails with "Network is unreachable", and some do not fall back to IPv4';

async function checkPostfix(ctx: RuleContext, dns: Lookups, instance: PostfixInstance, out: RawFinding[]): Promise<void> {
  const relays = postfixRelays(instance).filter((r) => hostNameOf(r.hop));
  if (!relays.length) return;
  const view = smtpClientView(instance);
  if (view.protocols.kind !== 'known' || !view.protocols.value.v6) return;
  const host = hostOfInstance(ctx.model, instance);
  if (!host || hostIpv6Egress(host) !== 'no') return;
  for (const r of relays) {
    const ds = await dualStackTargets(dns, r);
    if (!ds || !ds.length) continue;
    const fixes: Fix[] = [];
    const proto = ctx.edits.setPostfixMain(instance, 'inet_protocols', 'ipv4');
    if (proto?.length) fixes.push({ title: 'Set inet_protocols = ipv4 (the host has no IPv6; Postfix then looks up only A records)', preferred: true, edits: proto });
    const lit = ipv4LiteralFix(ctx, r, ds);
    if (lit) fixes.push(lit);
    out.push({
      at: r.at,
      message: `${r.setting} next hop ${ds.map(describe).join('; ')} (${ds[0].origin}), but host ${host.name} has no IPv6 egress while Postfix's inet_protocols includes ipv6: ${EFFECT}`,
      related: [...recordRelated(ds), { at: host.anchor, message: `host ${host.name}: no IPv6 address or route configured` }],
      fixes,
    });
  }
}

function egressText(e: Egress): string {
  if (e.kind !== 'networks') return e.reason;
  return `network${e.networks.length === 1 ? '' : 's'} ${e.networks.map((n) => n.name).join(', ')} of service ${e.owner.name} without enable_ipv6`;
}

async function checkCompose(ctx: RuleContext, dns: Lookups, project: ComposeProject, service: ComposeService, out: RawFinding[]): Promise<void> {
  const relays = composeRelays(service).filter((r) => hostNameOf(r.hop));
  if (!relays.length) return;
  const egress = egressOf(project, service);
  if (egressIpv6(egress) !== 'no' || egress.kind !== 'networks') return;
  for (const r of relays) {
    const ds = await dualStackTargets(dns, r);
    if (!ds || !ds.length) continue;
    const fixes: Fix[] = [];
    const net = egress.networks.find((n) => networkIpv6(n) === 'no');
    const v6 = net && enableIpv6Fix(ctx.edits, project, net);
    if (v6) fixes.push(preferredFix(v6));
    const lit = ipv4LiteralFix(ctx, r, ds);
    if (lit) fixes.push(lit);
    out.push({
      at: r.at,
      message: `${r.setting} of service ${service.name}: ${ds.map(describe).join('; ')} (${ds[0].origin}), but the service has no IPv6 egress (${egressText(egress)}): ${EFFECT}`,
      related: [...recordRelated(ds), ...egress.networks.map((n) => ({ at: networkAnchor(n, egress.owner), message: `network ${n.name}: no enable_ipv6` }))],
      fixes,
    });
  }
}

export const relayDualStackWithoutIpv6: Rule = {
  meta: {
    id: 'relay-dual-stack-without-ipv6',
    defaultSeverity: 'warning',
    title: 'Dual-stack relay used by a sender without IPv6',
    docs: 'relay-dual-stack-without-ipv6',
    doc: {
      what: 'A relay / smarthost next hop (Postfix `relayhost`, `smtp:[host]` transports, `-o relayhost=` in master.cf, compose environment `RELAYHOST`, `RELAY_HOST`, `SMTP_RELAY_HOST`, `DEFAULT_RELAY_HOST`) is a host name with both A and AAAA records, and the sender has no IPv6 egress: a NixOS host whose configuration rules IPv6 out while Postfix still uses it (`inet_protocols` includes ipv6), or a compose service whose networks (or the networks of the service whose namespace it shares) lack `enable_ipv6`.',
      why: 'Many MTAs and relay clients try the AAAA address first. Without IPv6 egress that attempt fails with "Network is unreachable"; some clients then give up for the whole hop instead of falling back to IPv4, so mail queues up and is deferred until someone notices.',
      fix: 'Give the sender IPv6 egress (compose: quick fix `enable_ipv6: true` with a ULA subnet on the network), or make it use IPv4 only: for Postfix the quick fix sets `inet_protocols = ipv4` (the host has no IPv6 anyway); the IPv4 literal of the relay is offered too, but a TLS certificate check by name then no longer matches.',
      notFlagged: 'Relays with only A or only AAAA records, IP literals, senders with IPv6 (or whose IPv6 is unknown: DHCP/SLAAC possible, standalone Postfix files, `network_mode: host`, external networks), Postfix instances with `inet_protocols = ipv4`, and relays whose DNS answer is unknown (no zone data, offline).',
      example: {
        lang: 'yaml',
        bad: 'services:\n  postfix:\n    environment:\n      RELAYHOST: "[smtp.relay.example]:587"\n    networks: [mail]\nnetworks:\n  mail: {}',
        fixed: 'services:\n  postfix:\n    environment:\n      RELAYHOST: "[smtp.relay.example]:587"\n    networks: [mail]\nnetworks:\n  mail:\n    enable_ipv6: true\n    ipam:\n      config:\n        - subnet: fd12:3456:789a:1::/64',
      },
    },
  },
  async check(ctx: RuleContext) {
    const out: RawFinding[] = [];
    const dns = lookups(ctx.model, ctx.dns);
    for (const instance of ctx.model.postfix) await checkPostfix(ctx, dns, instance, out);
    for (const project of ctx.model.compose) for (const service of project.services) await checkCompose(ctx, dns, project, service, out);
    return out;
  },
};
