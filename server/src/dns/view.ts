/**
 * The DNS view: zones first (they shadow everything below their apex), then the cache, then
 * the resolvers, as the mode allows:
 *   off   zone files only; a name outside every zone is unknown('outside-zones').
 *   cache zone files, then cache entries of any age: a stale entry still answers, marked by
 *         its `fetchedAt` (age) and its records' TTLs, because in this mode nothing better can
 *         be had and a reviewed-yesterday answer beats silence. No network I/O.
 *   live  zone files, then fresh cache entries, then the resolvers (answers are written to the
 *         cache). When a resolver cannot answer (offline, timeout, SERVFAIL), a stale cache
 *         entry answers instead (serve-stale, RFC 8767); otherwise the answer is unknown.
 * Modes off and cache construct no resolver at all, so they cannot touch the network.
 */
import type { DnsAnswer, DnsMode, DnsRecord, DnsSource, DnsView, QueryOptions, ReverseResult, RRType, SpfResult, UnknownReason } from './types';
import { DnsCache } from './cache';
import type { CacheHit } from './cache';
import { normalizeName, parseIp, reverseNameOf, type ParsedIp } from './names';
import { LiveResolver } from './resolver';
import { evaluateSpf } from './spf';
import type { ZoneSet } from './zones';
import { zoneSource } from './zones';

export interface DnsViewOptions {
  readonly mode: DnsMode;
  readonly zones: ZoneSet;
  /** Persistent cache; without one, live answers are remembered for the view's lifetime only. */
  readonly cache?: DnsCache;
  /** `ADDR[:PORT]`; default the system's resolvers. Used in mode live only. */
  readonly resolvers?: readonly string[];
  /** Budget per question, retry included (default 1500 ms). */
  readonly timeoutMs?: number;
  /** Questions on the wire at once (default 8). */
  readonly concurrency?: number;
  /** Called with every answer `query` returns (also those SPF and reverse ask): feeds `dns snapshot`. */
  readonly onAnswer?: (answer: DnsAnswer) => void;
}

/** The view plus what its owners (CLI, language server) need to manage it. */
export interface ManagedDnsView extends DnsView {
  readonly zones: ZoneSet;
  readonly cache: DnsCache;
  /** Present in mode live only. */
  readonly resolver?: LiveResolver;
  /** Writes the cache when it has a path (call at the end of a CLI run, periodically in the editor). */
  save(): Promise<void>;
}

type Step =
  | { readonly kind: 'records'; readonly records: readonly DnsRecord[]; readonly chain: readonly DnsRecord[]; readonly source: DnsSource }
  | { readonly kind: 'nxdomain' | 'nodata'; readonly chain: readonly DnsRecord[]; readonly source: DnsSource }
  | { readonly kind: 'cname'; readonly chain: readonly DnsRecord[]; readonly target: string; readonly source: DnsSource }
  | { readonly kind: 'unknown'; readonly reason: UnknownReason; readonly detail?: string };

const MAX_CHAIN = 16;

/** Deterministic record order, so that answers from zones and from servers compare equal. */
export function sortRecords(records: readonly DnsRecord[]): DnsRecord[] {
  if (records.length < 2) return [...records];
  const keyOf = (r: DnsRecord): string =>
    r.type === 'MX' ? `${String(r.data.preference).padStart(5, '0')} ${r.data.exchange}` : typeof r.data === 'string' ? r.data : JSON.stringify(r.data);
  return [...records].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
}

/** Is the record's address text this address? Canonical text (zone data, answers) compares as it stands. */
function sameAddress(text: string, ip: ParsedIp): boolean {
  return text === ip.text || parseIp(text)?.text === ip.text;
}

function fromCache(hit: CacheHit): Step {
  const e = hit.entry;
  const source: DnsSource = { kind: 'cache', fetchedAt: e.fetchedAt, ...(e.server ? { server: e.server } : {}) };
  switch (e.status) {
    case 'records':
      return { kind: 'records', records: e.records, chain: e.chain, source };
    case 'cname':
      return { kind: 'cname', chain: e.chain, target: e.target!, source };
    default:
      return { kind: e.status, chain: e.chain, source };
  }
}

