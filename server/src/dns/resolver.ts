/**
 * Live lookups: one question at a time to the configured (or system) resolvers, with a
 * concurrency limit, one query per (name, type) in flight, and cancellation per caller.
 * Turns a DNS response into what the view needs: records, a CNAME step to continue,
 * nxdomain/nodata with the negative TTL (RFC 2308), or unknown with the reason.
 */
import type * as dnsPacket from 'dns-packet';
import type { DnsRecord, RRType, UnknownReason } from './types';
import { canonicalAddress, normalizeName } from './names';
import type { AbortLike, DecodedResponse, ServerAddress } from './client';
import { exchange, parseServerAddress, systemResolvers } from './client';
import { formatIpv6Groups } from '../core/ipv6-text';

export type LiveResult =
  | { readonly kind: 'records'; readonly records: DnsRecord[]; readonly chain: DnsRecord[]; readonly server: string; readonly fetchedAt: number; readonly ttl: number }
  /** The server gave a CNAME chain but not its end (the target is outside its zones): continue at `target`. */
  | { readonly kind: 'cname'; readonly chain: DnsRecord[]; readonly target: string; readonly server: string; readonly fetchedAt: number; readonly ttl: number }
  /** `ttl` is the negative-caching TTL from the SOA, undefined when there was no SOA (then not cached). */
  | { readonly kind: 'nxdomain' | 'nodata'; readonly chain: DnsRecord[]; readonly server: string; readonly fetchedAt: number; readonly ttl?: number }
  | { readonly kind: 'unknown'; readonly reason: UnknownReason; readonly detail: string };

export interface ResolverOptions {
  /** `ADDR[:PORT]`; default: the system's resolvers. */
  readonly servers?: readonly string[];
  /** Budget per question (the one UDP retry included). Default 1500 ms. */
  readonly timeoutMs?: number;
  /** Questions on the wire at once. Default 8. */
  readonly concurrency?: number;
  /** Answers with more records are refused as too large. Default 256. */
  readonly maxRecords?: number;
}

const MODELLED = new Set<string>(['A', 'AAAA', 'MX', 'TXT', 'CNAME', 'PTR', 'NS', 'SOA']);

/** Converts a wire record to the view's form; undefined for types the view does not model. */
export function fromWire(a: dnsPacket.Answer): DnsRecord | undefined {
  if (!MODELLED.has(a.type) || !('data' in a)) return undefined;
  const name = normalizeName(a.name);
  const ttl = 'ttl' in a && typeof a.ttl === 'number' ? a.ttl : 0;
  const data: unknown = a.data;
  switch (a.type) {
    case 'A':
    case 'AAAA':
      return { name, type: a.type, ttl, data: wireAddress(a.type, String(data)) };
    case 'CNAME':
    case 'PTR':
    case 'NS':
      return { name, type: a.type, ttl, data: normalizeName(String(data)) };
    case 'MX': {
      const mx = data as dnsPacket.MxData;
      return { name, type: 'MX', ttl, data: { preference: mx.preference ?? 0, exchange: normalizeName(mx.exchange) } };
    }
    case 'TXT': {
      const parts = Array.isArray(data) ? data : [data as string | Buffer];
      return { name, type: 'TXT', ttl, data: parts.map((p) => (Buffer.isBuffer(p) ? p.toString('utf8') : String(p))) };
    }
    case 'SOA': {
      const s = data as dnsPacket.SoaData;
      return {
        name,
        type: 'SOA',
        ttl,
        data: { mname: normalizeName(s.mname), rname: normalizeName(s.rname), serial: s.serial ?? 0, refresh: s.refresh ?? 0, retry: s.retry ?? 0, expire: s.expire ?? 0, minimum: s.minimum ?? 0 },
      };
    }
  }
  return undefined;
}

/**
 * Canonical text of an address dns-packet decoded: its A form (dotted decimal from four
 * bytes) is already canonical; its AAAA form is not RFC 5952 (it compresses the first run
 * of zeros, not the longest), so the eight groups are reformatted here rather than handed
 * to ip-address, which costs more than the rest of the answer. IPv4-mapped addresses and
 * anything unexpected take the general path (canonicalAddress), which treats them as names do.
 */
function wireAddress(type: 'A' | 'AAAA', text: string): string {
  if (type === 'A' && DOTTED.test(text)) return text;
  if (type === 'AAAA') {
    const groups = v6Groups(text);
    if (groups && !(groups[5] === 0xffff && groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0)) return formatIpv6Groups(groups);
  }
  return canonicalAddress(text) ?? text;
}

