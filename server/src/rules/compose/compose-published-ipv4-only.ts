/**
 * compose-published-ipv4-only: the project's mail name has AAAA, but the SMTP ports are
 * published only on IPv4, or on all addresses into a network without IPv6 (then IPv6 clients
 * reach Postfix through Docker's userland proxy with their address rewritten).
 */
import type { Fix, RelatedInfo } from '../../core/finding';
import type { DnsRecord } from '../../dns/types';
import type { ComposePort, ComposeProject, ComposeService } from '../../model/types';
import { egressIpv6, egressOf, enableIpv6Fix, mailNames, namespaceOwner, networkIpv6, smtpPorts } from '../support/compose-net';
import { preferredFix } from '../support/fixes';
import { lookups, recordsOf } from '../support/dns';
import { parseAddress } from '../support/ip';
import type { RawFinding, Rule, RuleContext } from '../types';

function family(hostIp: ComposePort['hostIp']): 4 | 6 | 'all' | 'unknown' {
  if (hostIp === undefined) return 'all';
  if (hostIp === null) return 'unknown';
  if (hostIp === '::') return 6;
  const ip = parseAddress(hostIp);
  return ip ? ip.family : 'unknown';
}

/** Services sharing `service`'s namespace contribute their mail names. */
function namesFor(project: ComposeProject, service: ComposeService): { name: string }[] {
  const guests = project.services.filter((s) => namespaceOwner(project, s) === service);
  return [...mailNames(service), ...guests.flatMap(mailNames)];
}

export const composePublishedIpv4Only: Rule = {
  meta: {
    id: 'compose-published-ipv4-only',
    defaultSeverity: 'warning',
    title: 'SMTP published only on IPv4 while the mail name has AAAA',
    docs: 'compose-published-ipv4-only',
    doc: {
      what: "A mail name of the project (a service's `hostname:`, or a mail-name variable such as `OVERRIDE_HOSTNAME`) has an AAAA record, but the service's SMTP ports (25, 465, 587) are published only on IPv4 (`0.0.0.0:25:25`, `192.0.2.25:25:25`), or on all addresses into networks without IPv6.",
      why: 'Sending servers that prefer IPv6 connect to the AAAA address. With an IPv4-only publication they are refused and retry over IPv4 later (delayed mail) or bounce. Published on all addresses into a network without IPv6, the connection goes through Docker\'s userland proxy and reaches Postfix from the bridge gateway\'s IPv4 address: SPF, RBL and `mynetworks` checks then judge the wrong client, which can make the server an open relay.',
      fix: 'Publish on both families (quick fix: drop `0.0.0.0:` so the port is published on all addresses, or add an `[AAAA address]:25:25` item next to a specific IPv4 one), and enable IPv6 on the network (quick fix: `enable_ipv6: true` with a ULA subnet).',
      notFlagged: 'Mail names without AAAA or with an unknown DNS answer, ports published on IPv6 as well, host addresses from variables without a value, `network_mode: host`, external networks, and non-SMTP ports.',
      example: {
        lang: 'yaml',
        bad: 'services:\n  mta:\n    hostname: mx1.example.org\n    ports:\n      - "0.0.0.0:25:25"',
        fixed: 'services:\n  mta:\n    hostname: mx1.example.org\n    ports:\n      - "25:25"\nnetworks:\n  default:\n    enable_ipv6: true\n    ipam:\n      config:\n        - subnet: fd12:3456:789a:1::/64',
      },
    },
  },
  async check(ctx: RuleContext) {
    const out: RawFinding[] = [];
    const dns = lookups(ctx.model, ctx.dns);
    for (const project of ctx.model.compose) {
      for (const service of project.services) {
        const ports = smtpPorts(service);
        if (!ports.length) continue;
        const names = namesFor(project, service);
        if (!names.length) continue;
        let named: { name: string; aaaa: DnsRecord[] } | undefined;
        for (const n of names) {
          const aaaa = recordsOf(await dns.query(n.name, 'AAAA'), 'AAAA');
          if (aaaa.length) {
            named = { name: n.name, aaaa };
            break;
          }
        }
        if (!named) continue;
        const related: RelatedInfo[] = named.aaaa.filter((r) => r.at).map((r) => ({ at: r.at!, message: `AAAA of ${named!.name}` }));
        const egress = egressOf(project, service);
        const noV6Net = egress.kind === 'networks' && egressIpv6(egress) === 'no' ? egress.networks.find((n) => networkIpv6(n) === 'no') : undefined;
        const netFix = noV6Net && enableIpv6Fix(ctx.edits, project, noV6Net);
        for (const port of ports) {
          const fam = family(port.hostIp);
          if (fam === 'unknown' || fam === 6) continue;
          if (fam === 4) {
            const alsoV6 = ports.some((p) => p !== port && p.containerPort === port.containerPort && (family(p.hostIp) === 6 || family(p.hostIp) === 'all'));
            if (alsoV6) continue;
            const fixes: Fix[] = [];
            if (port.syntax === 'short' && port.hostIp === '0.0.0.0' && port.raw.trim().startsWith('0.0.0.0:')) {
              const all = port.raw.trim().slice('0.0.0.0:'.length);
              fixes.push({ title: `Publish on all addresses (IPv4 and IPv6): ${all}`, preferred: true, edits: [ctx.edits.replace(port.at, JSON.stringify(all))] });
            } else if (port.syntax === 'short' && named.aaaa.length === 1 && port.hostPort && service.at.file === project.file) {
              const item = `[${named.aaaa[0].data}]:${port.hostPort}:${port.containerPort}`;
              const edits = ctx.edits.setComposeValue(project, ['services', service.name, 'ports'], [item]);
              if (edits?.length) fixes.push({ title: `Also publish on ${named.name}'s IPv6 address: ${item}`, preferred: true, edits });
            }
            // No network fix here: IPv6 on the network publishes nothing on the host's IPv6
            // address, so this finding would stay (the all-addresses case below offers it).
            out.push({
              at: port.at,
              message: `${named.name} has AAAA (${named.aaaa.map((r) => r.data).join(', ')}), but service ${service.name} publishes SMTP port ${port.containerPort} only on IPv4 (${port.hostIp}): IPv6 senders are refused`,
              related,
              fixes,
            });
          } else if (noV6Net && egress.kind === 'networks') {
            out.push({
              at: port.at,
              message:
                `${named.name} has AAAA (${named.aaaa.map((r) => r.data).join(', ')}), but service ${service.name} publishes SMTP port ${port.containerPort} into network ${noV6Net.name} without IPv6: ` +
                "IPv6 senders reach Postfix through Docker's proxy with their address rewritten (SPF, RBL and mynetworks checks see the gateway)",
              related: [...related, ...(noV6Net.at ? [{ at: noV6Net.at, message: `network ${noV6Net.name}: no enable_ipv6` }] : [])],
              fixes: netFix ? [preferredFix(netFix)] : [],
            });
          }
        }
      }
    }
    return out;
  },
};
