/**
 * IP literals as the DNS view and the rules both read them: dotted quad, or RFC 5952
 * compressed lower-case IPv6, with IPv4-mapped IPv6 addresses taken as IPv4 (RFC 7208 §5
 * asks so, and a mail server sees them so). The common forms are parsed here; `ip-address`
 * stays the authority for the rest (an IPv4 tail in IPv6) and for what the URL parser refuses.
 */
import { Address6 } from 'ip-address';
import { canonicalIpv6Groups, formatIpv6Groups, hexOnlyIpv6Text, ipv6Groups } from './ipv6-text';

export interface IpLiteral {
  readonly family: 4 | 6;
  /** Canonical text: dotted quad, or RFC 5952 compressed lower-case IPv6. */
  readonly text: string;
  /** 32 or 128 bits, most significant first. */
  readonly bits: bigint;
}

/** Parses a literal address, tolerating white space and `[...]` brackets but not `/len` or `%zone`. */
export function parseIpLiteral(raw: string): IpLiteral | undefined {
  // Memoised: a fleet asks about the same few thousand addresses over and over.
  const known = parsed.get(raw);
  if (known !== undefined || parsed.has(raw)) return known;
  const ip = parseUncached(raw);
  remember(raw, ip);
  return ip;
}

function remember(raw: string, ip: IpLiteral | undefined): void {
  if (parsed.size >= PARSED_LIMIT) parsed.clear();
  parsed.set(raw, ip);
}

const parsed = new Map<string, IpLiteral | undefined>();
const PARSED_LIMIT = 100000;

function parseUncached(raw: string): IpLiteral | undefined {
  let t = raw.trim();
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1);
  if (DOTTED_QUAD.test(t)) return dottedQuad(t);
  // Without `%zone` and `/len`, ip-address accepts only hex digits, ':' and a dotted-quad
  // tail: anything else is rejected here, without the exception the library would throw.
  if (!t.includes(':') || !IPV6_CHARS.test(t)) return undefined;
  const groups = canonicalIpv6Groups(t);
  if (groups !== undefined) return fromIpv6Bits(groupBits(groups), t);
  const hexOnly = hexOnlyIpv6Text(t);
  if (hexOnly !== undefined) return fromIpv6Bits(groupBits(ipv6Groups(hexOnly)), hexOnly);
  const a = tryAddress6(t);
  return a && fromIpv6Bits(a.bigInt(), a.correctForm());
}

const DOTTED_QUAD = /^\d+\.\d+\.\d+\.\d+$/;
const IPV6_CHARS = /^[0-9a-f:.]+$/i;

/**
 * What ip-address accepts of four decimal octets (the caller has matched DOTTED_QUAD): each
 * 0-255, no leading zero (octal to other parsers). Read by character: splitting and
 * converting each octet was most of a cold parse.
 */
function dottedQuad(t: string): IpLiteral | undefined {
  let value = 0;
  let octet = 0;
  let start = 0;
  for (let i = 0; i <= t.length; i++) {
    const c = i < t.length ? t.charCodeAt(i) : 46;
    if (c !== 46) {
      octet = octet * 10 + (c - 48);
      continue;
    }
    const digits = i - start;
    if (digits > 3 || (digits > 1 && t.charCodeAt(start) === 48) || octet > 255) return undefined;
    value = value * 256 + octet;
    octet = 0;
    start = i + 1;
  }
  // Already canonical: decimal octets without leading zeros.
  return { family: 4, text: t, bits: BigInt(value) };
}

/**
 * RFC 5952 text of an IPv6 literal (no prefix length, no zone), or undefined; an IPv4-mapped
 * address stays IPv6 here.
 */
export function canonicalIpv6(text: string): string | undefined {
  return hexOnlyIpv6Text(text) ?? tryAddress6(text)?.correctForm();
}

/** The library stays the authority; constructing once replaces isValid() followed by the constructor. */
function tryAddress6(t: string): Address6 | undefined {
  try {
    return new Address6(t);
  } catch {
    return undefined;
  }
}

/** The 128 bits of eight 16-bit groups, two groups per BigInt step (each step allocates). */
function groupBits(groups: readonly number[]): bigint {
  let bits = 0n;
  for (let i = 0; i < 8; i += 2) bits = (bits << 32n) | BigInt(groups[i] * 0x10000 + groups[i + 1]);
  return bits;
}

const MAPPED_PREFIX = 0xffffn; // ::ffff:0:0/96, the bits above the IPv4 address

/** An IPv6 address, or the IPv4 address it maps (::ffff:0:0/96). */
function fromIpv6Bits(bits: bigint, text: string): IpLiteral {
  if (bits >> 32n === MAPPED_PREFIX) {
    const v4 = bits & 0xffffffffn;
    return { family: 4, text: ipText(4, v4), bits: v4 };
  }
  return { family: 6, text, bits };
}

function width(family: 4 | 6): number {
  return family === 4 ? 32 : 128;
}

/**
 * The address with these bits. Remembered under its text, which callers go on to use (as a
 * DNS question, which parses it again): neighbour probes compute thousands of addresses.
 */
export function ipFromBits(family: 4 | 6, bits: bigint): IpLiteral {
  const ip: IpLiteral = { family, text: ipText(family, bits), bits };
  // Not an IPv4-mapped one: parsing its text gives the IPv4 address.
  if (!(family === 6 && bits >> 32n === MAPPED_PREFIX) && !parsed.has(ip.text)) remember(ip.text, ip);
  return ip;
}

const PIECE_SHIFTS = [96n, 64n, 32n, 0n];

/** Canonical text of an address given as bits. */
export function ipText(family: 4 | 6, bits: bigint): string {
  if (family === 4) {
    const n = Number(bits);
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  // Two groups per 32-bit piece: half the BigInt operations, each of which allocates.
  const groups = [0, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < 4; i++) {
    const piece = Number(BigInt.asUintN(32, bits >> PIECE_SHIFTS[i]));
    groups[2 * i] = piece >>> 16;
    groups[2 * i + 1] = piece & 0xffff;
  }
  return formatIpv6Groups(groups);
}

/** The network bits of `ip` for a prefix length (clamped to the family's width), host bits cleared. */
export function networkBits(ip: IpLiteral, prefixLength: number): bigint {
  const w = width(ip.family);
  const host = BigInt(w - Math.max(0, Math.min(w, prefixLength)));
  return (ip.bits >> host) << host;
}

/** Do `a` and `b` (same family only) share their first `prefixLength` bits? */
export function sameNetwork(a: IpLiteral, b: IpLiteral, prefixLength: number): boolean {
  return a.family === b.family && networkBits(a, prefixLength) === networkBits(b, prefixLength);
}

/** The 32 hex digits of an IPv6 address, most significant first. */
export function ipv6Nibbles(ip: IpLiteral): string {
  return ip.bits.toString(16).padStart(32, '0');
}
