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
import { settledCall, then, type Pending } from '../core/pending';

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
/** Zone answers kept for SPF evaluations (cleared when reached; a fleet needs about 80). */
const SPF_ANSWERS_LIMIT = 10000;

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

interface Walk {
  /** The name asked (normalized) and its type. */
  readonly name: string;
  readonly type: RRType;
  current: string;
  hop: number;
  readonly chain: DnsRecord[];
  /** Names met along a CNAME chain; most answers have none. */
  seen: Set<string> | undefined;
}

function startWalk(name: string, type: RRType): Walk {
  return { name, type, current: name, hop: 0, chain: [], seen: undefined };
}

/** Takes one step of the walk: the answer when it ends there, else undefined (go on at `w.current`). */
function takeStep(w: Walk, s: Step): DnsAnswer | undefined {
  const { name: n, type } = w;
  if (s.kind === 'unknown') return { status: 'unknown', name: n, type, reason: s.reason, ...(s.detail ? { detail: s.detail } : {}) };
  for (let i = 0; i < s.chain.length; i++) {
    const r = s.chain[i];
    w.chain.push(r);
    const target = r.data as string;
    w.seen ??= new Set([n]);
    if (w.seen.has(target)) return { status: 'unknown', name: n, type, reason: 'loop', detail: `CNAME loop: ${[...w.seen].join(' → ')} → ${target}` };
    w.seen.add(target);
  }
  if (s.kind === 'cname') {
    w.current = s.target;
    return undefined;
  }
  if (s.kind === 'records') return { status: 'records', name: n, type, records: sortRecords(s.records), chain: w.chain, source: s.source };
  return { status: s.kind, name: n, type, chain: w.chain, source: s.source };
}

/** The PTR answer for text that is not an IP address. */
function malformed(address: string): DnsAnswer {
  return { status: 'unknown', name: address, type: 'PTR', reason: 'malformed', detail: `'${address}' is not an IP address` };
}

/** A reverse lookup confirming its PTR names forward. */
interface Confirming {
  readonly ip: ParsedIp;
  readonly ptr: DnsAnswer;
  readonly names: string[];
  next: number;
  unknown: boolean;
}

/** The result once a forward answer confirms the address; else undefined (notes an unknown one). */
function confirmedBy(c: Confirming, fwd: DnsAnswer): ReverseResult | undefined {
  if (fwd.status === 'unknown') c.unknown = true;
  else if (fwd.status === 'records' && fwd.records.some((r) => sameAddress(r.data as string, c.ip))) {
    return { address: c.ip.text, ptr: c.ptr, confirmed: 'yes', names: c.names };
  }
  return undefined;
}

