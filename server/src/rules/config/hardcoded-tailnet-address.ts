/**
 * hardcoded-tailnet-address: a relay / next hop or service address written as a literal in
 * 100.64.0.0/10 (Tailscale node addresses, also carrier-grade NAT).
 */
import type { Fix } from '../../core/finding';
import { sameLocation, type Location } from '../../core/text';
import { composeRelays, envText, isTailnetAddress, mayHoldTailnetAddress, parseNextHop, postfixRelays, subLocation, type NextHop } from '../support/next-hops';
import type { RawFinding, Rule, RuleContext } from '../types';

export const MAGICDNS_PLACEHOLDER = 'MACHINE.TAILNET-NAME.ts.net';

const WHY = 'Tailscale assigns 100.64.0.0/10 addresses per node registration: an ephemeral or re-registered node gets a new one and mail to the old literal fails';

function nameFix(ctx: RuleContext, at: Location, text: string, hop: NextHop): Fix[] {
  const loc = subLocation(at, text, hop.hostStart, hop.hostEnd);
  if (!loc) return [];
  return [{ title: `Replace ${hop.host} with the node's MagicDNS name (placeholder ${MAGICDNS_PLACEHOLDER}: edit it)`, edits: [ctx.edits.replace(loc, MAGICDNS_PLACEHOLDER)] }];
}

/** Postfix parameters whose value is a service address of this host. */
const POSTFIX_ADDRESS_PARAMS = new Set(['inet_interfaces', 'smtp_bind_address', 'lmtp_bind_address', 'proxy_interfaces']);

export const hardcodedTailnetAddress: Rule = {
  meta: {
    id: 'hardcoded-tailnet-address',
    defaultSeverity: 'warning',
    title: 'Tailnet (100.64.0.0/10) address hard-coded',
    docs: 'hardcoded-tailnet-address',
    doc: {
      what: 'A relay or next hop (Postfix `relayhost`, a `transport:[host]` value, a compose environment value such as `RELAYHOST`) or a service address (`inet_interfaces`, `smtp_bind_address`, a master.cf service name, a compose port host address) is a literal address in 100.64.0.0/10, the range Tailscale gives its nodes (and carrier-grade NAT uses).',
      why: 'Tailnet addresses belong to a node registration, not to the machine: an ephemeral node, or one that is re-registered (new key, re-created container), comes back with a different address, and mail relayed to the old literal defers or goes to whatever node holds it now.',
      fix: "Use the node's MagicDNS name (`relay.tailnet-name.ts.net`) instead of the address. The quick fix for relays and environment values writes the placeholder `MACHINE.TAILNET-NAME.ts.net` in place of the address: replace it with the real name. Bind addresses and published ports need an address: pin the node's address in the Tailscale admin console, or listen on all addresses and filter with the firewall.",
      notFlagged: 'Client networks in match lists (`mynetworks = 100.64.0.0/10` authorises the whole tailnet, which does not depend on one node), addresses outside 100.64.0.0/10, host names, and values that are template placeholders or unset variables.',
      example: {
        lang: 'postfix',
        bad: 'relayhost = [100.101.102.103]:587',
        fixed: 'relayhost = [relay.tailnet-name.ts.net]:587',
      },
    },
  },
  check(ctx: RuleContext) {
    const out: RawFinding[] = [];
    for (const instance of ctx.model.postfix) {
      for (const r of postfixRelays(instance)) {
        if (!r.hop.address || !isTailnetAddress(r.hop.address)) continue;
        out.push({ at: r.at, message: `${r.setting} relays to the tailnet address ${r.hop.address}: ${WHY}; use the node's MagicDNS name`, fixes: nameFix(ctx, r.at, r.text, r.hop) });
      }
      const params = [...instance.main.map((p) => ({ p, svc: undefined as string | undefined })), ...instance.master.flatMap((e) => e.overrides.map((p) => ({ p, svc: e.service as string | undefined })))];
      for (const { p, svc } of params) {
        if (!POSTFIX_ADDRESS_PARAMS.has(p.name) || p.value === null) continue;
        for (const item of p.items) {
          if (!isTailnetAddress(item.text)) continue;
          out.push({ at: item.at, message: `${p.name}${svc ? ` (-o on service ${svc})` : ''} hard-codes the tailnet address ${item.text}: ${WHY}` });
        }
      }
      for (const e of instance.master) {
        const m = /^(.+):[A-Za-z0-9_-]+$/.exec(e.service);
        if (m && isTailnetAddress(m[1])) out.push({ at: e.serviceAt, message: `master.cf service ${e.service} listens on the tailnet address ${m[1]}: ${WHY}` });
      }
    }
    for (const project of ctx.model.compose) {
      for (const service of project.services) {
        const relays = composeRelays(service);
        for (const r of relays) {
          if (!r.hop.address || !isTailnetAddress(r.hop.address)) continue;
          out.push({ at: r.at, message: `${r.setting} of service ${service.name} relays to the tailnet address ${r.hop.address}: ${WHY}; use the node's MagicDNS name`, fixes: nameFix(ctx, r.at, r.text, r.hop) });
        }
        for (const v of service.environment) {
          const t = envText(v);
          // Most values cannot hold a tailnet address: the cheap test spares them the parse.
          if (!t || !mayHoldTailnetAddress(t.text) || relays.some((r) => sameLocation(r.at, t.at))) continue;
          const hop = parseNextHop(t.text.trim());
          if (!hop?.address || !isTailnetAddress(hop.address)) continue;
          out.push({ at: t.at, message: `${v.name} of service ${service.name} hard-codes the tailnet address ${hop.address}: ${WHY}; use the node's MagicDNS name`, fixes: t.text === t.text.trim() ? nameFix(ctx, t.at, t.text, hop) : [] });
        }
        for (const port of service.ports) {
          if (typeof port.hostIp === 'string' && isTailnetAddress(port.hostIp)) {
            out.push({ at: port.at, message: `service ${service.name} publishes port ${port.containerPort} on the tailnet address ${port.hostIp}: ${WHY}` });
          }
        }
      }
    }
    return out;
  },
};
