/** aaaa-not-on-host: a name of host H publishes AAAA X, and nothing on H has or could get X. */
import type { Fix, RelatedInfo } from '../../core/finding';
import type { Location } from '../../core/text';
import type { DnsRecord } from '../../dns/types';
import type { Host } from '../../model/types';
import type { RawFinding, Rule, RuleContext } from '../types';
import { answerOrigin, lookups, recordsOf, type Lookups } from '../support/dns';
import { claimV6Edits, combine, fix, pinSmtpToIpv4, prefixFor } from '../support/fixes';
import { addressOwners, configuredAddresses, couldObtain, hostNamesWithDns, isInferredHost, primaryInterface, v6Facts, type HostNameInfo } from '../support/hosts';
import { isUnspecifiedOrLoopback, parseAddress, type Ip } from '../support/ip';
import { mapInOrder } from '../support/in-order';
import { checkMailSource, joinList } from '../support/mail-auth';
import { postfixOf, smtpClientView } from '../support/postfix';

const ID = 'aaaa-not-on-host';

interface Published {
  readonly ip: Ip;
  readonly names: { info: HostNameInfo; record: DnsRecord }[];
}

function anchorOf(host: Host): Location {
  return primaryInterface(host)?.decl?.at ?? host.network.interfaces[0]?.at ?? host.anchor;
}

async function checkHost(host: Host, ctx: RuleContext, look: Lookups): Promise<RawFinding[]> {
  const names = await hostNamesWithDns(host, look);
  const mine = new Set(configuredAddresses(host).map((a) => a.ip.text));
  const owners = addressOwners(ctx.model);
  const published = new Map<string, Published>();
  for (const info of names) {
    for (const record of recordsOf(info.aaaa, 'AAAA')) {
      const ip = parseAddress(String(record.data));
      if (!ip || ip.family !== 6 || isUnspecifiedOrLoopback(ip) || mine.has(ip.text)) continue;
      // Configured by another host of the repository: a proxy or a moved service, not a black hole.
      if ((owners.get(ip.text) ?? []).some((h) => h !== host)) continue;
      const p = published.get(ip.text) ?? { ip, names: [] };
      p.names.push({ info, record });
      published.set(ip.text, p);
    }
  }
  const out: RawFinding[] = [];
  for (const p of published.values()) {
    const obtain = couldObtain(host, p.ip);
    if (obtain === 'slaac') continue;
    const nameList = joinList(p.names.map((n) => n.info.name));
    const origins = joinList([...new Set(p.names.map((n) => answerOrigin(ctx.model, n.info.aaaa, n.record)))]);
    const verb = p.names.length > 1 ? 'publish' : 'publishes';
    const related: RelatedInfo[] = [];
    for (const n of p.names) {
      if (n.record.at) related.push({ at: n.record.at, message: `AAAA record of ${n.info.name}` });
      if (n.info.at) related.push({ at: n.info.at, message: `${n.info.name} belongs to host ${host.name}: ${n.info.because}` });
    }
    if (obtain === 'dhcp' || obtain === 'unknown') {
      const why = obtain === 'dhcp' ? 'it is not configured, but DHCPv6 on the host could assign it' : 'the host has addresses or address autoconfiguration that infra-review could not evaluate';
      out.push({
        at: anchorOf(host),
        severity: 'info',
        message: `Cannot verify that host ${host.name} has ${p.ip.text}, which ${nameList} ${verb} as AAAA (${origins}): ${why}. If it does not, IPv6 clients are black-holed`,
        related,
      });
      continue;
    }
    const facts = v6Facts(host);
    const problem = facts.disabled ? `host ${host.name} disables IPv6 (networking.enableIPv6 = false)` : `host ${host.name} configures no such address`;
    const slaacNote = !facts.disabled && facts.dynamic !== 'no' ? ` (address autoconfiguration cannot produce it: ${p.ip.text} is not an autoconfigured interface identifier)` : '';
    const belongs = p.names.filter((n) => n.info.via !== 'config').map((n) => `${n.info.name} is ${n.info.because}`);
    out.push({
      at: anchorOf(host),
      message:
        `${nameList} ${verb} AAAA ${p.ip.text} (${origins}), but ${problem}${slaacNote}: IPv6 clients are black-holed and clients without Happy Eyeballs time out` +
        (belongs.length ? ` (${belongs.join('; ')})` : ''),
      related,
      fixes: facts.disabled ? [] : await fixes(host, p.ip, ctx, look),
    });
  }
  return out;
}

