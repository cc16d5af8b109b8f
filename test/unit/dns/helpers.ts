import { join } from 'node:path';
import { loadZoneSet } from '../../../server/src/dns/zones';
import type { ZoneSet } from '../../../server/src/dns/zones';
import type { DnsAnswer, RRType } from '../../../server/src/dns/types';
import { FIXTURES } from '../../support/paths';

export const DNS_FIXTURES = join(FIXTURES, 'dns');

export const FIXTURE_ZONES: readonly { origin: string; file: string }[] = [
  ['example.test', 'example.test.zone'],
  ['spf.test', 'spf.test.zone'],
  ['8.b.d.0.1.0.0.2.ip6.arpa', '8.b.d.0.1.0.0.2.ip6.arpa.zone'],
  ['2.0.192.in-addr.arpa', '2.0.192.in-addr.arpa.zone'],
].map(([origin, f]) => ({ origin, file: join(DNS_FIXTURES, f) }));

/** Files the zones `$INCLUDE`. */
export const FIXTURE_INCLUDES = [join(DNS_FIXTURES, 'hosts.inc')];

export function fixtureZones(): Promise<ZoneSet> {
  return loadZoneSet(FIXTURE_ZONES.map((z) => z.file));
}

/** An answer without where it came from (source, record locations, detail): what zone and live must agree on. */
export function comparable(a: DnsAnswer): unknown {
  if (a.status === 'unknown') return { status: a.status, name: a.name, type: a.type, reason: a.reason };
  const { source: _source, ...rest } = a;
  return JSON.parse(JSON.stringify(rest, (k, v) => (k === 'at' ? undefined : v)));
}

/** Questions covering forward, reverse, CNAME, NXDOMAIN vs NODATA, TCP-sized TXT, loops. */
export const QUESTIONS: readonly [string, RRType][] = [
  ['example.test', 'MX'],
  ['example.test', 'TXT'],
  ['example.test', 'NS'],
  ['example.test', 'SOA'],
  ['mail.example.test', 'A'],
  ['mail.example.test', 'AAAA'],
  ['mail.example.test', 'MX'], // nodata
  ['nope.example.test', 'A'], // nxdomain
  ['b.c.example.test', 'A'], // empty non-terminal: nodata
  ['svc.example.test', 'A'], // only an unmodelled type: nodata
  ['www.example.test', 'AAAA'], // two CNAMEs
  ['www.example.test', 'CNAME'],
  ['www.example.test', 'TXT'], // CNAME chain then nodata
  ['loop1.example.test', 'A'], // CNAME loop
  ['multi.example.test', 'TXT'],
  ['big.example.test', 'TXT'], // needs TCP
  ['host1.example.test', 'AAAA'], // from $INCLUDE
  ['_spf2.example.test', 'TXT'],
  ['5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa', 'PTR'],
  ['1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa', 'PTR'], // nxdomain
  ['25.2.0.192.in-addr.arpa', 'PTR'],
];

/** [ip, domain, verdict] cases over the fixture zones; the live test replays them against knotd. */
export const SPF_CASES: readonly [string, string, string][] = [
  ['2001:db8:2::5', 'spf.test', 'pass'], // nested includes
  ['192.0.2.200', 'spf.test', 'pass'],
  ['2001:db8:3::5', 'spf.test', 'fail'], // inc1 ?all → neutral: include does not match → -all
  ['203.0.113.11', 'limit.spf.test', 'permerror'], // 11 includes
  ['198.51.100.1', 'void.spf.test', 'permerror'], // 3 void lookups
  ['192.0.2.77', 'mxa.spf.test', 'pass'], // mx/24
  ['2001:db8::abcd', 'mxa.spf.test', 'pass'], // mx//64
  ['2001:db8:1::1', 'mxa.spf.test', 'fail'],
  ['2001:db8:2::5', 'redir.spf.test', 'pass'],
  ['192.0.2.1', 'loop.spf.test', 'permerror'],
  ['192.0.2.1', 'two.spf.test', 'permerror'],
  ['192.0.2.1', 'exists.spf.test', 'pass'], // %{ir}.%{v} macro
  ['192.0.2.2', 'exists.spf.test', 'fail'],
  ['192.0.2.1', 'soft.spf.test', 'softfail'],
  ['192.0.2.1', 'nospf.spf.test', 'none'],
  ['192.0.2.1', 'absent.spf.test', 'none'],
  ['192.0.2.1', 'bad.spf.test', 'permerror'],
  ['2001:db8::25', 'example.test', 'pass'], // mx
  ['2001:db8:beef::1', 'example.test', 'pass'], // include → include → ip6
  ['203.0.113.7', 'example.test', 'pass'], // include → include → a:relay/32
  ['198.51.100.9', 'example.test', 'pass'], // include:_spf → ip4
  ['192.0.2.99', 'example.test', 'fail'], // _spf's ~all is no match for the include; the top -all decides
  ['192.0.2.1', 'outside.invalid', 'temperror'],
];
