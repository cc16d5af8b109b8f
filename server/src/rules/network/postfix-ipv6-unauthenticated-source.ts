/**
 * postfix-ipv6-unauthenticated-source: Postfix can deliver over IPv6 from a source without a
 * forward-confirmed PTR or SPF authorisation: large receivers (Gmail) reject or spam-file it.
 */
import type { Fix } from '../../core/finding';
import type { RawFinding, Rule, RuleContext } from '../types';
import { lookups, type Lookups } from '../support/dns';
import { fix, PIN_IPV4_TITLE, pinSmtpToIpv4 } from '../support/fixes';
import { mapInOrder } from '../support/in-order';
import { checkMailSource, joinList } from '../support/mail-auth';
import { protocolsAnchor, settingPlace } from '../support/postfix';
import { globalV6, ipv6SendingInstances, ipv6Source, sourceRelated, type SendingInstance, type Source } from '../support/sending';

const ID = 'postfix-ipv6-unauthenticated-source';

function protocolsText(s: SendingInstance): string {
  const p = s.view.protocols;
  if (p.kind !== 'known') return '';
  const value = p.param?.value ?? 'all';
  return p.isDefault ? 'inet_protocols = all, the default' : `inet_protocols = ${value} in ${settingPlace(p.param)}`;
}

async function fixesFor(s: SendingInstance, src: Source, ctx: RuleContext, look: Lookups): Promise<Fix[]> {
  const { instance, view } = s;
  const out: Fix[] = [...fix(PIN_IPV4_TITLE, pinSmtpToIpv4(ctx.edits, instance), true)];
  const prefOverride = view.preference.kind === 'known' && view.preference.param && settingPlace(view.preference.param) !== 'main.cf';
  if (!(view.preference.kind === 'known' && view.preference.value === 'ipv4') && !prefOverride) {
    out.push(
      ...fix(
        'Set smtp_address_preference = ipv4 (partial: it only reorders addresses of equal MX preference; Postfix still delivers over IPv6 when that is all that is left)',
        ctx.edits.setPostfixMain(instance, 'smtp_address_preference', 'ipv4'),
      ),
    );
  }
  if (!view.protocolsFromOverride) {
    out.push(...fix('Set inet_protocols = ipv4 (also stops inbound IPv6 and AAAA lookups; needs postfix stop/start, not reload)', ctx.edits.setPostfixMain(instance, 'inet_protocols', 'ipv4')));
  }
  // Another address of the host that receivers would accept.
  for (const a of (await globalV6(s.host, look)).filter((x) => x.ip.text !== src.ip.text).slice(0, 4)) {
    const auth = await checkMailSource(s.host, a.ip.text, look);
    if (!auth.ok) continue;
    const edits =
      view.bind6.kind === 'known' && view.bind6.param && settingPlace(view.bind6.param) !== 'main.cf'
        ? ctx.edits.setMasterOverride(instance, 'smtp', 'smtp_bind_address6', a.ip.text)
        : ctx.edits.setPostfixMain(instance, 'smtp_bind_address6', a.ip.text);
    out.push(...fix(`Set smtp_bind_address6 = ${a.ip.text} (PTR ${joinList(auth.confirmedNames)} resolves back, SPF passes)`, edits));
  }
  return out;
}

