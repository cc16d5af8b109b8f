/**
 * compose-port-ipv6-brackets: a short-syntax port that publishes on an IPv6 host address
 * written without brackets (`::1:25:25`), after `.env` interpolation.
 */
import type { Fix } from '../../core/finding';
import type { ComposePort } from '../../model/types';
import type { RawFinding, Rule, RuleContext } from '../types';

/** The item rewritten with the host address in brackets, as written (variables kept). */
export function bracketedPortText(raw: string, address: string): string | undefined {
  const t = raw.trim();
  if (t.startsWith(`${address}:`)) return `[${address}]${t.slice(address.length)}`;
  const v = /^\$\{[^}]*\}|^\$[A-Za-z_][A-Za-z0-9_]*/.exec(t);
  if (v && t[v[0].length] === ':') return `[${v[0]}]${t.slice(v[0].length)}`;
  return undefined;
}

export const composePortIpv6Brackets: Rule = {
  meta: {
    id: 'compose-port-ipv6-brackets',
    defaultSeverity: 'error',
    title: 'IPv6 host address in a compose port without brackets',
    docs: 'compose-port-ipv6-brackets',
    doc: {
      what: 'A short-syntax `ports:` item publishes on an IPv6 host address written without brackets (`::1:25:25`, or `${BIND6}:25:25` with `BIND6=::1` in `.env`), checked after `.env` and `${VAR:-default}` interpolation.',
      why: 'docker compose cannot tell where an unbracketed IPv6 address ends and the ports begin: it refuses the file ("invalid hostPort") or publishes on a different address and port than intended, so the mail port is not reachable where the DNS says it is.',
      fix: 'Write the address in brackets: `[::1]:25:25` (quick fix; when the address comes from a variable, the brackets go around the variable: `[${BIND6}]:25:25`). The long syntax (`host_ip: "::1"`) needs no brackets.',
      notFlagged: 'Bracketed addresses (`[2001:db8::25]:25:25`), IPv4 host addresses, long-syntax ports (`host_ip:`), and items whose host address comes from a variable without a value.',
      example: {
        lang: 'yaml',
        bad: 'services:\n  mta:\n    ports:\n      - "2001:db8::25:25:25"',
        fixed: 'services:\n  mta:\n    ports:\n      - "[2001:db8::25]:25:25"',
      },
    },
  },
  check(ctx: RuleContext) {
    const out: RawFinding[] = [];
    for (const project of ctx.model.compose) {
      for (const service of project.services) {
        for (const port of service.ports as readonly ComposePort[]) {
          if (port.syntax !== 'short' || !port.unbracketedIpv6) continue;
          const address = port.unbracketedIpv6.address;
          const fixed = bracketedPortText(port.raw, address);
          const fixes: Fix[] = fixed ? [{ title: `Write as ${fixed}`, preferred: true, edits: [ctx.edits.replace(port.at, JSON.stringify(fixed))] }] : [];
          const fromVar = !port.raw.includes(address);
          out.push({
            at: port.at,
            message:
              `port "${port.raw}" of service ${service.name} publishes on the IPv6 address ${address}${fromVar ? ' (from a variable)' : ''} without brackets: ` +
              `compose cannot tell the address from the ports; write [${address}]:${port.hostPort ?? ''}${port.hostPort !== undefined ? ':' : ''}${port.containerPort}`,
            fixes,
          });
        }
      }
    }
    return out;
  },
};
