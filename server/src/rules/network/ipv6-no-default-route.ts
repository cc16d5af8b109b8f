/** ipv6-no-default-route: a global IPv6 address, but no IPv6 default route and no RA to learn one. */
import type { RawFinding, Rule } from '../types';
import { fix, GATEWAY6_PLACEHOLDER } from '../support/fixes';
import { isInferredHost, v6Facts, type HostAddress } from '../support/hosts';

const ID = 'ipv6-no-default-route';

export const ipv6NoDefaultRoute: Rule = {
  meta: {
    id: ID,
    defaultSeverity: 'warning',
    title: 'Global IPv6 address without an IPv6 default route',
    docs: ID,
    doc: {
      what: 'The host configures a global IPv6 address, but no IPv6 default route: no `networking.defaultGateway6`, no systemd.network `Gateway`/route, and router advertisements are ruled out.',
      why:
        'The host answers on IPv6 only inside its own prefix. Replies to remote IPv6 clients and outgoing IPv6 connections fail with "Network is unreachable": Postfix defers mail to IPv6-only destinations, and anyone reaching the AAAA from outside the prefix gets no answer.',
      fix: 'Add `networking.defaultGateway6 = { address = "fe80::1"; interface = "<if>"; };` (the quick fix inserts `fe80::1`, a common provider default, as a placeholder to confirm with your provider), or a systemd.network `Gateway`.',
      notFlagged:
        'Hosts where router advertisements may provide the route: the kernel accepts RA by default, so the rule needs RA ruled out (sysctl `accept_ra`/`autoconf` = 0, or systemd.network `IPv6AcceptRA = false` on the interface); hosts with IPv6 disabled; link-local and ULA addresses (they need no default route); standalone Postfix hosts, whose network is not in the repository; hosts whose addresses infra-review could not evaluate.',
      example: {
        lang: 'nix',
        bad: 'networking.interfaces.ens3.ipv6.addresses = [ { address = "2001:db8:25::25"; prefixLength = 64; } ];',
        fixed: 'networking.interfaces.ens3.ipv6.addresses = [ { address = "2001:db8:25::25"; prefixLength = 64; } ];\nnetworking.defaultGateway6 = { address = "fe80::1"; interface = "ens3"; };',
      },
    },
  },
  check(ctx) {
    const out: RawFinding[] = [];
    for (const host of ctx.model.hosts) {
      if (isInferredHost(host)) continue;
      const facts = v6Facts(host);
      if (facts.disabled || facts.hasUnknown || facts.staticGlobal.length === 0) continue;
      if (host.network.gateways.some((g) => g.family === 6)) continue;
      // Router advertisements may install the route unless they are ruled out, host-wide
      // (dynamicV6 'no') or on every interface carrying a global address (IPv6AcceptRA=no).
      const raOff = (a: HostAddress) => {
        const decl = host.network.interfaces.find((i) => a.interface !== undefined && (i.name === a.interface || i.matchName === a.interface));
        return decl?.acceptRA?.known === true && decl.acceptRA.value === false;
      };
      if (facts.dynamic !== 'no' && !facts.staticGlobal.every(raOff)) continue;
      const first = facts.staticGlobal[0];
      const iface = first.interface ? (host.network.interfaces.find((i) => i.name === first.interface || i.matchName === first.interface)?.matchName ?? first.interface) : undefined;
      const list = facts.staticGlobal.map((a) => a.ip.text).join(', ');
      const edits = iface
        ? ctx.edits.setNixOption(host, ['networking', 'defaultGateway6'], `{ address = ${JSON.stringify(GATEWAY6_PLACEHOLDER)}; interface = ${JSON.stringify(iface)}; }`)
        : undefined;
      out.push({
        at: first.at ?? host.anchor,
        message: `Host ${host.name} configures the global IPv6 address${facts.staticGlobal.length > 1 ? 'es' : ''} ${list} but no IPv6 default route (no networking.defaultGateway6, no systemd.network Gateway, router advertisements ruled out): IPv6 traffic beyond the local prefix fails with "Network is unreachable", so inbound IPv6 clients get no reply and IPv6 deliveries are deferred`,
        related: facts.staticGlobal.slice(1).flatMap((a) => (a.at ? [{ at: a.at, message: `also ${a.ip.text}` }] : [])),
        fixes: fix(`Add networking.defaultGateway6 = ${GATEWAY6_PLACEHOLDER} on ${iface} (placeholder: confirm your provider's gateway)`, edits, true),
      });
    }
    return out;
  },
};
