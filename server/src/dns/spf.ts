/**
 * RFC 7208 check_host(ip, domain) over the DNS view. Only the verdict matters here (no `exp`
 * text). The sender is taken as postmaster@domain, which is what a review can know; `%{p}`
 * expands to "unknown" (RFC 7208 §7.3 discourages it and it would cost lookups).
 * A DNS answer the view cannot give (offline, outside every zone) is a temperror, never a guess.
 */
import { ipv6Nibbles } from '../core/ip-literal';
import type { DnsAnswer, DnsRecord, QueryOptions, RRType, SpfResult, SpfVerdict } from './types';
import type { ParsedIp } from './names';
import { ipInNetwork, isAtOrBelow, isValidDomain, normalizeName, parseIp, reverseName } from './names';

export type QueryFn = (name: string, type: RRType, options?: QueryOptions) => Promise<DnsAnswer>;

/** RFC 7208 §4.6.4 */
export const SPF_LOOKUP_LIMIT = 10;
export const SPF_VOID_LIMIT = 2;

class SpfError extends Error {
  constructor(readonly verdict: 'permerror' | 'temperror', message: string) {
    super(message);
  }
}

type Qualifier = '+' | '-' | '~' | '?';
type Mechanism =
  | { kind: 'all' }
  | { kind: 'include' | 'exists'; domain: string }
  | { kind: 'a' | 'mx'; domain?: string; cidr4: number; cidr6: number }
  | { kind: 'ptr'; domain?: string }
  | { kind: 'ip4' | 'ip6'; network: string; prefix: number };

interface Directive {
  readonly qualifier: Qualifier;
  readonly mechanism: Mechanism;
  readonly text: string;
}

interface ParsedRecord {
  readonly directives: readonly Directive[];
  readonly redirect?: string;
}

const VERDICT: Record<Qualifier, SpfVerdict> = { '+': 'pass', '-': 'fail', '~': 'softfail', '?': 'neutral' };

function parseCidr(text: string | undefined, max: number, term: string): number {
  if (text === undefined) return max;
  if (!/^(0|[1-9]\d*)$/.test(text) || Number(text) > max) throw new SpfError('permerror', `bad CIDR length /${text} in '${term}'`);
  return Number(text);
}

/** Parses an SPF record; any syntax error makes the whole record a permerror (§4.6). */
export function parseSpfRecord(text: string): ParsedRecord {
  const terms = text.trim().split(/ +/).slice(1);
  const directives: Directive[] = [];
  let redirect: string | undefined;
  let exp = false;
  for (const term of terms) {
    if (term === '') continue;
    const mod = /^([a-z][a-z0-9_.-]*)=(.*)$/i.exec(term);
    if (mod) {
      const name = mod[1].toLowerCase();
      if (name === 'redirect') {
        if (redirect !== undefined) throw new SpfError('permerror', 'more than one redirect= modifier');
        if (!mod[2]) throw new SpfError('permerror', 'empty redirect= modifier');
        redirect = mod[2];
      } else if (name === 'exp') {
        if (exp) throw new SpfError('permerror', 'more than one exp= modifier');
        exp = true;
      }
      // Unknown modifiers are ignored (§6).
      continue;
    }
    const m = /^([+\-~?]?)([a-z0-9]+)(.*)$/i.exec(term);
    if (!m) throw new SpfError('permerror', `unknown term '${term}'`);
    const qualifier = (m[1] || '+') as Qualifier;
    const name = m[2].toLowerCase();
    const rest = m[3];
    let mechanism: Mechanism;
    switch (name) {
      case 'all':
        if (rest) throw new SpfError('permerror', `'${term}' takes no argument`);
        mechanism = { kind: 'all' };
        break;
      case 'include':
      case 'exists':
        if (!rest.startsWith(':') || rest.length < 2) throw new SpfError('permerror', `'${term}' needs a domain`);
        mechanism = { kind: name, domain: rest.slice(1) };
        break;
      case 'a':
      case 'mx': {
        const c = /^(?::([^/]+))?(?:\/(\d+))?(?:\/\/(\d+))?$/.exec(rest);
        if (!c) throw new SpfError('permerror', `bad syntax in '${term}'`);
        mechanism = { kind: name, domain: c[1], cidr4: parseCidr(c[2], 32, term), cidr6: parseCidr(c[3], 128, term) };
        break;
      }
      case 'ptr':
        if (rest && (!rest.startsWith(':') || rest.length < 2)) throw new SpfError('permerror', `bad syntax in '${term}'`);
        mechanism = { kind: 'ptr', domain: rest ? rest.slice(1) : undefined };
        break;
      case 'ip4':
      case 'ip6': {
        const c = /^:([^/]+)(?:\/(\d+))?$/.exec(rest);
        const ip = c ? parseIp(c[1]) : undefined;
        const family = name === 'ip4' ? 4 : 6;
        if (!c || !ip || (ip.family !== family && !(family === 6 && c[1].includes(':')))) throw new SpfError('permerror', `bad address in '${term}'`);
        mechanism = { kind: name, network: c[1], prefix: parseCidr(c[2], family === 4 ? 32 : 128, term) };
        break;
      }
      default:
        throw new SpfError('permerror', `unknown mechanism '${term}'`);
    }
    directives.push({ qualifier, mechanism, text: term });
  }
  return { directives, redirect };
}