const DOTTED = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const HEX_GROUP = /^[0-9a-f]{1,4}$/;

/** The eight 16-bit groups of a hex-only IPv6 text (at most one `::`), else undefined. */
function v6Groups(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!HEX_GROUP.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const fill = 8 - head.length - tail.length;
  return fill >= 1 ? [...head, ...new Array<number>(fill).fill(0), ...tail] : undefined;
}

/** The records the view models, in order (a loop: map + filter per section showed in profiles). */
function modelled(section: readonly dnsPacket.Answer[] | undefined): DnsRecord[] {
  const out: DnsRecord[] = [];
  if (section) {
    for (const a of section) {
      const r = fromWire(a);
      if (r) out.push(r);
    }
  }
  return out;
}

/** The least TTL of the records, Infinity for none (as Math.min of nothing). */
function minTtl(records: readonly DnsRecord[]): number {
  let min = Infinity;
  for (const r of records) if (r.ttl < min) min = r.ttl;
  return min;
}

/** Interprets one response to the question (name, type). Exported for tests. */
export function interpretResponse(name: string, type: RRType, packet: DecodedResponse, server: string, fetchedAt: number, maxRecords = 256): LiveResult {
  const rcode = packet.rcode ?? 'NOERROR';
  if (rcode === 'SERVFAIL') return { kind: 'unknown', reason: 'servfail', detail: `${server} answered SERVFAIL` };
  if (rcode === 'REFUSED') return { kind: 'unknown', reason: 'refused', detail: `${server} refused the query` };
  if (rcode !== 'NOERROR' && rcode !== 'NXDOMAIN') return { kind: 'unknown', reason: 'servfail', detail: `${server} answered ${rcode}` };
  const wireCount = (packet.answers?.length ?? 0) + (packet.authorities?.length ?? 0);
  if (wireCount > maxRecords) return { kind: 'unknown', reason: 'too-large', detail: `${wireCount} records from ${server}` };
  const answers = modelled(packet.answers);
  const authorities = modelled(packet.authorities);

  const chain: DnsRecord[] = [];
  let current = normalizeName(name);
  const seen = new Set([current]);
  for (;;) {
    const records = answers.filter((r) => r.name === current && r.type === type);
    if (records.length) return { kind: 'records', records, chain, server, fetchedAt, ttl: Math.min(minTtl(records), minTtl(chain)) };
    if (type === 'CNAME') break;
    const cname = answers.find((r) => r.name === current && r.type === 'CNAME');
    if (!cname || cname.type !== 'CNAME') break;
    chain.push(cname);
    if (seen.has(cname.data)) return { kind: 'unknown', reason: 'loop', detail: `CNAME loop: ${chain.map((r) => r.name).join(' → ')} → ${cname.data}` };
    seen.add(cname.data);
    current = cname.data;
  }
  const soa = authorities.find((r) => r.type === 'SOA');
  // RFC 2308 §5: the negative TTL is the lesser of the SOA's own TTL and its minimum field.
  const negativeTtl = soa && soa.type === 'SOA' ? Math.min(soa.ttl, soa.data.minimum, ...chain.map((r) => r.ttl)) : undefined;
  if (rcode === 'NXDOMAIN') return { kind: 'nxdomain', chain, server, fetchedAt, ttl: negativeTtl };
  if (soa) return { kind: 'nodata', chain, server, fetchedAt, ttl: negativeTtl };
  if (chain.length) return { kind: 'cname', chain, target: current, server, fetchedAt, ttl: Math.min(...chain.map((r) => r.ttl)) };
  if (!packet.flag_aa && (packet.authorities ?? []).some((a) => a.type === 'NS')) {
    return { kind: 'unknown', reason: 'servfail', detail: `${server} gave a referral: it is not a recursive resolver, nor authoritative for ${current}` };
  }
  return { kind: 'nodata', chain, server, fetchedAt };
}

/**
 * Cancellation of one shared question: an AbortController (an EventTarget, a signal object
 * and listener bookkeeping) per question was a measurable share of its cost; the client only
 * ever registers one listener.
 */
class Cancel implements AbortLike {
  aborted = false;
  private listener: (() => void) | undefined;
  addEventListener(_type: 'abort', listener: () => void): void {
    this.listener = listener;
  }
  removeEventListener(_type: 'abort', listener: () => void): void {
    if (this.listener === listener) this.listener = undefined;
  }
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const l = this.listener;
    this.listener = undefined;
    l?.();
  }
}

