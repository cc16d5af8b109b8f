/** postfix-ipv6-unused: inet_protocols includes ipv6, but the host has no IPv6 at all. */
import type { RawFinding, Rule } from '../types';
import { fix } from '../support/fixes';
import { configuredAddresses, hostById, isInferredHost, v6Facts } from '../support/hosts';
import { settingPlace, smtpClientView } from '../support/postfix';

const ID = 'postfix-ipv6-unused';

export const postfixIpv6Unused: Rule = {
  meta: {
    id: ID,
    defaultSeverity: 'info',
    title: 'Postfix uses IPv6 on a host without IPv6',
    docs: ID,
    doc: {
      what: 'Postfix has `inet_protocols` including ipv6 (explicitly, or through the default `all`), but the host has no IPv6 at all: IPv6 is disabled, or it configures no IPv6 address and rules out autoconfiguration.',
      why: 'Postfix still looks up AAAA records and may try IPv6 connections that cannot work ("Network is unreachable" in the log), which slows deliveries and clutters the log; stating `ipv4` makes the intent explicit.',
      fix: 'Set `inet_protocols = ipv4` (quick fix), or give the host IPv6.',
      notFlagged:
        'Hosts where SLAAC/RA or DHCPv6 could provide IPv6 or where that cannot be evaluated, hosts with any IPv6 address (ULA included), addresses the analysis cannot evaluate, standalone Postfix hosts (their network is not in the repository), and values the analysis cannot read.',
      example: { lang: 'nix', bad: 'networking.enableIPv6 = false;\nservices.postfix.enable = true;', fixed: 'networking.enableIPv6 = false;\nservices.postfix.enable = true;\nservices.postfix.settings.main.inet_protocols = "ipv4";' },
    },
  },
  check(ctx) {
    const out: RawFinding[] = [];
    for (const instance of ctx.model.postfix) {
      const host = hostById(ctx.model, instance.host);
      if (!host || isInferredHost(host)) continue;
      const view = smtpClientView(instance);
      if (view.protocols.kind !== 'known' || !view.protocols.value.v6) continue;
      const facts = v6Facts(host);
      const hasV6 = configuredAddresses(host).some((a) => a.ip.family === 6 && !(a.ip.bits >> 118n === 0x3fan) && a.ip.bits !== 1n);
      const noV6 = facts.disabled || (!hasV6 && facts.dynamic === 'no' && !facts.hasUnknown);
      if (!noV6) continue;
      const p = view.protocols.param;
      const setting = p ? `inet_protocols = ${p.value} in ${settingPlace(p)}` : 'inet_protocols = all (the default)';
      const why = facts.disabled ? 'IPv6 is disabled (networking.enableIPv6 = false)' : 'it configures no IPv6 address and no autoconfiguration';
      const edits = view.protocolsFromOverride ? ctx.edits.setMasterOverride(instance, 'smtp', 'inet_protocols', 'ipv4') : ctx.edits.setPostfixMain(instance, 'inet_protocols', 'ipv4');
      out.push({
        at: p ? p.entryAt : instance.definedAt,
        message: `Postfix on host ${host.name} uses ${setting}, but the host has no IPv6: ${why}. Postfix still looks up AAAA records and may try IPv6 connections that fail with "Network is unreachable"`,
        related: facts.disabled && host.network.ipv6Enabled.known ? [{ at: host.network.ipv6Enabled.at, message: 'IPv6 disabled here' }] : [],
        fixes: fix('Set inet_protocols = ipv4', edits, true),
      });
    }
    return out;
  },
};
