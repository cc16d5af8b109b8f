/** postfix-bind-address-not-on-host: smtp_bind_address(6) names an address the host cannot have. */
import type { PostfixInstance } from '../../model/types';
import type { RawFinding, Rule } from '../types';
import { effectiveValue } from '../../postfix/effective';
import { fix } from '../support/fixes';
import { configuredAddresses, couldObtain, hostById, isInferredHost } from '../support/hosts';
import { isGlobalV6, isUnspecifiedOrLoopback, parseAddress } from '../support/ip';
import { joinList } from '../support/mail-auth';
import { bindSettings, SMTP_CLIENT } from '../support/postfix';

const ID = 'postfix-bind-address-not-on-host';

/** smtp_bind_address_enforce = yes for the SMTP client: read only for a finding (most instances have none). */
function isEnforced(instance: PostfixInstance): boolean {
  const enforce = effectiveValue(instance, 'smtp_bind_address_enforce', SMTP_CLIENT);
  return enforce.kind !== 'unknown' && /^(yes|true|1)$/i.test(enforce.value.trim());
}

export const postfixBindAddressNotOnHost: Rule = {
  meta: {
    id: ID,
    defaultSeverity: 'error',
    title: 'Postfix bind address the host does not have',
    docs: ID,
    doc: {
      what:
        '`smtp_bind_address6` or `smtp_bind_address` (in main.cf or as `-o` on a master.cf service) names an address the host does not configure and that nothing on it could assign: no DHCP/SLAAC could produce it, because it lies outside every prefix the host uses, or (IPv6 with SLAAC only) it is not of an autoconfigured form.',
      why:
        'Postfix cannot bind to it: it logs a warning and sends unbound, from whatever address the kernel picks (so the PTR/SPF you prepared for the bind address do not apply), or, with `smtp_bind_address_enforce = yes`, defers every delivery.',
      fix: 'Replace the value with an address the host configures (one quick fix per configured address of that family), or configure the address on the host.',
      notFlagged:
        'Hosts whose addresses are unknown (DHCP or SLAAC with no static address of that family, addresses written in a way infra-review cannot evaluate), standalone Postfix hosts (their addresses are only known from DNS), an autoconfigured-form IPv6 address inside the host\'s prefix when SLAAC is possible, any in-prefix address when DHCP could assign it, empty, unspecified or loopback values, and values the analysis cannot read (templates such as `{{ }}`/`PH_*`, `$name`).',
      example: {
        lang: 'postfix',
        bad: '# host configures 2001:db8:25::25/64\nsmtp_bind_address6 = 2001:db8:99::25',
        fixed: 'smtp_bind_address6 = 2001:db8:25::25',
      },
    },
  },
  check(ctx) {
    const out: RawFinding[] = [];
    for (const instance of ctx.model.postfix) {
      const host = hostById(ctx.model, instance.host);
      if (!host || isInferredHost(host)) continue;
      const configured = configuredAddresses(host);
      for (const { param, family, service } of bindSettings(instance)) {
        if (param.value === null || param.value.includes('$')) continue;
        const ip = parseAddress(param.value);
        if (!ip || ip.family !== family || isUnspecifiedOrLoopback(ip)) continue;
        const same = configured.filter((a) => a.ip.family === family && (family === 4 || isGlobalV6(a.ip)));
        if (same.some((a) => a.ip.text === ip.text) || configured.some((a) => a.ip.text === ip.text)) continue;
        const dynamic = family === 6 ? host.network.dynamicV6 : host.network.dynamicV4;
        // Nothing static of this family and something dynamic: the host's addresses are unknown.
        if (same.length === 0 && dynamic !== 'no') continue;
        if (couldObtain(host, ip) !== 'no') continue;
        const has = same.length ? `it has ${joinList(same.map((a) => a.ip.text))}` : `it has no IPv${family} address`;
        const where = service ? ` (-o on the ${service} service)` : '';
        out.push({
          at: param.valueAt,
          message:
            `${param.name} = ${ip.text}${where} is not an address of host ${host.name} (${has}), and nothing on the host could assign it: ` +
            (isEnforced(instance)
              ? 'with smtp_bind_address_enforce = yes Postfix defers every delivery'
              : 'Postfix logs a bind warning and sends from whatever address the kernel picks, so the PTR/SPF prepared for the bind address do not apply'),
          related: same.flatMap((a) => (a.at ? [{ at: a.at, message: `${a.ip.text} is configured here` }] : [])),
          fixes: same.flatMap((a, i) => fix(`Use ${a.ip.text}${a.interface ? ` (configured on ${a.interface})` : ''}`, [ctx.edits.replace(param.valueAt, a.ip.text)], same.length === 1 && i === 0)),
        });
      }
    }
    return out;
  },
};