export function createDnsView(options: DnsViewOptions): ManagedDnsView {
  const { mode, zones } = options;
  const cache = options.cache ?? new DnsCache();
  const resolver = mode === 'live' ? new LiveResolver({ servers: options.resolvers, timeoutMs: options.timeoutMs, concurrency: options.concurrency }) : undefined;

  /**
   * The zones' answer, or with DNS off that there is none: what needs no I/O is answered
   * without a promise (a fleet's rules ask the zones some 14,000 questions). The question is
   * normalized already; a CNAME target (`normalized` false) is normalized for the zones only.
   */
  function zoneStep(name: string, type: RRType, normalized: boolean): Step | undefined {
    const z = zones.lookupNormalized(normalized ? name : normalizeName(name), type);
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

  /**
   * Answers from the zones (and with DNS off, that there is none) come back without awaiting
   * anything: a fleet's rules ask some 10,000 questions, and an async function per question
   * and per hop cost a promise and a turn of the microtask queue each. Everything up to the
   * first cache or resolver question still runs at once, so live DNS asks what it asked.
   */
  function query(name: string, type: RRType, qo: QueryOptions = {}): Promise<DnsAnswer> {
    // A throw rejects, as it did from the async function this was.
    return settledCall(answer, name, type, qo);
  }

  function answer(name: string, type: RRType, qo: QueryOptions): Pending<DnsAnswer> {
    return answerNormalized(normalizeName(name), type, qo);
  }

  function answerNormalized(name: string, type: RRType, qo: QueryOptions): Pending<DnsAnswer> {
    return then(follow(startWalk(name, type), qo), answered);
  }

  function answered(answer: DnsAnswer): DnsAnswer {
    options.onAnswer?.(answer);
    return answer;
  }

  /** The walk along a CNAME chain: zone steps at once, the first step needing I/O awaited. */
  function follow(w: Walk, qo: QueryOptions): Pending<DnsAnswer> {
    for (; w.hop <= MAX_CHAIN; w.hop++) {
      if (qo.signal?.aborted) return { status: 'unknown', name: w.name, type: w.type, reason: 'cancelled' };
      const s = zoneStep(w.current, w.type, w.current === w.name);
      if (!s) return step(w.current, w.type, qo.signal).then((s) => takeStep(w, s) ?? (w.hop++, follow(w, qo)));
      const done = takeStep(w, s);
      if (done) return done;
    }
    return { status: 'unknown', name: w.name, type: w.type, reason: 'loop', detail: `CNAME chain longer than ${MAX_CHAIN}` };
  }

  function reverse(address: string, qo: QueryOptions = {}): Promise<ReverseResult> {
    return settledCall(reverseOf, address, qo, undefined);
  }

  function ptr(address: string, qo: QueryOptions = {}): Promise<DnsAnswer> {
    return settledCall(ptrOfText, address, qo, undefined);
  }

  function ptrOfText(address: string, qo: QueryOptions): Pending<DnsAnswer> {
    const ip = parseIp(address);
    return ip ? ptrOf(ip, qo) : malformed(address);
  }

  function ptrOf(ip: ParsedIp, qo: QueryOptions): Pending<DnsAnswer> {
    // A reverse name is normalized as built.
    return answerNormalized(reverseNameOf(ip), 'PTR', qo);
  }

  function reverseOf(address: string, qo: QueryOptions): Pending<ReverseResult> {
    const ip = parseIp(address);
    if (!ip) return { address, ptr: malformed(address), confirmed: 'unknown', names: [] };
    return then(ptrOf(ip, qo), (ptr) => {
      if (ptr.status !== 'records') return { address: ip.text, ptr, confirmed: ptr.status === 'unknown' ? 'unknown' : 'no', names: [] };
      // Pushed into a literal rather than mapped: the array then has one shape whether or not
      // this code is optimised, and the loop below is not deoptimised by the other one.
      const names: string[] = [];
      for (let i = 0; i < ptr.records.length; i++) names.push(ptr.records[i].data as string);
      return confirmForward({ ip, ptr, names, next: 0, unknown: false }, qo);
    });
  }

  /** Asks the PTR names' A/AAAA one at a time, from `c.next` on, until one holds the address. */
  function confirmForward(c: Confirming, qo: QueryOptions): Pending<ReverseResult> {
    const type = c.ip.family === 4 ? 'A' : 'AAAA';
    while (c.next < c.names.length) {
      const fwd = answer(c.names[c.next++], type, qo);
      if (fwd instanceof Promise) return fwd.then((f) => confirmedBy(c, f) ?? confirmForward(c, qo));
      const done = confirmedBy(c, fwd);
      if (done) return done;
    }
    return { address: c.ip.text, ptr: c.ptr, confirmed: c.unknown ? 'unknown' : 'no', names: c.names };
  }

  function spf(ip: string, domain: string, qo: QueryOptions = {}): Promise<SpfResult> {
    return evaluateSpf(spfQuery, ip, domain, qo);
  }

  /**
   * What SPF evaluations asked that the zones answered at once, per zone-set version: each
   * evaluation asks its domain's TXT, MX and exchange addresses again for every address
   * checked (a 1,600-host fleet's 398 evaluations walked the zones 1,194 times for 60
   * distinct questions). Only answers given without I/O are kept: cache and resolver answers
   * are asked as before.
   */
  let spfAnswers = new Map<RRType, Map<string, DnsAnswer>>();
  let spfAnswerCount = 0;
  let spfVersion = zones.version;

  function spfQuery(name: string, type: RRType, qo: QueryOptions = {}): Promise<DnsAnswer> {
    if (spfVersion !== zones.version || spfAnswerCount >= SPF_ANSWERS_LIMIT) {
      spfAnswers = new Map();
      spfAnswerCount = 0;
      spfVersion = zones.version;
    }
    const known = qo.signal?.aborted ? undefined : spfAnswers.get(type)?.get(name);
    if (!known) return settledCall(spfAnswer, name, type, qo);
    options.onAnswer?.(known);
    return Promise.resolve(known);
  }

  function spfAnswer(name: string, type: RRType, qo: QueryOptions): Pending<DnsAnswer> {
    const a = answer(name, type, qo);
    if (a instanceof Promise) return a;
    let byName = spfAnswers.get(type);
    if (!byName) spfAnswers.set(type, (byName = new Map()));
    byName.set(name, a);
    spfAnswerCount++;
    return a;
  }

  return { mode, zones, cache, resolver, query, reverse, ptr, spf, save: () => cache.save() };
}