/**
 * Parsed records by text, a syntax error kept as the error: the hosts of a fleet send for a
 * few domains, so their SPF evaluations read the same few records (398 evaluations, 2 texts).
 */
const parsedRecords = new Map<string, ParsedRecord | SpfError>();
const PARSED_RECORDS_LIMIT = 1000;

function parsedRecord(text: string): ParsedRecord {
  let parsed = parsedRecords.get(text);
  if (parsed === undefined) {
    try {
      parsed = parseSpfRecord(text);
    } catch (e) {
      if (!(e instanceof SpfError)) throw e;
      parsed = e;
    }
    if (parsedRecords.size >= PARSED_RECORDS_LIMIT) parsedRecords.clear();
    parsedRecords.set(text, parsed);
  }
  if (parsed instanceof SpfError) throw parsed;
  return parsed;
}

interface Context {
  readonly ip: ParsedIp;
  readonly ipText: string;
  readonly sender: string;
  readonly query: QueryFn;
  readonly options?: QueryOptions;
  lookups: number;
  voids: number;
  readonly chain: string[];
}

/** Macro expansion (§7) for domain-specs. */
export function expandMacros(spec: string, ctx: { ip: ParsedIp; sender: string }, domain: string): string {
  let out = '';
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i];
    if (c !== '%') {
      out += c;
      continue;
    }
    const n = spec[i + 1];
    if (n === '%') { out += '%'; i++; continue; }
    if (n === '_') { out += ' '; i++; continue; }
    if (n === '-') { out += '%20'; i++; continue; }
    if (n !== '{') throw new SpfError('permerror', `bad macro in '${spec}'`);
    const end = spec.indexOf('}', i);
    const m = end < 0 ? null : /^([a-z])(\d*)(r?)([.\-+,/_=]*)$/i.exec(spec.slice(i + 2, end));
    if (!m) throw new SpfError('permerror', `bad macro in '${spec}'`);
    const letter = m[1].toLowerCase();
    const at = ctx.sender.lastIndexOf('@');
    let value: string;
    switch (letter) {
      case 's': value = ctx.sender; break;
      case 'l': value = ctx.sender.slice(0, at); break;
      case 'o': value = ctx.sender.slice(at + 1); break;
      case 'd': value = domain; break;
      case 'h': value = ctx.sender.slice(at + 1); break;
      case 'i':
        value = ctx.ip.family === 4 ? ctx.ip.text : [...ipv6Nibbles(ctx.ip)].join('.');
        break;
      case 'v': value = ctx.ip.family === 4 ? 'in-addr' : 'ip6'; break;
      case 'p': value = 'unknown'; break;
      default:
        throw new SpfError('permerror', `macro %{${letter}} not allowed here`);
    }
    const delimiters = m[4] || '.';
    let parts = value.split(new RegExp(`[${delimiters.replace(/[-\\\]^]/g, '\\$&')}]`));
    if (m[3]) parts = parts.reverse();
    if (m[2]) {
      const keep = Number(m[2]);
      if (keep === 0) throw new SpfError('permerror', `bad macro in '${spec}'`);
      parts = parts.slice(Math.max(0, parts.length - keep));
    }
    value = parts.join('.');
    out += m[1] !== m[1].toLowerCase() ? encodeURIComponent(value) : value;
    i = end;
  }
  // §4.8: an over-long result loses labels on the left until it fits.
  let name = normalizeName(out);
  while (name.length > 253 && name.includes('.')) name = name.slice(name.indexOf('.') + 1);
  return name;
}

