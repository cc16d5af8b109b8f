/** postfix-ipv6-source-ambiguous: several global IPv6 addresses and no smtp_bind_address6. */
import type { Fix, RelatedInfo } from '../../core/finding';
import type { RawFinding, Rule } from '../types';
import { lookups } from '../support/dns';
import { fix } from '../support/fixes';
import { joinList } from '../support/mail-auth';
import { globalV6, ipv6SendingInstances } from '../support/sending';
import { effectiveValue } from '../../postfix/effective';

const ID = 'postfix-ipv6-source-ambiguous';

export const postfixIpv6SourceAmbiguous: Rule = {
  meta: {
    id: ID,
    defaultSeverity: 'warning',
    title: 'Postfix IPv6 source address left to the kernel',
    docs: ID,
    doc: {
      what:
        'Postfix on a host may deliver over IPv6, the host has more than one global IPv6 address (several static ones, or a static one plus SLAAC/RA autoconfiguration), and neither `smtp_bind_address6` nor a single IPv6 `inet_interfaces` address fixes the source.',
      why:
        'The kernel chooses the source address per connection (RFC 6724 rules, temporary addresses). PTR and SPF can be right for only the address you published, so some deliveries leave from an address receivers do not trust and get rejected or spam-filed, intermittently and hard to reproduce.',
      fix: 'Set `smtp_bind_address6` to the address whose PTR matches `myhostname` (one quick fix per candidate; the PTR-matching one is preferred).',
      notFlagged:
        'Hosts with a single global IPv6 address and no autoconfiguration (or autoconfiguration that cannot be evaluated); link-local and ULA addresses; instances that bind (`smtp_bind_address6`, also as `-o` on the smtp service) or pin delivery to IPv4 (`-o inet_protocols=ipv4`); settings the analysis cannot read (templates, unevaluated Nix).',
      example: {
        lang: 'postfix',
        bad: '# host has 2001:db8:25::25 and 2001:db8:25::80\ninet_protocols = all',
        fixed: 'inet_protocols = all\nsmtp_bind_address6 = 2001:db8:25::25',
      },
    },
  },
  async check(ctx) {
    const look = lookups(ctx.model, ctx.dns);
    const out: RawFinding[] = [];
    for (const s of ipv6SendingInstances(ctx.model)) {
      const { view, host, instance } = s;
      if (view.bind6.kind === 'unknown' || view.bind6.value || view.interfaceSource6) continue;
      const addresses = await globalV6(host, look);
      const slaac = host.kind !== 'postfix' && host.network.dynamicV6 === 'possible';
      if (addresses.length === 0 || (addresses.length < 2 && !slaac)) continue;
      const myhostname = effectiveValue(instance, 'myhostname');
      const wanted = new Set([...host.names.map((n) => n.name), ...(myhostname.kind !== 'unknown' ? [myhostname.value.toLowerCase().replace(/\.$/, '')] : [])]);
      const candidates: { text: string; ptr: string[]; matches: boolean }[] = [];
      for (const a of addresses) {
        const rev = await look.reverse(a.ip.text);
        const names = rev.confirmed === 'yes' ? rev.names.map((n) => n.toLowerCase().replace(/\.$/, '')) : [];
        candidates.push({ text: a.ip.text, ptr: names, matches: names.some((n) => wanted.has(n)) });
      }
      candidates.sort((x, y) => Number(y.matches) - Number(x.matches));
      const fixes: Fix[] = candidates.flatMap((c, i) =>
        fix(
          `Set smtp_bind_address6 = ${c.text}${c.matches ? ` (its PTR ${c.ptr.join(', ')} matches the host name)` : c.ptr.length ? ` (PTR ${c.ptr.join(', ')})` : ''}`,
          ctx.edits.setPostfixMain(instance, 'smtp_bind_address6', c.text),
          i === 0 && c.matches,
        ),
      );
      const related: RelatedInfo[] = addresses.flatMap((a) => (a.at ? [{ at: a.at, message: `${a.ip.text}${a.inferred ? ` (AAAA of ${a.inferred.name})` : ''}` }] : []));
      const list = joinList([...addresses.map((a) => a.ip.text), ...(slaac ? ['addresses from SLAAC/router advertisements'] : [])]);
      out.push({
        at: instance.definedAt,
        message: `Postfix on host ${host.name} may deliver over IPv6, and host ${host.name} has several global IPv6 addresses (${list}) but no smtp_bind_address6: the kernel picks the source per connection, and PTR and SPF can be right for only one of them, so some deliveries are rejected or spam-filed`,
        related,
        fixes,
      });
    }
    return out;
  },
};
