/**
 * IP address helpers for rules. (Rules may not import the DNS implementation, so this is a
 * small, self-contained view over `ip-address`, canonicalising exactly like the model does:
 * dotted quad, or RFC 5952 compressed lower-case IPv6.)
 */
import { Address4, Address6 } from 'ip-address';
import { formatIpv6Groups, hexOnlyIpv6Text, ipv6Groups } from '../../core/ipv6-text';

export interface Ip {
  readonly family: 4 | 6;
  readonly text: string;
  /** 32 or 128 bits, most significant first. */
  readonly bits: bigint;
}

/** Parses a literal address, tolerating `[...]` brackets (Postfix) but not `/len` or `%zone`. */
export function parseAddress(raw: string): Ip | undefined {
  // Memoised: every rule parses the same addresses of every host; ip-address is slow.
  if (parsedAddresses.has(raw)) return parsedAddresses.get(raw);
  const ip = parseAddressUncached(raw);
  if (parsedAddresses.size >= PARSED_LIMIT) parsedAddresses.clear();
  parsedAddresses.set(raw, ip);
  return ip;
}

const parsedAddresses = new Map<string, Ip | undefined>();
const PARSED_LIMIT = 100000;

function parseAddressUncached(raw: string): Ip | undefined {
  let t = raw.trim();
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1);
  if (!t || t.includes('/') || t.includes('%')) return undefined;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(t)) {
    const a = tryParse(() => new Address4(t));
    return a && { family: 4, text: a.correctForm(), bits: a.bigInt() };
  }
  // Without `%zone` and `/len`, ip-address accepts only hex digits, ':' and a dotted-quad
  // tail: anything else is rejected here, without the exception the library would throw.
  if (!t.includes(':') || !/^[0-9a-f:.]+$/i.test(t)) return undefined;
  const hexOnly = hexOnlyIpv6Text(t);
  if (hexOnly !== undefined) return fromIpv6Groups(ipv6Groups(hexOnly), hexOnly);
  const a = tryParse(() => new Address6(t));
  if (!a) return undefined;
  if (a.isMapped4()) {
    const v4 = a.embeddedIPv4();
    if (v4) return { family: 4, text: v4.correctForm(), bits: v4.bigInt() };
  }
  return { family: 6, text: a.correctForm(), bits: a.bigInt() };
}

/** What ip-address makes of a hex-only IPv6 address: an IPv4-mapped one (::ffff:0:0/96) is IPv4. */
function fromIpv6Groups(g: readonly number[], text: string): Ip {
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return { family: 4, text: `${g[6] >> 8}.${g[6] & 255}.${g[7] >> 8}.${g[7] & 255}`, bits: BigInt(g[6] * 65536 + g[7]) };
  }
  let bits = 0n;
  for (const x of g) bits = (bits << 16n) | BigInt(x);
  return { family: 6, text, bits };
}

/** The library stays the authority; constructing once replaces isValid() followed by the constructor. */
function tryParse<T>(construct: () => T): T | undefined {
  try {
    return construct();
  } catch {
    return undefined;
  }
}

export function canonical(raw: string): string | undefined {
  return parseAddress(raw)?.text;
}

function width(ip: Ip): number {
  return ip.family === 4 ? 32 : 128;
}

/** The network bits of `ip` for a prefix length (as bigint, host bits cleared). */
export function networkBits(ip: Ip, prefixLength: number): bigint {
  const w = width(ip);
  const host = BigInt(w - Math.max(0, Math.min(w, prefixLength)));
  return (ip.bits >> host) << host;
}

export function sameNetwork(a: Ip, b: Ip, prefixLength: number): boolean {
  return a.family === b.family && networkBits(a, prefixLength) === networkBits(b, prefixLength);
}

function fromBits(family: 4 | 6, bits: bigint): string {
  if (family === 4) return Address4.fromBigInt(bits).correctForm();
  // The groups formatted directly (the text ip-address's correctForm gives, see core/ipv6-text)
  // rather than through a parsed Address6: neighbour probes format thousands of addresses.
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((bits >> shift) & 0xffffn));
  return formatIpv6Groups(groups);
}

/** `2001:db8:25::/64`-style text of the network containing `ip`. */
export function networkText(ip: Ip, prefixLength: number): string {
  return `${fromBits(ip.family, networkBits(ip, prefixLength))}/${prefixLength}`;
}

/** The address `delta` away from `ip` (no wrap-around check beyond the family width). */
export function offsetAddress(ip: Ip, delta: number): Ip | undefined {
  const bits = ip.bits + BigInt(delta);
  if (bits < 0n || bits >= 1n << BigInt(width(ip))) return undefined;
  return { family: ip.family, bits, text: fromBits(ip.family, bits) };
}

/** Global unicast IPv6 (2000::/3): what a remote mail server sees. ULA, link-local, loopback are not. */
export function isGlobalV6(ip: Ip): boolean {
  return ip.family === 6 && ip.bits >> 125n === 1n;
}

export function isUnspecifiedOrLoopback(ip: Ip): boolean {
  if (ip.family === 4) return ip.bits === 0n || ip.bits >> 24n === 127n;
  return ip.bits === 0n || ip.bits === 1n;
}

/**
 * Could SLAAC produce this address? SLAAC interface identifiers are either EUI-64
 * (`xxxx:xxff:fexx:xxxx`, from the MAC) or 64 random bits (RFC 4941 temporary, RFC 7217
 * stable-privacy). A random identifier whose upper 32 bits are all zero has probability
 * 2^-32, so an identifier like `::25` or `::1:25` is a hand-picked (static) address.
 */
export function isSlaacForm(ip: Ip): boolean {
  if (ip.family !== 6) return false;
  const iid = ip.bits & ((1n << 64n) - 1n);
  const eui64 = ((iid >> 24n) & 0xffffn) === 0xfffen;
  return eui64 || iid >> 32n !== 0n;
}