interface InFlight {
  readonly promise: Promise<LiveResult>;
  readonly controller: Cancel;
  waiters: number;
}

export class LiveResolver {
  private readonly servers: ServerAddress[];
  private readonly invalid: string[];
  readonly timeoutMs: number;
  private readonly concurrency: number;
  private readonly maxRecords: number;
  private readonly inflight = new Map<string, InFlight>();
  private active = 0;
  /** Questions waiting for a slot, first at `queueHead` (shift() is O(n) on a long queue). */
  private queue: (() => void)[] = [];
  private queueHead = 0;
  /** Questions actually sent (deduplicated ones count once); for tests and status. */
  sent = 0;

  constructor(options: ResolverOptions = {}) {
    const texts = options.servers && options.servers.length ? options.servers : systemResolvers();
    this.servers = [];
    this.invalid = [];
    for (const t of texts) {
      const s = parseServerAddress(t);
      if (s) this.servers.push(s);
      else this.invalid.push(t);
    }
    this.timeoutMs = options.timeoutMs ?? 1500;
    this.concurrency = Math.max(1, options.concurrency ?? 8);
    this.maxRecords = options.maxRecords ?? 256;
  }

  get serverList(): readonly ServerAddress[] {
    return this.servers;
  }

  resolve(name: string, type: RRType, signal?: AbortSignal): Promise<LiveResult> {
    if (signal?.aborted) return Promise.resolve(cancelled());
    const key = `${normalizeName(name)}|${type}`;
    let entry = this.inflight.get(key);
    if (!entry) {
      const controller = new Cancel();
      const promise = this.limited(() => this.ask(name, type, controller), controller);
      const created: InFlight = { promise, controller, waiters: 0 };
      entry = created;
      this.inflight.set(key, created);
      void promise.then(() => this.inflight.get(key) === created && this.inflight.delete(key));
    }
    const shared = entry;
    shared.waiters++;
    // A caller that cannot cancel keeps the shared question alive for good: its count is never
    // taken back, so it can share the promise itself.
    if (!signal) return shared.promise;
    return new Promise((resolve) => {
      const onAbort = () => {
        // The shared query is cancelled only when every caller waiting for it gave up.
        if (--shared.waiters === 0) {
          this.inflight.delete(key);
          shared.controller.abort();
        }
        resolve(cancelled());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      void shared.promise.then((r) => {
        signal.removeEventListener('abort', onAbort);
        resolve(r);
      });
    });
  }

  private async ask(name: string, type: RRType, signal: AbortLike): Promise<LiveResult> {
    if (this.servers.length === 0) {
      const why = this.invalid.length ? `no usable resolver (cannot parse ${this.invalid.join(', ')})` : 'no DNS resolver is configured';
      return { kind: 'unknown', reason: 'offline', detail: why };
    }
    this.sent++;
    const r = await exchange(this.servers, normalizeName(name) || '.', type, { timeoutMs: this.timeoutMs, signal });
    if (r.kind === 'failure') return { kind: 'unknown', reason: r.reason, detail: r.detail };
    return interpretResponse(name, type, r.packet, r.server, Date.now(), this.maxRecords);
  }

  private limited(task: () => Promise<LiveResult>, signal: AbortLike): Promise<LiveResult> {
    return new Promise<LiveResult>((resolve) => {
      const start = () => {
        if (signal.aborted) {
          resolve(cancelled());
          this.release();
          return;
        }
        this.active++;
        const settle = (r: LiveResult) => {
          this.active--;
          resolve(r);
          this.release();
        };
        task().then(settle, (e) => settle({ kind: 'unknown', reason: 'malformed', detail: String(e) }));
      };
      if (this.active < this.concurrency) start();
      else this.queue.push(start);
    });
  }

  private release(): void {
    while (this.active < this.concurrency && this.queueHead < this.queue.length) {
      const next = this.queue[this.queueHead];
      this.queue[this.queueHead++] = undefined as unknown as () => void;
      if (this.queueHead === this.queue.length) {
        this.queue = [];
        this.queueHead = 0;
      }
      next();
    }
  }
}

function cancelled(): LiveResult {
  return { kind: 'unknown', reason: 'cancelled', detail: 'the query was cancelled' };
}
