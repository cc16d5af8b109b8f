/**
 * compose-netns-without-ipv6: a mail service that shares another service's network namespace
 * (`network_mode: service:X`) whose networks have no IPv6, while the names it sends to or is
 * reached by have AAAA records.
 */
import type { Fix, RelatedInfo } from '../../core/finding';
import { egressIpv6, egressOf, enableIpv6Fix, handlesMail, mailNames, namespaceOwner, networkAnchor, networkIpv6, smtpPorts } from '../support/compose-net';
import { preferredFix } from '../support/fixes';
import { lookups, recordsOf, type Lookups } from '../support/dns';
import { composeRelays, hostNameOf } from '../support/next-hops';
import type { RawFinding, Rule, RuleContext } from '../types';

/** Names with AAAA among `names` (unknown answers are skipped, never guessed). */
async function withAaaa(dns: Lookups, names: readonly string[]): Promise<{ name: string; related: RelatedInfo[] }[]> {
  const out: { name: string; related: RelatedInfo[] }[] = [];
  for (const name of [...new Set(names)]) {
    const ans = await dns.query(name, 'AAAA');
    const recs = recordsOf(ans, 'AAAA');
    if (recs.length) out.push({ name, related: recs.filter((r) => r.at).map((r) => ({ at: r.at!, message: `AAAA of ${name}` })) });
  }
  return out;
}

export const composeNetnsWithoutIpv6: Rule = {
  meta: {
    id: 'compose-netns-without-ipv6',
    defaultSeverity: 'warning',
    title: 'Mail service in a network namespace without IPv6',
    docs: 'compose-netns-without-ipv6',
    doc: {
      what: "A service that sends or relays mail (it, or the service whose namespace it shares, publishes 25/465/587, or it names a relay host) uses `network_mode: service:X` (or `container:X`), and X's networks lack `enable_ipv6`, while a next hop it uses, or one of its mail names, has an AAAA record.",
      why: "In X's namespace the mail service has no IPv6 route: connections to AAAA addresses of relays or MX hosts fail with \"Network is unreachable\" (and some clients do not fall back), and IPv6 clients following the mail name's AAAA reach nothing. The network_mode line is easy to miss because the service itself declares no networks.",
      fix: "Give X's network IPv6: `enable_ipv6: true` and an `ipam` subnet (quick fix; it writes a ULA `fdXX:XXXX:XXXX:XXXX::/64` per RFC 4193, derived from the project and network names, on X's network, or on the project's `default` network when X joins none).",
      notFlagged: "Services that neither publish SMTP ports nor name a relay, `network_mode: host`, X in another project or an external network (unknown; `container:X` must name a container of the project: its `container_name:`, or compose's `<project>-<service>-<n>`), X's networks with `enable_ipv6: true`, names without AAAA, and names whose DNS answer is unknown.",
      example: {
        lang: 'yaml',
        bad: 'services:\n  vpn:\n    image: vpn.example/gateway\n    ports: ["25:25"]\n  mail:\n    image: mail.example/postfix\n    hostname: mx1.example.org\n    network_mode: "service:vpn"',
        fixed: 'services:\n  vpn:\n    image: vpn.example/gateway\n    ports: ["25:25"]\n  mail:\n    image: mail.example/postfix\n    hostname: mx1.example.org\n    network_mode: "service:vpn"\nnetworks:\n  default:\n    enable_ipv6: true\n    ipam:\n      config:\n        - subnet: fd12:3456:789a:1::/64',
      },
    },
  },
  async check(ctx: RuleContext) {
    const out: RawFinding[] = [];
    const dns = lookups(ctx.model, ctx.dns);
    for (const project of ctx.model.compose) {
      for (const service of project.services) {
        const mode = service.networkMode;
        const owner = namespaceOwner(project, service);
        if (!mode || !owner) continue;
        if (!handlesMail(service) && !smtpPorts(owner).length) continue;
        const egress = egressOf(project, service);
        if (egress.kind !== 'networks' || egressIpv6(egress) !== 'no') continue;
        const hops = composeRelays(service).map((r) => hostNameOf(r.hop)).filter((n): n is string => !!n);
        const names = [...mailNames(service), ...mailNames(owner)].map((n) => n.name);
        const v6 = await withAaaa(dns, [...hops, ...names]);
        if (!v6.length) continue;
        const fixes: Fix[] = [];
        const net = egress.networks.find((n) => networkIpv6(n) === 'no');
        const fix = net && enableIpv6Fix(ctx.edits, project, net);
        if (fix) fixes.push(preferredFix(fix));
        out.push({
          at: mode.at,
          message:
            `service ${service.name} handles mail in the network namespace of ${egress.owner.name}, whose network${egress.networks.length === 1 ? '' : 's'} ` +
            `${egress.networks.map((n) => n.name).join(', ')} ha${egress.networks.length === 1 ? 's' : 've'} no IPv6, but ${v6.map((v) => v.name).join(', ')} ha${v6.length === 1 ? 's' : 've'} AAAA: ` +
            'IPv6 connections from and to it fail with "Network is unreachable"',
          related: [...egress.networks.map((n) => ({ at: networkAnchor(n, egress.owner), message: `network ${n.name} of ${egress.owner.name}: no enable_ipv6` })), ...v6.flatMap((v) => v.related)],
          fixes,
        });
      }
    }
    return out;
  },
};