async function fixes(host: Host, ip: Ip, ctx: RuleContext, look: Lookups): Promise<Fix[]> {
  const net = host.network;
  // Spelled out even when RA might provide a route: many providers that hand out static
  // addresses send no RA. The gateway is a placeholder the title asks to confirm.
  const needGateway = !net.gateways.some((g) => g.family === 6);
  const claim = claimV6Edits(ctx.edits, host, ip.text, prefixFor(configuredAddresses(host), ip), needGateway);
  if (!claim) return [];
  const out: Fix[] = [];
  const instance = postfixOf(host, ctx.model);
  if (instance) {
    const view = smtpClientView(instance);
    const maySend6 = view.protocols.kind === 'unknown' || view.protocols.value.v6;
    if (maySend6) {
      // Once X is on the host, Postfix may send from it (or from its bind address): pin
      // delivery to IPv4 unless that source already has a confirmed PTR and SPF.
      const source = view.bind6.kind === 'known' && view.bind6.value ? view.bind6.value.text : (view.interfaceSource6?.ip.text ?? ip.text);
      const auth = await checkMailSource(host, source, look);
      if (!auth.ok) {
        const edits = combine(claim.edits, pinSmtpToIpv4(ctx.edits, instance));
        const why = auth.problems.length ? `${source} ${auth.problems[0]}` : `the PTR and SPF of ${source} could not be verified`;
        out.push(...fix(`Claim ${claim.what}, and deliver mail over IPv4 only (master.cf smtp -o inet_protocols=ipv4) because ${why}`, edits, true));
      }
    }
  }
  out.push(...fix(`Claim ${claim.what}`, claim.edits, out.length === 0));
  return out;
}

export const aaaaNotOnHost: Rule = {
  meta: {
    id: ID,
    defaultSeverity: 'error',
    title: 'AAAA record for an address the host does not have',
    docs: ID,
    doc: {
      what:
        'A name that belongs to a host (its configured host name, myhostname, mailserver.fqdn, a name whose A/AAAA is one of its addresses, or an MX target of its mail domains that points at it) publishes an AAAA address that the host neither configures nor could obtain.',
      why:
        'IPv6 clients connect to an address nobody answers on: inbound mail over IPv6 is black-holed, other MTAs retry and delay delivery, and clients without Happy Eyeballs time out instead of falling back to IPv4.',
      fix:
        'Claim the address on the interface that carries the host\'s IPv4 (`networking.interfaces.<if>.ipv6.addresses`, or the systemd.network `address` list), adding `networking.defaultGateway6` when the host has no IPv6 route (the `fe80::1` it inserts is a placeholder to confirm with your provider). When the host runs Postfix and that address has no verified PTR/SPF yet, the preferred quick fix also pins Postfix delivery to IPv4 (`-o inet_protocols=ipv4` on the `smtp` service), in the same action even when Postfix lives in another file. Or remove the AAAA record.',
      notFlagged:
        'Addresses configured anywhere on the host (networking.interfaces, systemd.network `address`/`Address`); an AAAA that another host of the repository configures (a proxy or a moved service); addresses of an autoconfigured form (EUI-64 or random interface identifier) inside the host\'s prefixes when SLAAC/RA is possible. A static-looking address such as `::25` cannot come from SLAAC, so it is still reported on SLAAC hosts; when an interface enables DHCPv6, or the host has addresses or autoconfiguration infra-review cannot evaluate, the rule only reports `info` ("cannot verify"). Standalone Postfix hosts (whose addresses are only known from DNS) and names whose AAAA DNS cannot answer are not checked. MX targets and PTR names that point at none of the host\'s addresses (a backup MX elsewhere, a provider\'s service) are not the host\'s names.',
      example: {
        lang: 'nix',
        bad: '# acme.example.zone: mail IN AAAA 2001:db8:25::25\nnetworking.hostName = "mail";\nnetworking.domain = "acme.example";\nnetworking.interfaces.ens3.ipv4.addresses = [ { address = "192.0.2.25"; prefixLength = 24; } ];',
        fixed:
          'networking.interfaces.ens3.ipv4.addresses = [ { address = "192.0.2.25"; prefixLength = 24; } ];\nnetworking.interfaces.ens3.ipv6.addresses = [ { address = "2001:db8:25::25"; prefixLength = 64; } ];\nnetworking.defaultGateway6 = { address = "fe80::1"; interface = "ens3"; };',
      },
    },
  },
  async check(ctx) {
    const look = lookups(ctx.model, ctx.dns);
    const hosts = ctx.model.hosts.filter((h) => !isInferredHost(h));
    return (await mapInOrder(hosts, look.lookahead, (host) => checkHost(host, ctx, look))).flat();
  },
};
