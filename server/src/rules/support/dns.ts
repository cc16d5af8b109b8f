/**
 * DNS helpers for rules: one memo per analysis (model × view) so that several rules asking
 * the same question cost one lookup, and short descriptions of where an answer came from.
 */
import type { Location } from '../../core/text';
import type { DnsAnswer, DnsRecord, DnsView, ReverseResult, RRType, SpfResult } from '../../dns/types';
import type { InfraModel } from '../../model/types';
import { wholeModel } from '../../model/types';

/**
 * Answers by question, keyed by the strings the rules pass (model strings, whose hashes V8
 * keeps) rather than by keys concatenated per call, which cost a fresh hash every time.
 */
interface Memo {
  readonly query: Map<RRType, Map<string, Promise<DnsAnswer>>>;
  readonly reverse: Map<string, Promise<ReverseResult>>;
  readonly ptr: Map<string, Promise<DnsAnswer>>;
  /** By domain, then by address. */
  readonly spf: Map<string, Map<string, Promise<SpfResult>>>;
  /** Values rules derive from answers (`Lookups.derived`), by table (module constants), then by key. */
  readonly derived: Map<object, Map<string, Promise<unknown>>>;
}
const memos = new WeakMap<InfraModel, WeakMap<DnsView, Memo>>();

function memoOf(slice: InfraModel, dns: DnsView): Memo {
  // Slices of one analysis share its memo.
  const model = wholeModel(slice);
  let byView = memos.get(model);
  if (!byView) memos.set(model, (byView = new WeakMap()));
  let memo = byView.get(dns);
  if (!memo) byView.set(dns, (memo = { query: new Map(), reverse: new Map(), ptr: new Map(), spf: new Map(), derived: new Map() }));
  return memo;
}

function once<K, T>(memo: Map<K, Promise<T>>, key: K, run: () => Promise<T>): Promise<T> {
  let p = memo.get(key);
  if (!p) memo.set(key, (p = run()));
  return p;
}

function submap<K, V>(maps: Map<K, Map<string, V>>, key: K): Map<string, V> {
  let m = maps.get(key);
  if (!m) maps.set(key, (m = new Map()));
  return m;
}

/**
 * Hosts or instances a rule may have in progress at once (`mapInOrder`): with live DNS the
 * next ones ask their questions while earlier ones wait (the resolver sends 8 at a time).
 * Zone files and the cache answer at once, so there the rules walk one at a time: nothing
 * would overlap, and interleaving the walks cost CPU time (measured on a 1,600-host fleet).
 */
const LIVE_LOOKAHEAD = 16;

/** A DNS client bound to one analysis: memoised query / reverse / spf. */
export interface Lookups {
  readonly model: InfraModel;
  readonly dns: DnsView;
  /** Items a rule's walk may have in progress at once. */
  readonly lookahead: number;
  query(name: string, type: RRType): Promise<DnsAnswer>;
  reverse(address: string): Promise<ReverseResult>;
  /** The PTR answer alone, for a rule that needs the names and not their confirmation. */
  ptr(address: string): Promise<DnsAnswer>;
  spf(ip: string, domain: string): Promise<SpfResult>;
  /**
   * `run()` once per analysis for each key of `table` (a module-level object naming what is
   * derived): for values that depend only on the key and the answers, which several items of a
   * rule ask for (a fleet's compose relays name one smarthost). The result is shared: read-only.
   */
  derived<T>(table: object, key: string, run: () => Promise<T>): Promise<T>;
}

export function lookups(model: InfraModel, dns: DnsView): Lookups {
  const memo = memoOf(model, dns);
  return {
    model,
    dns,
    lookahead: dns.mode === 'live' ? LIVE_LOOKAHEAD : 1,
    query: (name, type) => once(submap(memo.query, type), name, () => dns.query(name, type)),
    reverse: (address) => once(memo.reverse, address, () => dns.reverse(address)),
    ptr: (address) => once(memo.ptr, address, () => dns.ptr(address)),
    spf: (ip, domain) => once(submap(memo.spf, domain), ip, () => dns.spf(ip, domain)),
    derived: <T>(table: object, key: string, run: () => Promise<T>) => once(submap(memo.derived, table), key, run) as Promise<T>,
  };
}

/** Data strings of the records of a type (A, AAAA, PTR, CNAME), empty unless status is 'records'. */
export function recordsOf(answer: DnsAnswer, type: RRType): DnsRecord[] {
  return answer.status === 'records' ? answer.records.filter((r) => r.type === type) : [];
}

/** Workspace-relative path, for messages. */
export function relPath(model: InfraModel, file: string): string {
  const root = model.root.endsWith('/') ? model.root : model.root + '/';
  return file.startsWith(root) ? file.slice(root.length) : file;
}

export function locationText(model: InfraModel, at: Location): string {
  return `${relPath(model, at.file)}:${at.range.start.line + 1}`;
}

/** "zone dns/acme.example.zone:17", "live DNS via 192.0.2.53", "cached DNS answer". */
export function answerOrigin(model: InfraModel, answer: DnsAnswer, record?: DnsRecord): string {
  if (record?.at) return `zone ${locationText(model, record.at)}`;
  if (answer.status === 'unknown') return `DNS unknown: ${answer.reason}`;
  const s = answer.source;
  if (s.kind === 'zone') return `zone ${relPath(model, s.file)}`;
  if (s.kind === 'live') return `live DNS via ${s.server}`;
  return `cached DNS answer from ${new Date(s.fetchedAt).toISOString().slice(0, 10)}`;
}

export function unknownReason(answer: DnsAnswer): string | undefined {
  return answer.status === 'unknown' ? answer.reason + (answer.detail ? ` (${answer.detail})` : '') : undefined;
}
