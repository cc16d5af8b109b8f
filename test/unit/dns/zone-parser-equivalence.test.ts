/**
 * The zone parser was rewritten for speed (a scanner over offsets, fast paths for plain names
 * and addresses): it must give exactly what the parser of b6f179d gave, records, errors and
 * locations included, for every zone the tests know, mutants of them, and generated zones.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Address6 } from 'ip-address';
import { parseZoneText, type ParseZoneOptions } from '../../../server/src/dns/zone-parser';
import { canonicalIpv6 } from '../../../server/src/dns/names';
import { parseZoneText as referenceParse } from './reference/zone-parser-b6f179d';
import { mutate, rng, type Rng } from '../../fuzz/mutate';
import { CORPUS, EXAMPLES, FIXTURES, REPO_ROOT } from '../../support/paths';

function zoneFilesUnder(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : zoneFilesUnder(p);
    return /\.zone$|^db\.[^.]/.test(e.name) ? [p] : [];
  });
}

const KNOWN_ZONES = [FIXTURES, EXAMPLES, join(REPO_ROOT, 'test/e2e/workspace'), CORPUS].flatMap(zoneFilesUnder).map((path) => ({ path, text: readFileSync(path, 'utf8') }));

/** In-memory `$INCLUDE` targets, one of which includes itself. */
const INCLUDES: Record<string, string> = {
  '/z/inc/hosts.inc': 'www A 192.0.2.80\nmail 300 IN MX 10 mx\n',
  '/z/inc/loop.inc': '$INCLUDE loop.inc\nx A 192.0.2.1\n',
  '/z/inc/nested.inc': '$INCLUDE hosts.inc sub\n( bad\n',
};
const readInclude: ParseZoneOptions['readInclude'] = (path) => {
  const file = path.startsWith('/') ? path : `/z/inc/${path}`;
  return file in INCLUDES ? { file, text: INCLUDES[file] } : { error: 'file not found' };
};

const OPTION_SETS: readonly ParseZoneOptions[] = [{}, { origin: 'Example.TEST.' }, { origin: 'example.test', defaultTtl: 60, readInclude }, { origin: '.' }];

function assertSameParse(file: string, text: string, options: ParseZoneOptions, what: string): void {
  const expected = referenceParse(file, text, options);
  const actual = parseZoneText(file, text, options);
  // JSON as well: it also compares key order, which the output formats show.
  assert.equal(JSON.stringify(actual), JSON.stringify(expected), what);
  assert.deepEqual(actual, expected, what);
}

const OWNERS = ['@', 'www', 'WWW.Sub', 'abs.other.test.', '*', '*.wild', 'a\\.b', 'x\\046y', '\\065bc', '.', '..', 'tail..', '"q"', '"@"', 'é', '\uD800x', 'a\u00A0', '\u000Bv', '$odd', ''];
const TTLS = ['', '300', '1h30m', '2W', '0', '2147483648', '1x', '99999999999999999999'];
const CLASSES = ['', 'IN', 'in', 'CH', 'hs', 'CS', 'XX'];
const TYPES = ['A', 'a', 'AAAA', 'MX', 'TXT', 'CNAME', 'PTR', 'NS', 'SOA', 'SRV', 'caa', 'TYPE65534', 'TYPEX', 'BOGUS', '"A"', 'Aaaa'];
const IPV4 = ['192.0.2.1', '192.0.2.300', '192.0.02.1', '192.0.2', '192.0.2.1.5', '198.51.100.0', '203.0.113.255', '192.0.2.1/24', ' 192.0.2.1', '١٩٢.0.2.1'];
// Documentation and loopback addresses only, written in every way a zone might (and some it must not).
const IPV6 = [
  '2001:db8::1', '2001:DB8:0:0:0:0:0:1', '::1', '0:0:0:0:0:0:0:1', '::ffff:192.0.2.1', '2001:db8::192.0.2.1', '2001:db8::1%eth0', '2001:db8::/32',
  '2001:db8:1:2:3:4:5:6:7', '2001:db8::1::2', '2001:db8:00001::', '2001:db8::g', ':2001:db8::', '2001:db8:0:1:0:0:0:1', '2001:db8:0:0:1:0:0:0',
  '2001:db8:1:2:3:4:5::', '2001:db8::1:2:3:4:5:6', '2001:db8:0:0:1::',
];
const NAMES = ['@', 'target', 'Target.Example.', 'x\\032y.', '"quoted"', '.', 'a.b.c.d.e.f'];
const TXTS = ['"v=spf1 -all"', 'plain', '"a;b"', '"with \\"quote\\""', '"\\065\\066"', '"é ü"', `"${'x'.repeat(255)}"`, `"${'y'.repeat(256)}"`, `"${'é'.repeat(128)}"`, '"\uD83D\uDE00"', '"\\999"', '""'];

