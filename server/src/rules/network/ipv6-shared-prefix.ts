/**
 * ipv6-shared-prefix: Postfix sends over IPv6 from a /64 that is evidently not the host's
 * alone. RBLs (Spamhaus) list IPv6 per /64, so a neighbour's listing hits this host.
 */
import type { RelatedInfo } from '../../core/finding';
import type { Location } from '../../core/text';
import type { Host, InfraModel, PostfixInstance } from '../../model/types';
import { wholeModel } from '../../model/types';
import type { RawFinding, Rule, RuleContext } from '../types';
import { lookups, type Lookups } from '../support/dns';
import { fix } from '../support/fixes';
import { addressOwners, type HostAddress } from '../support/hosts';
import { networkText, offsetAddress, sameNetwork, type Ip } from '../support/ip';
import { mapInOrder } from '../support/in-order';
import { globalV6, ipv6SendingInstances, ipv6Source, type SendingInstance } from '../support/sending';

const ID = 'ipv6-shared-prefix';
/** Neighbours probed on each side of the source: providers that share a /64 number customers sequentially. */
const NEIGHBOURS = 4;

interface Ours {
  /** Domains the repository speaks for: its hosts' domains and mail domains. */
  readonly domains: readonly string[];
  /** Every configured host name. */
  readonly names: ReadonlySet<string>;
}

const oursByModel = new WeakMap<InfraModel, Ours>();

/** Computed once per model: the rule asks for every Postfix source address. */
function repository(slice: InfraModel): Ours {
  const model = wholeModel(slice);
  let ours = oursByModel.get(model);
  if (ours) return ours;
  const domains = new Set<string>();
  const names = new Set<string>();
  for (const h of model.hosts) {
    for (const d of h.mailDomains) domains.add(d.domain);
    for (const n of h.names) {
      names.add(n.name);
      const dot = n.name.indexOf('.');
      if (dot > 0 && n.name.indexOf('.', dot + 1) > 0) domains.add(n.name.slice(dot + 1));
    }
  }
  ours = { domains: [...domains], names };
  oursByModel.set(model, ours);
  return ours;
}

function isOurs(name: string, ours: Ours): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  if (ours.names.has(n)) return true;
  return ours.domains.some((d) => n === d || n.endsWith('.' + d));
}

/** PTR names of nearby addresses in the same /64 that belong to no host or domain of the repository. */
async function foreignNeighbours(ip: Ip, model: InfraModel, look: Lookups): Promise<{ address: string; name: string; related?: RelatedInfo }[]> {
  const owners = addressOwners(model);
  const ours = repository(model);
  const probes: Ip[] = [];
  for (let d = -NEIGHBOURS; d <= NEIGHBOURS; d++) {
    const n = d === 0 ? undefined : offsetAddress(ip, d);
    if (n && sameNetwork(n, ip, 64) && !owners.has(n.text)) probes.push(n);
  }
  // The probes' questions are independent: all on their way at once, read in order. Only
  // their PTR names count (a foreign name need not resolve back), so they are not confirmed.
  const ptrs = await Promise.all(probes.map((n) => look.ptr(n.text)));
  const out: { address: string; name: string; related?: RelatedInfo }[] = [];
  for (const [i, n] of probes.entries()) {
    const ptr = ptrs[i];
    if (ptr.status !== 'records') continue;
    const foreign = ptr.records.map((r) => r.data as string).find((name) => !isOurs(name, ours));
    if (!foreign) continue;
    const rec = ptr.records.find((r) => r.at);
    out.push({ address: n.text, name: foreign, related: rec?.at ? { at: rec.at, message: `PTR of ${n.text}: ${foreign}` } : undefined });
  }
  return out;
}

function sliceOf(a: HostAddress | undefined): number | undefined {
  const len = a?.prefixLength;
  return len !== undefined && len > 64 && len < 128 ? len : undefined;
}

