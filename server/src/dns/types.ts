/**
 * The DNS view: the only part of the engine that does network I/O. Every answer says where
 * it came from, and may be `unknown`: rules never turn an unknown answer into an error.
 */
import type { Location } from '../core/text';

export type RRType = 'A' | 'AAAA' | 'MX' | 'TXT' | 'CNAME' | 'PTR' | 'NS' | 'SOA';

export interface MxData {
  readonly preference: number;
  readonly exchange: string;
}

export interface SoaData {
  readonly mname: string;
  readonly rname: string;
  readonly serial: number;
  readonly refresh: number;
  readonly retry: number;
  readonly expire: number;
  readonly minimum: number;
}

/** Names are lower case, absolute, without the trailing dot. */
export type DnsRecord =
  | { readonly name: string; readonly type: 'A' | 'AAAA' | 'CNAME' | 'PTR' | 'NS'; readonly ttl: number; readonly data: string; readonly at?: Location }
  | { readonly name: string; readonly type: 'MX'; readonly ttl: number; readonly data: MxData; readonly at?: Location }
  | { readonly name: string; readonly type: 'TXT'; readonly ttl: number; readonly data: readonly string[]; readonly at?: Location }
  | { readonly name: string; readonly type: 'SOA'; readonly ttl: number; readonly data: SoaData; readonly at?: Location };

export type DnsSource =
  | { readonly kind: 'zone'; readonly file: string; readonly origin: string }
  | { readonly kind: 'cache'; readonly fetchedAt: number; readonly server?: string }
  | { readonly kind: 'live'; readonly fetchedAt: number; readonly server: string };

export type UnknownReason =
  | 'disabled'        // live lookups are off (mode off/cache, untrusted workspace) and nothing else answered
  | 'outside-zones'   // with mode off: no zone covers the name
  | 'offline'
  | 'timeout'
  | 'servfail'
  | 'refused'
  | 'malformed'
  | 'loop'            // CNAME loop
  | 'too-large'
  | 'cancelled';

export type DnsAnswer =
  | {
      readonly status: 'records';
      readonly name: string;
      readonly type: RRType;
      readonly records: readonly DnsRecord[];
      /** CNAME records followed to reach `records` (empty when none). */
      readonly chain: readonly DnsRecord[];
      readonly source: DnsSource;
    }
  | {
      readonly status: 'nxdomain' | 'nodata';
      readonly name: string;
      readonly type: RRType;
      readonly chain: readonly DnsRecord[];
      readonly source: DnsSource;
    }
  | {
      readonly status: 'unknown';
      readonly name: string;
      readonly type: RRType;
      readonly reason: UnknownReason;
      readonly detail?: string;
    };

export interface ReverseResult {
  readonly address: string;
  readonly ptr: DnsAnswer;
  /** Per PTR name: does it resolve back (A/AAAA) to the address? unknown when DNS could not say. */
  readonly confirmed: 'yes' | 'no' | 'unknown';
  readonly names: readonly string[];
}

export type SpfVerdict = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'permerror' | 'temperror';

export interface SpfResult {
  readonly verdict: SpfVerdict;
  readonly domain: string;
  readonly ip: string;
  /** Human-readable steps: which record, which mechanism matched, includes followed. */
  readonly chain: readonly string[];
  /** The TXT record that decided, for related locations. */
  readonly records: readonly DnsRecord[];
  readonly detail?: string;
}

export type DnsMode = 'live' | 'cache' | 'off';

export interface QueryOptions {
  readonly signal?: AbortSignal;
}

export interface DnsView {
  readonly mode: DnsMode;
  /** One record type for one name, following CNAME chains (loop-safe) for types other than CNAME. */
  query(name: string, type: RRType, options?: QueryOptions): Promise<DnsAnswer>;
  /** PTR of an address plus forward confirmation. */
  reverse(address: string, options?: QueryOptions): Promise<ReverseResult>;
  /** PTR of an address alone: `reverse`'s `ptr`, without asking the names' A/AAAA. */
  ptr(address: string, options?: QueryOptions): Promise<DnsAnswer>;
  /** RFC 7208 check_host(ip, domain). */
  spf(ip: string, domain: string, options?: QueryOptions): Promise<SpfResult>;
}
