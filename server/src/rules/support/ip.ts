/**
 * IP address helpers for rules. (Rules may not import the DNS implementation; both read
 * literals through core/ip-literal, canonicalising exactly like the model does: dotted quad,
 * or RFC 5952 compressed lower-case IPv6.)
 */
import { ipFromBits, ipText, networkBits, type IpLiteral } from '../../core/ip-literal';

export type Ip = IpLiteral;

// parseAddress tolerates `[...]` brackets (Postfix) but not `/len` or `%zone`.
export { parseIpLiteral as parseAddress, sameNetwork } from '../../core/ip-literal';

/** One past the largest address of each family. */
const V4_END = 1n << 32n;
const V6_END = 1n << 128n;

/** `2001:db8:25::/64`-style text of the network containing `ip`. */
export function networkText(ip: Ip, prefixLength: number): string {
  return `${ipText(ip.family, networkBits(ip, prefixLength))}/${prefixLength}`;
}

/** The address `delta` away from `ip` (no wrap-around check beyond the family width). */
export function offsetAddress(ip: Ip, delta: number): Ip | undefined {
  const bits = ip.bits + BigInt(delta);
  if (bits < 0n || bits >= (ip.family === 4 ? V4_END : V6_END)) return undefined;
  return ipFromBits(ip.family, bits);
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
