/**
 * The data part of the record types the view models (A, AAAA, MX, TXT, CNAME, PTR, NS, SOA),
 * and the lexical pieces it shares with the rest of a master file: TTLs and `\` escapes.
 */
import type { Location } from '../core/text';
import { isIPv4 } from 'node:net';
import type { DnsRecord, RRType, SoaData } from './types';
import { canonicalIpv6 } from './names';
import type { ZoneScanner } from './zone-scanner';

const MAX_TTL = 2147483647;
const MAX_SERIAL = 4294967295;
const TTL_UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** TTL: seconds, or units like 1h30m (BIND). */
export function parseTtl(raw: string): number | undefined {
  if (isDigits(raw)) {
    const n = Number(raw);
    return n <= MAX_TTL ? n : undefined;
  }
  if (!/^(\d+[smhdw])+$/i.test(raw)) return undefined;
  let total = 0;
  for (const m of raw.toLowerCase().matchAll(/(\d+)([smhdw])/g)) total += Number(m[1]) * TTL_UNITS[m[2]];
  return total <= MAX_TTL ? total : undefined;
}

/** Non-empty and ASCII digits only. */
export function isDigits(raw: string): boolean {
  if (raw.length === 0) return false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Holds a `\` escape, or a UTF-16 surrogate (which the byte-wise decoding turns into U+FFFD):
 * only then does a token's text differ from what it denotes.
 */
export function needsDecoding(raw: string): boolean {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 92 || (c >= 0xd800 && c <= 0xdfff)) return true;
  }
  return false;
}

/** Character-string bytes: `\DDD` is a decimal byte, `\X` is X. */
export function decodeBytes(raw: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\' && i + 1 < raw.length) {
      const m = /^\d{3}/.exec(raw.slice(i + 1, i + 4));
      if (m) {
        out.push(Number(m[0]) & 0xff);
        i += 3;
      } else {
        out.push(...Buffer.from(raw[i + 1], 'utf8'));
        i += 1;
      }
      continue;
    }
    out.push(...Buffer.from(c, 'utf8'));
  }
  return Buffer.from(out);
}

/** What the parser offers the data part of one entry. */
export interface RdataSource {
  /** The entry's tokens. */
  readonly tokens: ZoneScanner;
  /** The absolute name token k denotes, or undefined (reported). */
  absolute(k: number): string | undefined;
  /** Reports a problem at token k, or at the record's type onwards when k is undefined. */
  problem(message: string, k?: number): void;
}

/** The record whose data are tokens `first`.. of the entry, or undefined (reported). */
export function parseRdata(name: string, type: RRType, ttl: number, first: number, at: Location, src: RdataSource): DnsRecord | undefined {
  const tokens = src.tokens;
  const count = tokens.count - first;
  const need = (n: number, what: string): boolean => {
    if (count < n) { src.problem(`${type} needs ${what}`); return false; }
    if (count > n) { src.problem(`unexpected '${tokens.raw(first + n)}' after ${type} data`, first + n); return false; }
    return true;
  };
  switch (type) {
    case 'A': {
      if (!need(1, 'an IPv4 address')) return undefined;
      const raw = tokens.raw(first);
      // Four decimal octets without leading zeros: such text is already the canonical form.
      if (!isIPv4(raw)) { src.problem(`'${raw}' is not an IPv4 address`, first); return undefined; }
      return { name, type, ttl, data: raw, at };
    }
    case 'AAAA': {
      if (!need(1, 'an IPv6 address')) return undefined;
      const raw = tokens.raw(first);
      const data = raw.includes('/') || raw.includes('%') ? undefined : canonicalIpv6(raw);
      if (data === undefined) { src.problem(`'${raw}' is not an IPv6 address`, first); return undefined; }
      return { name, type, ttl, data, at };
    }
    case 'CNAME':
    case 'PTR':
    case 'NS': {
      if (!need(1, 'a domain name')) return undefined;
      const target = src.absolute(first);
      return target === undefined ? undefined : { name, type, ttl, data: target, at };
    }
    case 'MX': {
      if (!need(2, 'a preference and an exchange')) return undefined;
      const pref = tokens.raw(first);
      if (!isDigits(pref) || Number(pref) > 65535) { src.problem(`MX preference '${pref}' is not 0..65535`, first); return undefined; }
      const exchange = src.absolute(first + 1);
      return exchange === undefined ? undefined : { name, type, ttl, data: { preference: Number(pref), exchange }, at };
    }
    case 'TXT': {
      if (count === 0) { src.problem('TXT needs at least one character string'); return undefined; }
      const strings: string[] = [];
      for (let k = first; k < tokens.count; k++) {
        const s = characterString(tokens.raw(k));
        if (s.bytes > 255) { src.problem(`TXT character string of ${s.bytes} bytes: at most 255 per string (split it into several quoted strings)`, k); return undefined; }
        strings.push(s.text);
      }
      return { name, type, ttl, data: strings, at };
    }
    case 'SOA': {
      if (!need(7, 'mname rname serial refresh retry expire minimum')) return undefined;
      const mname = src.absolute(first);
      const rname = src.absolute(first + 1);
      if (mname === undefined || rname === undefined) return undefined;
      const nums: number[] = [];
      for (let k = first + 2; k < first + 7; k++) {
        const raw = tokens.raw(k);
        const v = k === first + 2 ? (isDigits(raw) && Number(raw) <= MAX_SERIAL ? Number(raw) : undefined) : parseTtl(raw);
        if (v === undefined) { src.problem(`SOA field '${raw}' is not a number`, k); return undefined; }
        nums.push(v);
      }
      const data: SoaData = { mname, rname, serial: nums[0], refresh: nums[1], retry: nums[2], expire: nums[3], minimum: nums[4] };
      return { name, type, ttl, data, at };
    }
  }
  return undefined;
}

/** A TXT character string's text and its length in bytes. */
function characterString(raw: string): { text: string; bytes: number } {
  if (!needsDecoding(raw)) return { text: raw, bytes: Buffer.byteLength(raw, 'utf8') };
  const bytes = decodeBytes(raw);
  return { text: bytes.toString('utf8'), bytes: bytes.length };
}
