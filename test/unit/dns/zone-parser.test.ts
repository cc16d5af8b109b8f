import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseZoneText, parseTtl } from '../../../server/src/dns/zone-parser';
import { loadZoneFileSync, loadZoneText, originFromFileName, globToRegExp, ZoneSet, findZoneFiles } from '../../../server/src/dns/zones';
import type { DnsRecord } from '../../../server/src/dns/types';
import { FIXTURES } from '../../support/paths';

const F = '/zones/t.zone';
const brief = (r: DnsRecord) => `${r.name} ${r.ttl} ${r.type} ${JSON.stringify(r.data)}`;

describe('zone parser', () => {
  it('handles $ORIGIN, $TTL, @, relative and absolute names, blank owners', () => {
    const p = parseZoneText(F, [
      '$ORIGIN Example.TEST.',
      '$TTL 1h',
      '@ IN SOA ns hostmaster 1 2h 15m 2w 300',
      '  IN NS ns',
      'ns 60 A 192.0.2.1',
      '   IN 120 AAAA 2001:DB8:0::1',
      'abs.other.test. A 192.0.2.2',
      '$ORIGIN sub',
      'x CNAME @',
    ].join('\n'));
    assert.deepEqual(p.errors, []);
    assert.deepEqual(p.records.map(brief), [
      'example.test 3600 SOA {"mname":"ns.example.test","rname":"hostmaster.example.test","serial":1,"refresh":7200,"retry":900,"expire":1209600,"minimum":300}',
      'example.test 3600 NS "ns.example.test"',
      'ns.example.test 60 A "192.0.2.1"',
      'ns.example.test 120 AAAA "2001:db8::1"',
      'abs.other.test 3600 A "192.0.2.2"',
      'x.sub.example.test 3600 CNAME "sub.example.test"',
    ]);
  });

  it('joins parentheses across lines, ignores comments (also inside parentheses), keeps ; inside quotes', () => {
    const p = parseZoneText(F, [
      '$ORIGIN example.test.',
      '@ 300 IN SOA ns.example.test. h.example.test. ( ; comment',
      '   1 ; serial',
      '   2 3 4',
      '   5 )',
      't TXT ( "v=spf1 ip4:192.0.2.0/24 "   ; first part',
      '        "-all" )',
      'u TXT "a;b" plain "with \\"quote\\"" "\\065\\066"',
    ].join('\r\n'));
    assert.deepEqual(p.errors, []);
    const soa = p.records[0];
    assert.equal(soa.type, 'SOA');
    assert.deepEqual(soa.type === 'SOA' && soa.data, { mname: 'ns.example.test', rname: 'h.example.test', serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 5 });
    assert.deepEqual(p.records[1].data, ['v=spf1 ip4:192.0.2.0/24 ', '-all']);
    assert.deepEqual(p.records[2].data, ['a;b', 'plain', 'with "quote"', 'AB']);
    // The record's location spans from its owner to its last token, across lines.
    assert.deepEqual(p.records[1].at!.range, { start: { line: 5, character: 0 }, end: { line: 6, character: 14 } });
  });

  it('ends comments, quoted strings and other tokens each at their own characters', () => {
    const p = parseZoneText(F, [
      '; a comment with "a quote and a backslash \\',
      '$ORIGIN example.test.',
      'a TXT x"y" ; "not a string',
      '; only a comment: the next line\'s blank owner is still a',
      '  TXT ( "two',
      'lines" ) "\\"" z\\ y',
    ].join('\n'));
    assert.deepEqual(p.errors, []);
    assert.deepEqual(p.records.map(brief), ['a.example.test 3600 TXT ["x","y"]', 'a.example.test 3600 TXT ["two\\nlines","\\"","z y"]']);
  });

  it('reports a stray and an unclosed parenthesis once each, and still loads their entries', () => {
    const p = parseZoneText(F, ['$ORIGIN example.test.', 'a A 192.0.2.1 )', 'b TXT "" "x" ( "y"', '   "z"'].join('\n'));
    assert.deepEqual(p.records.map(brief), ['a.example.test 3600 A "192.0.2.1"', 'b.example.test 3600 TXT ["","x","y","z"]']);
    const at = (line: number, s: number, e: number) => ({ file: F, range: { start: { line, character: s }, end: { line, character: e } } });
    assert.deepEqual(p.errors, [
      { message: "')' without '('", at: at(1, 14, 15), severity: 'error' },
      { message: "'(' without ')'", at: at(2, 13, 14), severity: 'error' },
    ]);
    // An open parenthesis joins the rest of the file into one entry, reported at the parenthesis.
    const open = parseZoneText(F, ['$ORIGIN example.test.', 'a TXT ( "x"', ' "y" ', 'b A 192.0.2.1'].join('\r\n'));
    assert.deepEqual(open.records.map(brief), ['a.example.test 3600 TXT ["x","y","b","A","192.0.2.1"]']);
    assert.deepEqual(open.errors.map((e) => [e.message, e.at]), [["'(' without ')'", at(1, 6, 7)]]);
  });

  it('reports errors with exact locations and keeps loading the rest', () => {
    const text = [
      '$ORIGIN example.test.',
      'a A 192.0.2.300',
      'b AAAA not-an-address',
      'c MX 70000 mail',
      'd BOGUS data',
      'e A 192.0.2.5',
      `f TXT "${'x'.repeat(256)}"`,
      'g A 192.0.2.6 extra',
      'h TXT "unterminated',
      'i A 192.0.2.7',
    ].join('\n');
    const p = parseZoneText(F, text);
    assert.deepEqual(p.records.map((r) => r.name), ['e.example.test', 'i.example.test']);
    const at = (line: number, s: number, e: number) => ({ file: F, range: { start: { line, character: s }, end: { line, character: e } } });
    const byLine = [...p.errors].sort((a, b) => a.at.range.start.line - b.at.range.start.line);
    assert.deepEqual(byLine.map((e) => e.at), [at(1, 4, 15), at(2, 7, 21), at(3, 5, 10), at(4, 2, 7), at(6, 6, 264), at(7, 14, 19), at(8, 6, 19)]);
    assert.match(byLine[0].message, /not an IPv4 address/);
    assert.match(byLine[3].message, /unknown record type 'BOGUS'/);
    assert.match(byLine[4].message, /at most 255/);
    assert.match(byLine[6].message, /unterminated/);
  });

  it('needs an origin for relative names; the file name supplies one', () => {
    const p = parseZoneText(F, 'www A 192.0.2.1\n');
    assert.equal(p.records.length, 0);
    assert.match(p.errors[0].message, /no \$ORIGIN/);
    assert.equal(originFromFileName('/x/example.test.zone'), 'example.test');
    assert.equal(originFromFileName('/x/db.example.test'), 'example.test');
    assert.equal(originFromFileName('/x/my.zone'), undefined);
    const loaded = loadZoneText('/x/example.test.zone', '@ SOA ns h 1 2 3 4 5\nwww A 192.0.2.1\n');
    assert.deepEqual(loaded.errors, []);
    assert.equal(loaded.zones[0].apex, 'example.test');
  });

  it('keeps types it does not model as proof the name exists', () => {
    const p = parseZoneText(F, '$ORIGIN example.test.\n_sip._tcp SRV 0 5 5060 sip\nx CAA 0 issue "ca.example"\n');
    assert.deepEqual(p.errors, []);
    assert.deepEqual(p.others.map((o) => `${o.name} ${o.type}`), ['_sip._tcp.example.test SRV', 'x.example.test CAA']);
  });

  it('parses TTL units', () => {
    assert.equal(parseTtl('3600'), 3600);
    assert.equal(parseTtl('1h30m'), 5400);
    assert.equal(parseTtl('1W'), 604800);
    assert.equal(parseTtl('1x'), undefined);
  });

  it('reads $INCLUDE relative to the including file, with an optional origin, and reports missing ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zone-inc-'));
    try {
      writeFileSync(join(dir, 'main.zone'), '$ORIGIN example.test.\n@ SOA ns h 1 2 3 4 5\n$INCLUDE parts/hosts.inc\n$INCLUDE parts/sub.inc sub.example.test.\n$INCLUDE missing.inc\nafter A 192.0.2.9\n');
      require('node:fs').mkdirSync(join(dir, 'parts'));
      writeFileSync(join(dir, 'parts/hosts.inc'), 'h1 A 192.0.2.1\n');
      writeFileSync(join(dir, 'parts/sub.inc'), 'h2 A 192.0.2.2\n$INCLUDE hosts.inc\n');
      const loaded = loadZoneFileSync(join(dir, 'main.zone'));
      const names = loaded.zones[0].records.map((r) => r.name);
      assert.deepEqual(names, ['example.test', 'h1.example.test', 'h2.sub.example.test', 'h1.sub.example.test', 'after.example.test']);
      assert.equal(loaded.errors.length, 1);
      assert.match(loaded.errors[0].message, /missing\.inc: file not found/);
      assert.equal(loaded.errors[0].at.range.start.line, 4);
      assert.deepEqual(loaded.files.map((f) => f.slice(dir.length)), ['/main.zone', '/parts/hosts.inc', '/parts/sub.inc', '/parts/hosts.inc']);
      const h1 = loaded.zones[0].records.find((r) => r.name === 'h1.example.test')!;
      assert.equal(h1.at!.file, join(dir, 'parts/hosts.inc'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('detects $INCLUDE loops', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zone-loop-'));
    try {
      writeFileSync(join(dir, 'a.zone'), '$ORIGIN example.test.\n@ SOA ns h 1 2 3 4 5\n$INCLUDE b.inc\n');
      writeFileSync(join(dir, 'b.inc'), '$INCLUDE a.zone\n');
      const loaded = loadZoneFileSync(join(dir, 'a.zone'));
      assert.match(loaded.errors[0].message, /loop/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loads the fixtures without errors', () => {
    for (const f of ['example.test.zone', 'spf.test.zone', '8.b.d.0.1.0.0.2.ip6.arpa.zone', '2.0.192.in-addr.arpa.zone']) {
      assert.deepEqual(loadZoneFileSync(join(FIXTURES, 'dns', f)).errors, [], f);
    }
  });

  it('several SOAs in one file make several zones; records outside every apex are reported', () => {
    const loaded = loadZoneText('/x/s.zone', '$ORIGIN a.test.\n@ SOA ns h 1 2 3 4 5\nw A 192.0.2.1\n$ORIGIN b.test.\n@ SOA ns h 1 2 3 4 5\nw A 192.0.2.2\nstray.c.test. A 192.0.2.3\n');
    assert.deepEqual(loaded.zones.map((z) => z.apex), ['a.test', 'b.test']);
    assert.equal(loaded.errors.length, 1);
    assert.match(loaded.errors[0].message, /outside the zone/);
  });

  it('finds zone files by glob', async () => {
    assert.ok(globToRegExp('**/*.zone').test('a/b/c.zone'));
    assert.ok(globToRegExp('**/*.zone').test('c.zone'));
    assert.ok(!globToRegExp('**/*.zone').test('c.zone.bak'));
    assert.ok(globToRegExp('dns/{db.*,*.zone}').test('dns/db.example.test'));
    const found = await findZoneFiles(join(FIXTURES, 'dns'));
    assert.equal(found.length, 4);
  });

  it('ZoneSet replaces a file on reload and notifies', () => {
    const set = new ZoneSet();
    let changes = 0;
    set.onDidChange(() => changes++);
    set.replace(loadZoneText('/x/example.test.zone', '@ SOA ns h 1 2 3 4 5\nw A 192.0.2.1\n'));
    assert.equal(set.lookup('w.example.test', 'A').kind, 'records');
    set.replace(loadZoneText('/x/example.test.zone', '@ SOA ns h 1 2 3 4 5\nv A 192.0.2.1\n'));
    assert.equal(set.lookup('w.example.test', 'A').kind, 'nxdomain');
    set.remove('/x/example.test.zone');
    assert.equal(set.lookup('w.example.test', 'A').kind, 'outside');
    assert.equal(changes, 3);
  });
});
