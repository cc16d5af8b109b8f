import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { createDnsView } from '../../../server/src/dns/view';
import { loadZoneText, ZoneSet } from '../../../server/src/dns/zones';
import type { DnsView } from '../../../server/src/dns/types';
import { fixtureZones } from './helpers';

describe('DNS view from zone files (mode off)', () => {
  let view: DnsView;
  before(async () => {
    view = createDnsView({ mode: 'off', zones: await fixtureZones() });
  });

  it('answers records with their zone source and record location', async () => {
    const a = await view.query('Mail.Example.Test.', 'AAAA');
    assert.equal(a.status, 'records');
    if (a.status !== 'records') return;
    assert.deepEqual(a.records.map((r) => r.data), ['2001:db8::25']);
    assert.equal(a.records[0].ttl, 300);
    assert.equal(a.source.kind, 'zone');
    assert.ok(a.source.kind === 'zone' && a.source.file.endsWith('/example.test.zone'));
    assert.equal(a.source.kind === 'zone' && a.source.origin, 'example.test');
    assert.equal(a.records[0].at!.range.start.line, 15); // 0-based: line 16 of the file
  });

  it('distinguishes nxdomain and nodata (empty non-terminals and unmodelled types exist)', async () => {
    assert.equal((await view.query('nope.example.test', 'A')).status, 'nxdomain');
    assert.equal((await view.query('mail.example.test', 'MX')).status, 'nodata');
    assert.equal((await view.query('b.c.example.test', 'A')).status, 'nodata');
    assert.equal((await view.query('svc.example.test', 'A')).status, 'nodata');
  });

  it('follows CNAME chains, and reports loops as unknown', async () => {
    const a = await view.query('www.example.test', 'A');
    assert.equal(a.status, 'records');
    assert.deepEqual(a.chain.map((r) => `${r.name}>${r.data}`), ['www.example.test>web.example.test', 'web.example.test>mail.example.test']);
    assert.equal(a.status === 'records' && a.records[0].name, 'mail.example.test');
    const c = await view.query('www.example.test', 'CNAME');
    assert.equal(c.status === 'records' && c.records[0].data, 'web.example.test');
    const loop = await view.query('loop1.example.test', 'A');
    assert.equal(loop.status, 'unknown');
    assert.equal(loop.status === 'unknown' && loop.reason, 'loop');
  });

  it('says unknown(outside-zones) for names no zone covers, also at the end of a CNAME', async () => {
    const a = await view.query('mail.elsewhere.test', 'A');
    assert.equal(a.status === 'unknown' && a.reason, 'outside-zones');
    const b = await view.query('alias-out.example.test', 'A');
    assert.equal(b.status === 'unknown' && b.reason, 'outside-zones');
  });

  it('reads multi-string and TCP-sized TXT', async () => {
    const m = await view.query('multi.example.test', 'TXT');
    assert.deepEqual(m.status === 'records' && m.records.map((r) => r.data), [['hello', 'world'], ['second; not a comment']]);
    const big = await view.query('big.example.test', 'TXT');
    assert.equal(big.status === 'records' && (big.records[0].data as string[]).join('').length, 1600);
  });

  it('reverse: PTR in ip6.arpa nibble form and in-addr.arpa, with forward confirmation', async () => {
    const v6 = await view.reverse('2001:db8:0::25');
    assert.equal(v6.confirmed, 'yes');
    assert.deepEqual(v6.names, ['mail.example.test']);
    assert.equal(v6.ptr.name, '5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
    assert.equal((await view.reverse('192.0.2.25')).confirmed, 'yes');
    assert.equal((await view.reverse('::ffff:192.0.2.10')).confirmed, 'yes');
    const nomatch = await view.reverse('2001:db8::99');
    assert.equal(nomatch.confirmed, 'no');
    assert.deepEqual(nomatch.names, ['nomatch.example.test']);
    const none = await view.reverse('2001:db8::1');
    assert.equal(none.ptr.status, 'nxdomain');
    assert.equal(none.confirmed, 'no');
    // PTR exists but its name is outside every zone: cannot confirm.
    assert.equal((await view.reverse('192.0.2.26')).confirmed, 'unknown');
    assert.equal((await view.reverse('2001:db9::1')).confirmed, 'unknown');
    assert.equal((await view.reverse('not-an-ip')).ptr.status, 'unknown');
  });

  it('ptr: the PTR answer of reverse, without asking the names forward', async () => {
    for (const address of ['2001:db8:0::25', '192.0.2.25', '::ffff:192.0.2.10', '2001:db8::99', '2001:db8::1', '192.0.2.26', '2001:db9::1', 'not-an-ip']) {
      const asked: string[] = [];
      const v = createDnsView({ mode: 'off', zones: await fixtureZones(), onAnswer: (a) => asked.push(`${a.name} ${a.type}`) });
      const ptr = await v.ptr(address);
      assert.deepEqual(ptr, (await view.reverse(address)).ptr, address);
      assert.ok(asked.every((q) => q.endsWith(' PTR')), `${address}: ${asked.join(', ')}`);
    }
    const v6 = await view.ptr('2001:db8:0::25');
    assert.deepEqual(v6.status === 'records' && v6.records.map((r) => r.data), ['mail.example.test']);
  });

  it('makes no network I/O in modes off and cache', async () => {
    // The real module objects (the client reaches them through getters, so patching them is seen).
    const dgram = require('node:dgram') as Record<string, unknown>;
    const net = require('node:net') as Record<string, unknown>;
    const orig = { udp: dgram.createSocket, tcp: net.connect, tcp2: net.createConnection };
    const trap = () => {
      throw new Error('network I/O attempted');
    };
    Object.assign(dgram, { createSocket: trap });
    Object.assign(net, { connect: trap, createConnection: trap });
    try {
      for (const mode of ['off', 'cache'] as const) {
        const v = createDnsView({ mode, zones: await fixtureZones(), resolvers: ['127.0.0.1:9'] });
        assert.equal((await v.query('unlisted.invalid', 'A')).status, 'unknown');
        assert.equal((await v.spf('192.0.2.1', 'unlisted.invalid')).verdict, 'temperror');
        assert.equal((await v.reverse('198.51.100.1')).confirmed, 'unknown');
        assert.equal(v.resolver, undefined);
      }
    } finally {
      Object.assign(dgram, { createSocket: orig.udp });
      Object.assign(net, { connect: orig.tcp, createConnection: orig.tcp2 });
    }
  });
});

describe('zone semantics', () => {
  const zones = (text: string) => ZoneSet.of(loadZoneText('/z/example.test.zone', text));
  const soa = '@ SOA ns h 1 2 3 4 5\n';

  it('wildcards synthesize answers below the closest encloser only', async () => {
    const v = createDnsView({ mode: 'off', zones: zones(soa + '*.dyn A 192.0.2.7\nfixed.dyn A 192.0.2.8\n*.dyn TXT "w"\n') });
    const a = await v.query('anything.dyn.example.test', 'A');
    assert.equal(a.status === 'records' && a.records[0].name, 'anything.dyn.example.test');
    assert.equal(a.status === 'records' && a.records[0].data, '192.0.2.7');
    assert.equal((await v.query('fixed.dyn.example.test', 'TXT')).status, 'nodata');
    assert.equal((await v.query('x.y.dyn.example.test', 'A')).status, 'records');
    assert.equal((await v.query('other.example.test', 'A')).status, 'nxdomain');
  });

  it('a delegation below the apex is not answered by the parent zone', async () => {
    const v = createDnsView({ mode: 'off', zones: zones(soa + 'sub NS ns.sub\nns.sub A 192.0.2.53\n') });
    assert.equal((await v.query('host.sub.example.test', 'A')).status, 'unknown');
  });

  it('the deepest zone wins, and several files for one apex merge', async () => {
    const set = ZoneSet.of(
      loadZoneText('/z/example.test.zone', soa + 'a.sub A 192.0.2.1\n'),
      loadZoneText('/z/sub.example.test.zone', soa + 'b A 192.0.2.2\n'),
      loadZoneText('/z/more/sub.example.test.zone', soa + 'c A 192.0.2.3\n'),
    );
    const v = createDnsView({ mode: 'off', zones: set });
    assert.equal((await v.query('a.sub.example.test', 'A')).status, 'nxdomain');
    assert.equal((await v.query('b.sub.example.test', 'A')).status, 'records');
    const c = await v.query('c.sub.example.test', 'A');
    assert.ok(c.status === 'records' && c.source.kind === 'zone' && c.source.file === '/z/more/sub.example.test.zone');
  });

  it('a name the deepest zones delegate away is answered by a shallower zone; zones of one apex merge', async () => {
    const parent = loadZoneText('/z/test.zone', '$ORIGIN test.\n' + soa + 'host.sub.example A 192.0.2.9\nwww.example A 192.0.2.10\n');
    const delegating = loadZoneText('/z/example.test.zone', soa + 'sub NS ns.sub\nwww A 192.0.2.11\n');
    const sibling = loadZoneText('/z/other/example.test.zone', soa + 'www A 192.0.2.12\n');
    const root = loadZoneText('/z/root.zone', '$ORIGIN .\n@ SOA ns h 1 2 3 4 5\nelsewhere.invalid. A 192.0.2.13\n');
    const v = createDnsView({ mode: 'off', zones: ZoneSet.of(parent, delegating, root) });
    const host = await v.query('host.sub.example.test', 'A');
    assert.ok(host.status === 'records' && host.source.kind === 'zone' && host.source.origin === 'test');
    assert.equal((await v.query('elsewhere.invalid', 'A')).status, 'records');
    assert.equal((await v.query('nothing.invalid', 'A')).status, 'nxdomain');
    // A second file for the apex that does not delegate answers for it, before the parent.
    const merged = createDnsView({ mode: 'off', zones: ZoneSet.of(parent, delegating, sibling, root) });
    const below = await merged.query('host.sub.example.test', 'A');
    assert.ok(below.status === 'nxdomain' && below.source.kind === 'zone' && below.source.file === '/z/other/example.test.zone');
    const www = await merged.query('www.example.test', 'A');
    assert.deepEqual(www.status === 'records' && www.records.map((r) => r.data), ['192.0.2.11', '192.0.2.12']);
  });

  it('empty non-terminals are nodata, other missing names nxdomain, however deep and however the labels look', () => {
    const owners = [
      '0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0', '1.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.f.0.0.0.0.0.1.0',
      'a.b.c', 'b.c', 'x.a\\.b.c', 'deep.er.than.the.rest', 'e\\..x', '\\046lead', '@', 'ns', 'UPPER.case',
    ];
    const zone = ZoneSet.of(loadZoneText('/z/example.test.zone', soa + owners.map((o) => `${o} TXT "t"`).join('\n') + '\n')).zones[0];
    // The former definition: every owner and each of its ancestors up to the apex exists.
    const ownerNames = zone.records.map((r) => r.name);
    const existing = new Set([zone.apex]);
    for (const owner of ownerNames) {
      for (let n = owner; !existing.has(n); n = n.slice(n.indexOf('.') + 1)) {
        existing.add(n);
        if (n === zone.apex) break;
      }
    }
    const candidates = new Set([...existing, 'example.test', 'test', '', 'c.example.test', 'nothing.example.test', 'a.example.test', 'x.b.c.example.test']);
    for (const owner of ownerNames) for (let i = 0; i < owner.length; i++) candidates.add(owner.slice(i)).add(`z${owner.slice(i)}`);
    for (const name of candidates) {
      const kind = zone.lookup(name, 'A').kind;
      const inside = name === zone.apex || name.endsWith(`.${zone.apex}`);
      if (kind === 'outside') assert.ok(!inside, name);
      else assert.equal(kind, existing.has(name) ? 'nodata' : 'nxdomain', name);
    }
  });
});

describe('reverse', () => {
  const soa = '@ SOA ns h 1 2 3 4 5\n';

  it('confirms a PTR name whose A holds the address, for each address asked', async () => {
    const set = ZoneSet.of(
      loadZoneText('/z/2.0.192.in-addr.arpa.zone', soa + '7 PTR mail.example.test.\n8 PTR mail.example.test.\n9 PTR gone.example.test.\n'),
      loadZoneText('/z/example.test.zone', soa + 'mail A 192.0.2.7\n'),
    );
    const v = createDnsView({ mode: 'off', zones: set });
    assert.equal((await v.reverse('192.0.2.7')).confirmed, 'yes');
    assert.equal((await v.reverse('192.0.2.8')).confirmed, 'no');
    assert.equal((await v.reverse('::ffff:192.0.2.7')).confirmed, 'yes');
    const gone = await v.reverse('192.0.2.9');
    assert.deepEqual([gone.confirmed, gone.names], ['no', ['gone.example.test']]);
    const bad = await v.reverse('192.0.2.300');
    assert.equal(bad.ptr.status === 'unknown' && bad.ptr.reason, 'malformed');
  });
});

describe('zone set: the deepest zone covering a name answers', () => {
  const soa = '@ SOA ns h 1 2 3 4 5\n';
  // Apexes of several lengths, one nested in another with a delegation, and the root.
  const set = ZoneSet.of(
    loadZoneText('/z/root.zone', '$ORIGIN .\n' + soa + 'tld A 192.0.2.1\n'),
    loadZoneText('/z/test.zone', '$ORIGIN test.\n' + soa + 'x A 192.0.2.2\n'),
    loadZoneText('/z/example.test.zone', soa + 'mail A 192.0.2.3\nsub NS ns.elsewhere.test.\n'),
    loadZoneText('/z/a.example.test.zone', soa + 'www A 192.0.2.4\n'),
    loadZoneText('/z/8.b.d.0.1.0.0.2.ip6.arpa.zone', soa + '5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 PTR mail.example.test.\n'),
  );
  const origin = (name: string): string | undefined => {
    const r = set.lookup(name, 'A');
    return r.kind === 'outside' ? undefined : r.zone.apex;
  };

  it('picks the longest apex among the name\'s ancestors, skipping zones that delegate the name away', () => {
    assert.equal(origin('www.a.example.test'), 'a.example.test');
    assert.equal(origin('a.example.test'), 'a.example.test');
    assert.equal(origin('xa.example.test'), 'example.test'); // a suffix that is not at a label boundary
    assert.equal(origin('mail.example.test'), 'example.test');
    assert.equal(origin('host.sub.example.test'), 'test'); // delegated away by example.test
    assert.equal(origin('x.test'), 'test');
    assert.equal(origin('tld'), '');
    assert.equal(origin(''), '');
    assert.equal(origin('5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa'), '8.b.d.0.1.0.0.2.ip6.arpa');
    assert.equal(origin('0.0.2.ip6.arpa'), '');
    assert.equal(origin('Mail.Example.Test.'), 'example.test');
    assert.equal(set.lookup('mail.example.test', 'A').kind, 'records');
    assert.equal(set.lookup('5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa', 'PTR').kind, 'records');
  });

  it('without a root zone, a name under no apex is outside', () => {
    const noRoot = ZoneSet.of(loadZoneText('/z/example.test.zone', soa));
    assert.equal(noRoot.lookup('example.org', 'A').kind, 'outside');
    assert.equal(noRoot.lookup('test', 'A').kind, 'outside');
    assert.equal(noRoot.lookup('', 'A').kind, 'outside');
  });
});

describe('view answers from zones without waiting on I/O', () => {
  it('still returns promises, calls onAnswer once per answer, and rejects rather than throws', async () => {
    const seen: string[] = [];
    const zones = ZoneSet.of(loadZoneText('/z/example.test.zone', '@ SOA ns h 1 2 3 4 5\nmail A 192.0.2.7\nwww CNAME mail\n'));
    const v = createDnsView({ mode: 'off', zones, onAnswer: (a) => seen.push(`${a.name} ${a.type} ${a.status}`) });
    const p = v.query('www.example.test', 'A');
    assert.ok(p instanceof Promise);
    const a = await p;
    assert.deepEqual([a.status, a.status === 'records' && a.chain.length], ['records', 1]);
    await v.reverse('192.0.2.7');
    assert.deepEqual(seen, ['www.example.test A records', '7.2.0.192.in-addr.arpa PTR unknown']);
    const broken = createDnsView({ mode: 'off', zones: { lookupNormalized() { throw new Error('boom'); } } as unknown as ZoneSet });
    await assert.rejects(broken.query('a.example.test', 'A'), /boom/);
    await assert.rejects(broken.reverse('192.0.2.7'), /boom/);
  });
});

describe('SPF evaluations and the zones', () => {
  const zone = (spf: string) =>
    loadZoneText('/w/spf.test.zone', `$ORIGIN spf.test.\n$TTL 300\n@ IN SOA ns hostmaster 1 7200 900 1209600 300\n@ IN TXT "${spf}"\n@ IN MX 10 mx\nmx IN A 192.0.2.25\nmx IN AAAA 2001:db8::25\n`);

  it('ask each zone question once per zone-set version; onAnswer still sees every answer', async () => {
    const zones = ZoneSet.of(zone('v=spf1 mx -all'));
    const answers: string[] = [];
    const view = createDnsView({ mode: 'off', zones, onAnswer: (a) => answers.push(`${a.name} ${a.type}`) });
    const lookups: string[] = [];
    const lookup = zones.lookupNormalized.bind(zones);
    zones.lookupNormalized = (name, type) => (lookups.push(`${name} ${type}`), lookup(name, type));
    const first = await view.spf('192.0.2.25', 'spf.test');
    const again = await view.spf('192.0.2.99', 'spf.test');
    assert.equal(first.verdict, 'pass');
    assert.equal(again.verdict, 'fail');
    assert.deepEqual(lookups, ['spf.test TXT', 'spf.test MX', 'mx.spf.test A']);
    assert.deepEqual(answers, ['spf.test TXT', 'spf.test MX', 'mx.spf.test A', 'spf.test TXT', 'spf.test MX', 'mx.spf.test A']);
    // A changed zone is read again.
    zones.replace(zone('v=spf1 ip4:192.0.2.99 -all'));
    assert.equal((await view.spf('192.0.2.99', 'spf.test')).verdict, 'pass');
    assert.deepEqual(lookups.slice(3), ['spf.test TXT']);
    // Plain queries are not affected.
    await view.query('spf.test', 'TXT');
    assert.deepEqual(lookups.slice(4), ['spf.test TXT']);
  });
});