async function checkSource(
  host: Host,
  instance: PostfixInstance,
  source: { ip: Ip; address?: HostAddress; at: Location },
  all: readonly HostAddress[],
  ctx: RuleContext,
  look: Lookups,
): Promise<RawFinding | undefined> {
  const { ip, address, at } = source;
  const slice = sliceOf(address);
  const neighbours = await foreignNeighbours(ip, ctx.model, look);
  if (slice === undefined && neighbours.length === 0) return undefined;
  const net = networkText(ip, 64);
  const evidence = [
    ...(slice !== undefined ? [`the host was given a /${slice}, a slice of ${net}`] : []),
    ...(neighbours.length ? [`${neighbours.map((n) => `${n.address} is ${n.name}`).join(', ')}, which belong${neighbours.length === 1 ? 's' : ''} to no host or domain of this repository`] : []),
  ];
  // Only addresses whose own /64 DNS shows unshared: the fix title says so.
  const candidates = all.filter((a) => !sameNetwork(a.ip, ip, 64) && sliceOf(a) === undefined);
  const theirs = await Promise.all(candidates.map((a) => foreignNeighbours(a.ip, ctx.model, look)));
  const others = candidates.filter((_, i) => theirs[i].length === 0);
  return {
    at,
    message: `Postfix on host ${host.name} sends over IPv6 from ${ip.text}, in ${net}, which is evidently shared: ${evidence.join('; ')}. Blocklists such as Spamhaus list IPv6 per /64, so other users' listings block this host's mail`,
    related: neighbours.flatMap((n) => (n.related ? [n.related] : [])),
    fixes: others.flatMap((a) => fix(`Set smtp_bind_address6 = ${a.ip.text} (in ${networkText(a.ip, 64)}, not shared as far as DNS shows)`, ctx.edits.setPostfixMain(instance, 'smtp_bind_address6', a.ip.text))),
  };
}

async function checkInstance(s: SendingInstance, ctx: RuleContext, look: Lookups): Promise<RawFinding[]> {
  const all = await globalV6(s.host, look);
  const src = await ipv6Source(s, look);
  if (src === 'unknown' || src === 'none') return [];
  // Ambiguous source: any of the host's addresses may be used.
  const sources = src === 'ambiguous' ? all.map((a) => ({ ip: a.ip, address: a, at: a.at })) : [{ ip: src.ip, address: src.address, at: src.address?.at ?? src.at }];
  const out: RawFinding[] = [];
  for (const c of sources.slice(0, 4)) {
    const f = await checkSource(s.host, s.instance, { ip: c.ip, address: c.address, at: c.at ?? s.instance.definedAt }, all, ctx, look);
    if (f) out.push(f);
  }
  return out;
}

export const ipv6SharedPrefix: Rule = {
  meta: {
    id: ID,
    defaultSeverity: 'info',
    title: 'Mail sent from a shared IPv6 /64',
    docs: ID,
    doc: {
      what:
        'Postfix sends over IPv6 from an address in a /64 that is evidently not the host\'s alone: the host was given a slice of a /64 (prefix length /65 to /127, such as a provider\'s /124), or PTR records of nearby addresses in the same /64 name hosts that belong to no host or domain of the repository.',
      why: 'Spamhaus and other blocklists list IPv6 senders per /64 (or larger). Anyone else sending spam from that /64 gets this host\'s mail blocked too.',
      fix: 'Ask the provider for a dedicated /64 and bind Postfix to an address in it with `smtp_bind_address6` (a quick fix is offered when the host already has an address in another, unshared /64), or deliver over IPv4 only.',
      notFlagged:
        'A /128 (a common way to configure one address of an owned /64) or /64; neighbours that are hosts of the repository or whose PTR names lie in the repository\'s domains; hosts that do not send over IPv6 (`-o inet_protocols=ipv4`, IPv6 disabled); sources the analysis cannot determine. Only a few addresses on each side of the source are looked up (a bounded probe), so a shared /64 with no nearby neighbours is not detected.',
      example: {
        lang: 'nix',
        bad: 'networking.interfaces.ens3.ipv6.addresses = [ { address = "2001:db8:5::25"; prefixLength = 124; } ];',
        fixed: 'networking.interfaces.ens3.ipv6.addresses = [ { address = "2001:db8:25::25"; prefixLength = 64; } ]; # a dedicated /64',
      },
    },
  },
  async check(ctx) {
    const look = lookups(ctx.model, ctx.dns);
    return (await mapInOrder(ipv6SendingInstances(ctx.model), look.lookahead, (s) => checkInstance(s, ctx, look))).flat();
  },
};
