/**
 * Keeps the network out of every request and every analysis. Rules and hovers read a view
 * that answers from what is known now (zone files, the persistent cache, answers this session
 * already fetched); whatever it could not answer is looked up live in the background, and
 * `onAnswers` fires when a batch has arrived, so the server re-analyses and re-publishes.
 */
import type { DnsAnswer, DnsMode, DnsSource, DnsView, QueryOptions, ReverseResult, RRType, SpfResult } from '../dns/types';

type Result = DnsAnswer | ReverseResult | SpfResult;

export interface ViewStats {
  /** fetchedAt of the oldest cached answer served, or undefined. */
  oldestCacheFetch?: number;
  answers: number;
}

const CONCURRENCY = 8;

function sourceOf(r: Result): DnsSource | undefined {
  if ('verdict' in r) return undefined;
  const a = 'ptr' in r ? r.ptr : r;
  return a.status === 'unknown' ? undefined : a.source;
}

function needsLive(r: Result): boolean {
  if ('verdict' in r) return r.verdict === 'temperror';
  if ('ptr' in r) return r.ptr.status === 'unknown' || r.confirmed === 'unknown';
  return r.status === 'unknown' && r.reason !== 'loop' && r.reason !== 'malformed' && r.reason !== 'too-large';
}

export class DnsBroker {
  private readonly fetched = new Map<string, Result>();
  private readonly queue = new Map<string, () => Promise<Result>>();
  private readonly running = new Set<string>();
  /** Look-ups that threw: not retried until "refresh DNS" (else every analysis would ask again). */
  private readonly failed = new Set<string>();
  private readonly abort = new AbortController();
  /** After "refresh DNS": cached answers are looked up again too, once each. */
  private refreshing = new Set<string>();
  private refreshAll = false;

  constructor(
    /** The configured mode the rules see (live answers come later, but they come). */
    readonly mode: DnsMode,
    private readonly known: DnsView,
    private readonly live: DnsView | undefined,
    private readonly onAnswers: () => void,
    private readonly log: (m: string) => void,
  ) {}

  get pending(): number {
    return this.queue.size + this.running.size;
  }

  /** Forgets fetched answers and re-resolves everything the next analysis asks for. */
  refresh(): boolean {
    if (!this.live) return false;
    this.fetched.clear();
    this.failed.clear();
    this.refreshing = new Set();
    this.refreshAll = true;
    return true;
  }

  /** The non-blocking view for one analysis (or hover). An aborted signal answers `cancelled` at once. */
  view(signal?: AbortSignal, stats: ViewStats = { answers: 0 }): DnsView {
    const cancelled = (name: string, type: RRType): DnsAnswer => ({ status: 'unknown', name, type, reason: 'cancelled' });
    const serve = async <T extends Result>(key: string, fromKnown: () => Promise<T>, fromLive: () => Promise<T>, whenCancelled: () => T): Promise<T> => {
      if (signal?.aborted) return whenCancelled();
      const have = this.fetched.get(key) as T | undefined;
      if (have) return this.count(have, stats);
      const answer = await fromKnown();
      const source = sourceOf(answer);
      const stale = this.refreshAll && source?.kind === 'cache' && !this.refreshing.has(key);
      if (this.live && (needsLive(answer) || stale)) {
        if (stale) this.refreshing.add(key);
        this.enqueue(key, fromLive);
      }
      return this.count(answer, stats);
    };
    return {
      mode: this.mode,
      query: (name, type, o?: QueryOptions) =>
        serve(`q ${name} ${type}`, () => this.known.query(name, type, { signal: o?.signal ?? signal }), () => this.live!.query(name, type, { signal: this.abort.signal }), () => cancelled(name, type)),
      reverse: (address, o?: QueryOptions) =>
        serve(
          `r ${address}`,
          () => this.known.reverse(address, { signal: o?.signal ?? signal }),
          () => this.live!.reverse(address, { signal: this.abort.signal }),
          (): ReverseResult => ({ address, ptr: cancelled(address, 'PTR'), confirmed: 'unknown', names: [] }),
        ),
      ptr: (address, o?: QueryOptions) =>
        serve(
          `p ${address}`,
          () => this.known.ptr(address, { signal: o?.signal ?? signal }),
          () => this.live!.ptr(address, { signal: this.abort.signal }),
          () => cancelled(address, 'PTR'),
        ),
      spf: (ip, domain, o?: QueryOptions) =>
        serve(
          `s ${ip} ${domain}`,
          () => this.known.spf(ip, domain, { signal: o?.signal ?? signal }),
          () => this.live!.spf(ip, domain, { signal: this.abort.signal }),
          (): SpfResult => ({ verdict: 'temperror', ip, domain, chain: [], records: [], detail: 'cancelled' }),
        ),
    };
  }

  /** A view that waits for live answers (explicit commands such as writing a snapshot, never requests). */
  resolvingView(): DnsView {
    const fast = this.view();
    if (!this.live) return fast;
    const live = this.live;
    const either = async <T extends Result>(key: string, a: () => Promise<T>, b: () => Promise<T>): Promise<T> => {
      const first = await a();
      if (!needsLive(first)) return first;
      const second = await b();
      this.fetched.set(key, second);
      return second;
    };
    return {
      mode: this.mode,
      query: (n, t) => either(`q ${n} ${t}`, () => fast.query(n, t), () => live.query(n, t, { signal: this.abort.signal })),
      reverse: (a) => either(`r ${a}`, () => fast.reverse(a), () => live.reverse(a, { signal: this.abort.signal })),
      ptr: (a) => either(`p ${a}`, () => fast.ptr(a), () => live.ptr(a, { signal: this.abort.signal })),
      spf: (ip, d) => either(`s ${ip} ${d}`, () => fast.spf(ip, d), () => live.spf(ip, d, { signal: this.abort.signal })),
    };
  }

  dispose(): void {
    this.abort.abort();
    this.queue.clear();
  }

  private count<T extends Result>(r: T, stats: ViewStats): T {
    stats.answers++;
    const s = sourceOf(r);
    if (s?.kind === 'cache' && (stats.oldestCacheFetch === undefined || s.fetchedAt < stats.oldestCacheFetch)) stats.oldestCacheFetch = s.fetchedAt;
    return r;
  }

  private enqueue(key: string, lookup: () => Promise<Result>): void {
    if (this.running.has(key) || this.queue.has(key) || this.failed.has(key) || this.abort.signal.aborted) return;
    this.queue.set(key, lookup);
    this.pump();
  }

  private pump(): void {
    while (this.running.size < CONCURRENCY && this.queue.size) {
      const [key, lookup] = this.queue.entries().next().value as [string, () => Promise<Result>];
      this.queue.delete(key);
      this.running.add(key);
      lookup()
        .then(
          (r) => this.fetched.set(key, r),
          (e: unknown) => {
            this.failed.add(key);
            this.log(`DNS look-up ${key} failed: ${(e as Error).message}`);
          },
        )
        .finally(() => {
          this.running.delete(key);
          if (this.abort.signal.aborted) return;
          this.pump();
          if (this.pending === 0) {
            this.refreshAll = false;
            this.onAnswers();
          }
        });
    }
  }
}