async function checkInstance(s: SendingInstance, ctx: RuleContext, look: Lookups): Promise<RawFinding[]> {
  if (s.view.protocolsFromOverride && s.view.protocols.kind === 'known' && !s.view.protocols.value.v6) return [];
  const src = await ipv6Source(s, look);
  if (typeof src === 'string') return [];
  const auth = await checkMailSource(s.host, src.ip.text, look);
  if (auth.ok) return [];
  const at = protocolsAnchor(s.view);
  const related = [...sourceRelated(src), ...auth.related];
  const lead = `Postfix on host ${s.host.name} delivers over IPv6 (${protocolsText(s)}) from ${src.describe}`;
  if (auth.problems.length === 0) {
    return [
      {
        at,
        severity: 'info',
        message: `${lead}; cannot verify that receivers accept it: DNS could not answer ${joinList(auth.unknowns)}. Receivers such as Gmail reject IPv6 mail without a forward-confirmed PTR and SPF/DKIM`,
        related,
        fixes: fix(PIN_IPV4_TITLE, pinSmtpToIpv4(ctx.edits, s.instance)),
      },
    ];
  }
  const partial = s.view.preference.kind === 'known' && s.view.preference.value === 'ipv4';
  const consequence = partial
    ? 'smtp_address_preference = ipv4 only reorders addresses of equal MX preference, so destinations reachable only over IPv6 (or whose IPv4 fails) still get this mail over IPv6, where Gmail and others reject or spam-file it'
    : 'Gmail and other receivers reject or spam-file IPv6 mail without a forward-confirmed PTR and SPF/DKIM ("IPv6 sending guidelines")';
  if (partial && s.view.preference.kind === 'known' && s.view.preference.param) related.push({ at: s.view.preference.param.entryAt, message: 'smtp_address_preference = ipv4: a partial mitigation' });
  return [
    {
      at,
      severity: partial ? 'info' : undefined,
      message: `${lead}, which ${joinList(auth.problems)}${auth.unknowns.length ? ` (not checked, DNS could not answer: ${joinList(auth.unknowns)})` : ''}: ${consequence}`,
      related,
      fixes: await fixesFor(s, src, ctx, look),
    },
  ];
}

export const postfixIpv6UnauthenticatedSource: Rule = {
  meta: {
    id: ID,
    defaultSeverity: 'warning',
    title: 'Postfix sends over IPv6 from an address without PTR/SPF',
    docs: ID,
    doc: {
      what:
        'Postfix on a host can deliver over IPv6 (`inet_protocols` includes ipv6 for the `smtp` client service, as the default `all` does) from a source address (the `smtp_bind_address6`, the single IPv6 address of `inet_interfaces`, or the host\'s only global IPv6) that has no PTR record, whose PTR does not resolve back to it, or that the SPF of the host\'s mail domains does not authorise.',
      why:
        'Gmail and other large receivers require forward-confirmed reverse DNS and SPF or DKIM for mail arriving over IPv6; they reject it ("does not meet IPv6 sending guidelines regarding PTR records and authentication") or file it as spam, while the same mail over IPv4 is accepted.',
      fix:
        'Preferred: deliver over IPv4 only with `-o inet_protocols=ipv4` on the `smtp` service in master.cf (NixOS: `services.postfix.settings.master.smtp`), keeping inbound IPv6. Alternatives offered as quick fixes: `smtp_address_preference = ipv4` (partial: only reorders), `inet_protocols = ipv4` (also stops inbound IPv6), `smtp_bind_address6` set to another address of the host whose PTR and SPF are right. Or publish the PTR and add the address to SPF. When `smtp_address_preference = ipv4` is the only mitigation, the finding is `info`, explaining why it is partial.',
      notFlagged:
        'Instances with `-o inet_protocols=ipv4` on the smtp service or `inet_protocols = ipv4`; hosts with IPv6 disabled; values the analysis cannot read (templates such as `{{ }}` or `PH_*`, unevaluated Nix) ; hosts whose IPv6 source is not determined (several addresses, or only autoconfigured ones: see postfix-ipv6-source-ambiguous). When DNS cannot answer (no zone data, offline), the rule reports at most `info` "cannot verify", never a warning.',
      example: {
        lang: 'postfix',
        bad: '# master.cf\nsmtp      unix  -       -       n       -       -       smtp',
        fixed: '# master.cf\nsmtp      unix  -       -       n       -       -       smtp\n  -o inet_protocols=ipv4',
      },
    },
  },
  async check(ctx) {
    const look = lookups(ctx.model, ctx.dns);
    return (await mapInOrder(ipv6SendingInstances(ctx.model), look.lookahead, (s) => checkInstance(s, ctx, look))).flat();
  },
};