function rdataFor(type: string, r: Rng): string {
  switch (type.replace(/"/g, '').toUpperCase()) {
    case 'A': return r.chance(0.9) ? r.pick(IPV4) : `${r.pick(IPV4)} ${r.pick(IPV4)}`;
    case 'AAAA': return r.chance(0.3) ? randomHexColons(r) : r.pick(IPV6);
    case 'MX': return `${r.pick(['10', '0', '65535', '65536', 'x', '-1'])} ${r.pick(NAMES)}${r.chance(0.1) ? ' extra' : ''}`;
    case 'TXT': return Array.from({ length: r.int(4) }, () => r.pick(TXTS)).join(' ');
    case 'SOA': {
      const fields = [r.pick(NAMES), r.pick(NAMES), r.pick(['1', '4294967295', '4294967296', '1h']), r.pick(TTLS) || '2', '3', '4w', '5'];
      return r.chance(0.5) ? `( ${fields.slice(0, 3).join(' ')} ; serial\n  ${fields.slice(3, 3 + r.int(5)).join(' ')} )` : fields.join(' ');
    }
    default: return r.chance(0.8) ? r.pick(NAMES) : `${r.pick(NAMES)} ${r.pick(NAMES)}`;
  }
}

/** 2001:db8:: followed by groups of 0..5 hex digits (zeros often) joined by colons: valid and almost valid IPv6. */
function randomHexColons(r: Rng): string {
  const hex = '0000123456789abcdefABCDEF';
  const group = () => Array.from({ length: r.int(6) }, () => hex[r.int(hex.length)]).join('');
  return [r.pick(['2001:db8', '2001:DB8', '2001:0db8']), ...Array.from({ length: r.int(8) }, group)].join(':');
}

function generatedEntry(r: Rng): string {
  const roll = r.int(20);
  if (roll === 0) return `$ORIGIN ${r.pick(['example.test.', 'sub', 'Other.TEST.', '@', '.', 'a\\.b.', 'x\\046'])}`;
  if (roll === 1) return `$TTL ${r.pick(TTLS)}`;
  if (roll === 2) return `$INCLUDE ${r.pick(['hosts.inc', 'loop.inc', 'nested.inc', 'missing.inc', '"/z/inc/hosts.inc"'])}${r.chance(0.4) ? ` ${r.pick(NAMES)}` : ''}`;
  if (roll === 3) return r.pick(['$GENERATE 1-10 h$ A 192.0.2.$', '$odd thing', '; only a comment', '', '   ', ')', '( unbalanced']);
  const owner = r.chance(0.2) ? ' ' : r.pick(OWNERS);
  const type = r.pick(TYPES);
  const parts = [owner, r.pick(TTLS), r.pick(CLASSES), type, rdataFor(type, r)];
  if (r.chance(0.3)) [parts[1], parts[2]] = [parts[2], parts[1]];
  let entry = parts.filter((p, i) => p !== '' || i === 0).join(r.pick([' ', '\t', '  ']));
  if (r.chance(0.1)) entry += ' ; trailing comment';
  if (r.chance(0.05)) entry = entry.replace(' ', ' (\n ') + ' )';
  return entry;
}

function generatedZone(r: Rng): string {
  const head = r.chance(0.7) ? '$ORIGIN example.test.\n@ IN SOA ns hostmaster 1 2h 15m 2w 300\n' : '';
  const lines = Array.from({ length: 1 + r.int(25) }, () => generatedEntry(r));
  return head + lines.join(r.pick(['\n', '\n', '\r\n', '\r'])) + (r.chance(0.8) ? '\n' : '');
}

describe('zone parser equivalence with the parser of b6f179d', () => {
  it('the known zone files parse the same', () => {
    assert.ok(KNOWN_ZONES.length >= 10, 'test zones found');
    for (const z of KNOWN_ZONES) for (const o of OPTION_SETS) assertSameParse(z.path, z.text, o, z.path);
  });

  it('mutants of the known zone files parse the same', () => {
    for (let seed = 1; seed <= 600; seed++) {
      const r = rng(seed);
      const base = KNOWN_ZONES[seed % KNOWN_ZONES.length];
      const m = mutate(base.text, r);
      assertSameParse('/z/m.zone', m.text, OPTION_SETS[seed % OPTION_SETS.length], `seed ${seed} (${m.ops.join(', ')}) of ${base.path}`);
    }
  });

  it('generated zones parse the same', () => {
    for (let seed = 1; seed <= 3000; seed++) {
      const text = generatedZone(rng(seed));
      assertSameParse('/z/gen.zone', text, OPTION_SETS[seed % OPTION_SETS.length], `generated seed ${seed}:\n${text}`);
    }
  });

  it('IPv6 literals of hex digits and colons get the canonical text ip-address gives', () => {
    const r = rng(7);
    for (let n = 0; n < 20000; n++) {
      const text = n < IPV6.length ? IPV6[n] : randomHexColons(r);
      const expected = Address6.isValid(text) && !text.includes('/') && !text.includes('%') ? new Address6(text).correctForm() : undefined;
      const actual = text.includes('/') || text.includes('%') ? undefined : canonicalIpv6(text);
      assert.equal(actual, expected, text);
    }
  });
});