function countLookup(ctx: Context, term: string): void {
  ctx.lookups++;
  if (ctx.lookups > SPF_LOOKUP_LIMIT) throw new SpfError('permerror', `more than ${SPF_LOOKUP_LIMIT} DNS-querying terms (at '${term}')`);
}

async function fetch(ctx: Context, name: string, type: RRType, term: string): Promise<DnsAnswer & { status: 'records' | 'nxdomain' | 'nodata' }> {
  const a = await ctx.query(name, type, ctx.options);
  if (a.status === 'unknown') {
    throw new SpfError('temperror', `${type} ${name} (for '${term}'): ${a.reason}${a.detail ? ` (${a.detail})` : ''}`);
  }
  return a;
}

function countVoid(ctx: Context, a: DnsAnswer, term: string): void {
  if (a.status === 'nxdomain' || a.status === 'nodata') {
    ctx.voids++;
    if (ctx.voids > SPF_VOID_LIMIT) throw new SpfError('permerror', `more than ${SPF_VOID_LIMIT} void lookups (at '${term}')`);
  }
}

function addressesOf(a: DnsAnswer): string[] {
  return a.status === 'records' ? a.records.filter((r) => r.type === 'A' || r.type === 'AAAA').map((r) => r.data as string) : [];
}

function matchesAny(ctx: Context, addresses: string[], cidr4: number, cidr6: number): boolean {
  return addresses.some((addr) => ipInNetwork(ctx.ip, addr, ctx.ip.family === 4 ? cidr4 : cidr6));
}

interface HostResult {
  readonly verdict: SpfVerdict;
  readonly records: DnsRecord[];
}

