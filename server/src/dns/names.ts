/** Domain names and addresses as the DNS view compares them. */
import { Address4, Address6 } from 'ip-address';
import { hexOnlyIpv6Text } from '../core/ipv6-text';

/** Lower case, absolute, without the trailing dot (the form `DnsRecord.name` uses). */
export function normalizeName(name: string): string {
  if (isNormalized(name)) return name;
  let n = name.trim().toLowerCase();
  while (n.endsWith('.') && n.length > 1) n = n.slice(0, -1);
  return n === '.' ? '' : n;
}

/**
 * Most names reach normalizeName already normalized (zone data, earlier answers): one pass
 * over the text tells, where trimming and lower-casing would each make another.
 * Only ASCII other than upper-case letters and white space; no trailing dot.
 */
function isNormalized(name: string): boolean {
  const last = name.length - 1;
  if (last < 0 || name.charCodeAt(last) === 46) return false;
  for (let i = 0; i <= last; i++) {
    const c = name.charCodeAt(i);
    if (c > 126 || (c >= 65 && c <= 90) || c === 32 || (c >= 9 && c <= 13)) return false;
  }
  return true;
}

/** True when `name` equals `origin` or lies below it (both normalized). The root '' contains all. */
export function isAtOrBelow(name: string, origin: string): boolean {
  if (origin === '') return true;
  const dot = name.length - origin.length - 1;
  return name === origin || (dot >= 0 && name.charCodeAt(dot) === 46 && name.endsWith(origin));
}

/** The parent of a name ('' for a single label, undefined for the root). */
export function parentName(name: string): string | undefined {
  if (name === '') return undefined;
  const dot = name.indexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1);
}

/** Labels count, the root having none. */
export function labelCount(name: string): number {
  return name === '' ? 0 : name.split('.').length;
}

export type IpFamily = 4 | 6;

export interface ParsedIp {
  readonly family: IpFamily;
  /** Canonical text: dotted quad, or RFC 5952 compressed IPv6. */
  readonly text: string;
  readonly v4?: Address4;
  readonly v6?: Address6;
}

/**
 * Parses an IP literal (optionally bracketed). IPv4-mapped IPv6 addresses are treated as IPv4,
 * as RFC 7208 §5 asks and as a mail server sees them.
 */
export function parseIp(text: string): ParsedIp | undefined {
  // Memoised: a fleet asks for the same few thousand addresses over and over, and ip-address
  // is slow (it throws and catches inside isValid).
  if (parsedIps.has(text)) return parsedIps.get(text);
  const ip = parseIpUncached(text);
  if (parsedIps.size >= PARSED_IPS_LIMIT) parsedIps.clear();
  parsedIps.set(text, ip);
  return ip;
}

const parsedIps = new Map<string, ParsedIp | undefined>();
const PARSED_IPS_LIMIT = 100000;

function parseIpUncached(text: string): ParsedIp | undefined {
  let t = text.trim();
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1);
  if (t.includes('/')) return undefined;
  // Cheap syntactic checks first: ip-address throws (and builds an error) for every string
  // that is not of the family asked for, which dominated the cost of parsing IPv6 addresses.
  if (DOTTED_QUAD.test(t)) {
    const v4 = tryParse(() => new Address4(t));
    if (v4) return { family: 4, text: v4.correctForm(), v4 };
  }
  if (!maybeIpv6(t)) return undefined;
  const v6 = tryParse(() => new Address6(t));
  if (!v6) return undefined;
  const embedded = v6.isMapped4() ? v6.embeddedIPv4() : null;
  if (embedded) return { family: 4, text: embedded.correctForm(), v4: embedded };
  return { family: 6, text: v6.correctForm(), v6 };
}

const DOTTED_QUAD = /^\d+\.\d+\.\d+\.\d+$/;
/** Without `%zone` and `/len`, ip-address accepts only hex digits, ':' and a dotted-quad tail. */
const IPV6_CHARS = /^[0-9a-f:.]+$/i;

function maybeIpv6(t: string): boolean {
  return t.includes(':') && IPV6_CHARS.test(t);
}

/** The library stays the authority; constructing once replaces isValid() followed by the constructor. */
function tryParse<T>(construct: () => T): T | undefined {
  try {
    return construct();
  } catch {
    return undefined;
  }
}

/**
 * RFC 5952 text of an IPv6 literal (no prefix length, no zone), or undefined. The common
 * hex-only form goes through the platform's URL parser, several times faster than
 * ip-address, which stays the authority for the rest (embedded IPv4) and for what the URL
 * parser refuses.
 */
export function canonicalIpv6(text: string): string | undefined {
  return hexOnlyIpv6Text(text) ?? tryParse(() => new Address6(text))?.correctForm();
}

/** Canonical text of an address, or undefined when it is not an IP literal. */
export function canonicalAddress(text: string): string | undefined {
  return parseIp(text)?.text;
}

/** The PTR owner name of an address: nibble form under ip6.arpa, or in-addr.arpa. */
export function reverseName(address: string): string | undefined {
  const ip = parseIp(address);
  if (!ip) return undefined;
  return normalizeName(ip.v6 ? ip.v6.reverseForm() : ip.v4!.reverseForm());
}

/** Is `ip` inside `network/prefix` (same family only)? */
export function ipInNetwork(ip: ParsedIp, network: string, prefix: number): boolean {
  const net = parseIp(network);
  if (!net || net.family !== ip.family) return false;
  if (ip.family === 4) return ip.v4!.isInSubnet(new Address4(`${net.text}/${prefix}`));
  return ip.v6!.isInSubnet(new Address6(`${net.text}/${prefix}`));
}

/** A syntactically plausible host name (letters, digits, '-', '_', dots; labels ≤ 63, total ≤ 253). */
export function isValidDomain(name: string): boolean {
  const n = normalizeName(name);
  if (n.length === 0 || n.length > 253) return false;
  return n.split('.').every((label) => label.length > 0 && label.length <= 63 && /^[a-z0-9_*-]+$/.test(label));
}