export function createDnsView(options: DnsViewOptions): ManagedDnsView {
  const { mode, zones } = options;
  const cache = options.cache ?? new DnsCache();
  const resolver = mode === 'live' ? new LiveResolver({ servers: options.resolvers, timeoutMs: options.timeoutMs, concurrency: options.concurrency }) : undefined;

  /**
   * The zones' answer, or with DNS off that there is none: what needs no I/O is answered
   * without a promise (a fleet's rules ask the zones some 14,000 questions).
   */
  function zoneStep(name: string, type: RRType): Step | undefined {
    const z = zones.lookup(name, type);
    switch (z.kind) {
      case 'records':
        return { kind: 'records', records: z.records, chain: [], source: zoneSource(z.zone, z.records[0]) };
      case 'cname':
        return { kind: 'cname', chain: [z.record], target: z.record.data as string, source: zoneSource(z.zone, z.record) };
      case 'nxdomain':
      case 'nodata':
        return { kind: z.kind, chain: [], source: zoneSource(z.zone) };
    }
    if (mode === 'off') return { kind: 'unknown', reason: 'outside-zones', detail: `no zone file covers ${name || '.'} (DNS mode off)` };
    return undefined;
  }

  /** Outside the zones: the cache, then (live mode) the resolver. */
  async function step(name: string, type: RRType, signal?: AbortSignal): Promise<Step> {
    const hit = cache.get(name, type);
    if (mode === 'cache') {
      return hit ? fromCache(hit) : { kind: 'unknown', reason: 'disabled', detail: `${name} ${type} is not in the cache and live lookups are off (DNS mode cache)` };
    }
    if (hit?.fresh) return fromCache(hit);
    const r = await resolver!.resolve(name, type, signal);
    if (r.kind === 'unknown') {
      if (hit && r.reason !== 'cancelled') return fromCache(hit);
      return { kind: 'unknown', reason: r.reason, detail: r.detail };
    }
    const { fetchedAt, server } = r;
    const source: DnsSource = { kind: 'live', fetchedAt, server };
    // Entries written out in full (same keys, same order) rather than spread from a base: a spread per answer showed in profiles.
    switch (r.kind) {
      case 'records':
        cache.put({ name, type, fetchedAt, server, status: 'records', records: r.records, chain: r.chain, ttl: r.ttl });
        return { kind: 'records', records: r.records, chain: r.chain, source };
      case 'cname':
        cache.put({ name, type, fetchedAt, server, status: 'cname', records: [], chain: r.chain, target: r.target, ttl: r.ttl });
        return { kind: 'cname', chain: r.chain, target: r.target, source };
      default:
        // RFC 2308 §5: a negative answer without SOA is not cached.
        if (r.ttl !== undefined) cache.put({ name, type, fetchedAt, server, status: r.kind, records: [], chain: r.chain, ttl: r.ttl });
        return { kind: r.kind, chain: r.chain, source };
    }
  }

  async function query(name: string, type: RRType, qo: QueryOptions = {}): Promise<DnsAnswer> {
    const answer = await follow(name, type, qo);
    options.onAnswer?.(answer);
    return answer;
  }

  async function follow(name: string, type: RRType, qo: QueryOptions): Promise<DnsAnswer> {
    const n = normalizeName(name);
    const chain: DnsRecord[] = [];
    // Names met along a CNAME chain; most answers have none.
    let seen: Set<string> | undefined;
    let current = n;
    for (let hop = 0; hop <= MAX_CHAIN; hop++) {
      if (qo.signal?.aborted) return { status: 'unknown', name: n, type, reason: 'cancelled' };
      const s = zoneStep(current, type) ?? (await step(current, type, qo.signal));
      if (s.kind === 'unknown') return { status: 'unknown', name: n, type, reason: s.reason, ...(s.detail ? { detail: s.detail } : {}) };
      for (const r of s.chain) {
        chain.push(r);
        const target = r.data as string;
        seen ??= new Set([n]);
        if (seen.has(target)) return { status: 'unknown', name: n, type, reason: 'loop', detail: `CNAME loop: ${[...seen].join(' → ')} → ${target}` };
        seen.add(target);
      }
      if (s.kind === 'cname') {
        current = s.target;
        continue;
      }
      if (s.kind === 'records') return { status: 'records', name: n, type, records: sortRecords(s.records), chain, source: s.source };
      return { status: s.kind, name: n, type, chain, source: s.source };
    }
    return { status: 'unknown', name: n, type, reason: 'loop', detail: `CNAME chain longer than ${MAX_CHAIN}` };
  }

  async function reverse(address: string, qo: QueryOptions = {}): Promise<ReverseResult> {
    const ip = parseIp(address);
    if (!ip) {
      return { address, ptr: { status: 'unknown', name: address, type: 'PTR', reason: 'malformed', detail: `'${address}' is not an IP address` }, confirmed: 'unknown', names: [] };
    }
    const ptr = await query(reverseNameOf(ip), 'PTR', qo);
    if (ptr.status !== 'records') return { address: ip.text, ptr, confirmed: ptr.status === 'unknown' ? 'unknown' : 'no', names: [] };
    // Pushed into a literal rather than mapped: the array then has one shape whether or not
    // this code is optimised, and the loop below is not deoptimised by the other one.
    const names: string[] = [];
    for (const r of ptr.records) names.push(r.data as string);
    let unknown = false;
    for (const name of names) {
      const fwd = await query(name, ip.family === 4 ? 'A' : 'AAAA', qo);
      if (fwd.status === 'unknown') unknown = true;
      else if (fwd.status === 'records' && fwd.records.some((r) => sameAddress(r.data as string, ip))) {
        return { address: ip.text, ptr, confirmed: 'yes', names };
      }
    }
    return { address: ip.text, ptr, confirmed: unknown ? 'unknown' : 'no', names };
  }

  function spf(ip: string, domain: string, qo: QueryOptions = {}): Promise<SpfResult> {
    return evaluateSpf(query, ip, domain, qo);
  }

  return { mode, zones, cache, resolver, query, reverse, spf, save: () => cache.save() };
}
