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
