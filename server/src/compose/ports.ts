/**
 * Port publications. Short syntax: `[[HOST_IP:](HOST_PORT|RANGE):](CONTAINER_PORT|RANGE)[/PROTO]`
 * with IPv6 host addresses in brackets (`[::1]:25:25`). Compose has no way to read an
 * unbracketed IPv6 host address (`::1:25:25`); we still recover the address the author meant
 * and flag it, since that is exactly what the bracket rule reports.
 */
import { hasHole } from './interpolate';

export type Protocol = 'tcp' | 'udp' | 'sctp';

export interface ParsedPort {
  /** undefined: all addresses; null: not known (an unknown variable). */
  readonly hostIp: string | null | undefined;
  readonly hostPort?: string;
  readonly containerPort: string;
  readonly protocol: Protocol;
  readonly unbracketedIpv6?: { readonly address: string };
}

/**
 * Parses an interpolated short-syntax item. Parts containing holes (unknown variables) are
 * returned as written by `show`, except the host address, which becomes null.
 */
export function parseShortPort(template: string, show: (s: string) => string = (s) => s): ParsedPort | undefined {
  let spec = template.trim();
  let protocol: Protocol = 'tcp';
  const slash = spec.lastIndexOf('/');
  if (slash >= 0) {
    const p = spec.slice(slash + 1).toLowerCase();
    if (p !== 'tcp' && p !== 'udp' && p !== 'sctp') return undefined;
    protocol = p;
    spec = spec.slice(0, slash);
  }
  if (spec === '') return undefined;

  let hostIp: string | null | undefined;
  let unbracketed: string | undefined;
  let ports: string[];
  if (spec.startsWith('[')) {
    const close = spec.indexOf(']');
    if (close < 0 || spec[close + 1] !== ':') return undefined;
    hostIp = spec.slice(1, close);
    ports = spec.slice(close + 2).split(':');
    if (ports.length !== 2) return undefined;
  } else {
    const parts = spec.split(':');
    if (parts.length <= 3) {
      if (parts.length === 3) hostIp = parts[0];
      ports = parts.slice(-2);
    } else {
      // More than three fields: an IPv6 host address written without brackets.
      hostIp = parts.slice(0, -2).join(':');
      unbracketed = hostIp;
      ports = parts.slice(-2);
    }
  }
  if (hostIp === '') hostIp = undefined; // `:80:80` — every address, like no address
  const containerPort = ports[ports.length - 1];
  const hostPort = ports.length === 2 && ports[0] !== '' ? ports[0] : undefined;
  // An unknown variable on the host side may itself hold `ip:port` (`${SQL_PORT}:3306`).
  if ((hostIp !== undefined && hostIp !== null && hasHole(hostIp)) || (hostIp === undefined && hasHole(hostPort ?? containerPort))) hostIp = null;
  if (containerPort === '') return undefined;
  return {
    hostIp,
    ...(hostPort !== undefined ? { hostPort: show(hostPort) } : {}),
    containerPort: show(containerPort),
    protocol,
    ...(unbracketed !== undefined && !hasHole(unbracketed) ? { unbracketedIpv6: { address: unbracketed } } : {}),
  };
}

export function normalizeProtocol(p: string | undefined): Protocol | undefined {
  const v = (p ?? 'tcp').toLowerCase();
  return v === 'tcp' || v === 'udp' || v === 'sctp' ? v : undefined;
}

/** A short-syntax summary of a long-syntax port, for `raw` and messages. */
export function longPortSummary(hostIp: string | undefined, published: string | undefined, target: string, protocol: Protocol): string {
  const ip = hostIp === undefined ? '' : hostIp.includes(':') ? `[${hostIp}]:` : `${hostIp}:`;
  const host = published === undefined ? (ip ? `${ip}:` : '') : `${ip}${published}:`;
  return `${host}${target}${protocol === 'tcp' ? '' : '/' + protocol}`;
}