async function checkHost(ctx: Context, domain: string, stack: string[]): Promise<HostResult> {
  if (!isValidDomain(domain) || !domain.includes('.')) {
    ctx.chain.push(`${domain || '(empty)'}: not a valid multi-label domain → none`);
    return { verdict: 'none', records: [] };
  }
  const txt = await fetch(ctx, domain, 'TXT', domain);
  const spf = txt.status === 'records' ? txt.records.filter((r) => r.type === 'TXT' && /^v=spf1( |$)/i.test((r.data as string[]).join(''))) : [];
  if (spf.length === 0) {
    ctx.chain.push(`${domain}: no SPF record${txt.status === 'nxdomain' ? ' (name does not exist)' : ''} → none`);
    return { verdict: 'none', records: [] };
  }
  if (spf.length > 1) {
    ctx.chain.push(`${domain}: ${spf.length} SPF records → permerror`);
    throw new SpfError('permerror', `${domain} publishes ${spf.length} SPF records`);
  }
  const record = spf[0];
  const text = (record.data as string[]).join('');
  ctx.chain.push(`${domain}: "${text}"`);
  const parsed = parsedRecord(text);

  for (const d of parsed.directives) {
    const m = d.mechanism;
    let matched = false;
    switch (m.kind) {
      case 'all':
        matched = true;
        break;
      case 'ip4':
      case 'ip6':
        // ip4 tests IPv4 clients and ip6 IPv6 ones; an IPv4-mapped client is IPv4 (RFC 7208 §5),
        // so an ip6 network written as ::ffff:a.b.c.d never matches it (nor throws on /120).
        matched = ctx.ip.family === (m.kind === 'ip4' ? 4 : 6) && ipInNetwork(ctx.ip, m.network, m.prefix);
        break;
      case 'include': {
        countLookup(ctx, d.text);
        const target = expandMacros(m.domain, ctx, domain);
        if (stack.includes(target)) throw new SpfError('permerror', `include loop: ${[...stack, target].join(' → ')}`);
        const r = await checkHost(ctx, target, [...stack, target]);
        if (r.verdict !== 'pass') ctx.chain.push(`${domain}: ${d.text} → ${r.verdict}${r.verdict === 'fail' || r.verdict === 'softfail' || r.verdict === 'neutral' ? ' (no match)' : ''}`);
        if (r.verdict === 'temperror') throw new SpfError('temperror', `include:${target} gave temperror`);
        if (r.verdict === 'permerror' || r.verdict === 'none') throw new SpfError('permerror', `include:${target} gave ${r.verdict}`);
        if (r.verdict === 'pass') {
          matched = true;
          const verdict = VERDICT[d.qualifier];
          ctx.chain.push(`${domain}: matched ${d.text} → ${verdict}`);
          return { verdict, records: [record, ...r.records] };
        }
        break;
      }
      case 'a': {
        countLookup(ctx, d.text);
        const target = m.domain ? expandMacros(m.domain, ctx, domain) : domain;
        const a = await fetch(ctx, target, ctx.ip.family === 4 ? 'A' : 'AAAA', d.text);
        countVoid(ctx, a, d.text);
        matched = matchesAny(ctx, addressesOf(a), m.cidr4, m.cidr6);
        break;
      }
      case 'mx': {
        countLookup(ctx, d.text);
        const target = m.domain ? expandMacros(m.domain, ctx, domain) : domain;
        const mx = await fetch(ctx, target, 'MX', d.text);
        countVoid(ctx, mx, d.text);
        const hosts = mx.status === 'records' ? mx.records.flatMap((r) => (r.type === 'MX' ? [r.data] : [])).sort((x, y) => x.preference - y.preference) : [];
        if (hosts.length > 10) throw new SpfError('permerror', `'${d.text}': ${target} has more than 10 MX records`);
        for (const h of hosts) {
          if (h.exchange === '') continue; // null MX (RFC 7505)
          const a = await fetch(ctx, h.exchange, ctx.ip.family === 4 ? 'A' : 'AAAA', d.text);
          if (matchesAny(ctx, addressesOf(a), m.cidr4, m.cidr6)) {
            matched = true;
            break;
          }
        }
        break;
      }
      case 'ptr': {
        countLookup(ctx, d.text);
        const target = m.domain ? expandMacros(m.domain, ctx, domain) : domain;
        const rev = reverseName(ctx.ipText);
        const ptr = rev ? await ctx.query(rev, 'PTR', ctx.options) : undefined;
        // §5.5: a DNS error on the PTR lookup makes the mechanism not match.
        if (ptr && ptr.status !== 'unknown') countVoid(ctx, ptr, d.text);
        const names = ptr?.status === 'records' ? ptr.records.map((r) => r.data as string).slice(0, 10) : [];
        for (const name of names) {
          if (!isAtOrBelow(name, target)) continue;
          const a = await ctx.query(name, ctx.ip.family === 4 ? 'A' : 'AAAA', ctx.options);
          if (addressesOf(a).some((addr) => parseIp(addr)?.text === ctx.ip.text)) {
            matched = true;
            break;
          }
        }
        break;
      }
      case 'exists': {
        countLookup(ctx, d.text);
        const target = expandMacros(m.domain, ctx, domain);
        const a = await fetch(ctx, target, 'A', d.text);
        countVoid(ctx, a, d.text);
        matched = a.status === 'records';
        break;
      }
    }
    if (matched) {
      const verdict = VERDICT[d.qualifier];
      ctx.chain.push(`${domain}: matched ${d.text} → ${verdict}`);
      return { verdict, records: [record] };
    }
  }

  if (parsed.redirect !== undefined) {
    countLookup(ctx, `redirect=${parsed.redirect}`);
    const target = expandMacros(parsed.redirect, ctx, domain);
    if (stack.includes(target)) throw new SpfError('permerror', `redirect loop: ${[...stack, target].join(' → ')}`);
    ctx.chain.push(`${domain}: no mechanism matched, redirect=${target}`);
    const r = await checkHost(ctx, target, [...stack, target]);
    if (r.verdict === 'none') throw new SpfError('permerror', `redirect=${target}: no SPF record there`);
    return { verdict: r.verdict, records: [record, ...r.records] };
  }
  ctx.chain.push(`${domain}: no mechanism matched → neutral`);
  return { verdict: 'neutral', records: [record] };
}

/** check_host(ip, domain) with sender postmaster@domain. */
export async function evaluateSpf(query: QueryFn, ip: string, domain: string, options?: QueryOptions): Promise<SpfResult> {
  const d = normalizeName(domain);
  const parsedIp = parseIp(ip);
  if (!parsedIp) return { verdict: 'permerror', domain: d, ip, chain: [], records: [], detail: `'${ip}' is not an IP address` };
  const ctx: Context = { ip: parsedIp, ipText: parsedIp.text, sender: `postmaster@${d}`, query, options, lookups: 0, voids: 0, chain: [] };
  try {
    const r = await checkHost(ctx, d, [d]);
    return { verdict: r.verdict, domain: d, ip: parsedIp.text, chain: ctx.chain, records: r.records };
  } catch (e) {
    if (!(e instanceof SpfError)) throw e;
    ctx.chain.push(`${e.verdict}: ${e.message}`);
    return { verdict: e.verdict, domain: d, ip: parsedIp.text, chain: ctx.chain, records: [], detail: e.message };
  }
}
