import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { createDnsView } from '../../../server/src/dns/view';
import { loadZoneText } from '../../../server/src/dns/zones';
import { expandMacros, parseSpfRecord } from '../../../server/src/dns/spf';
import { parseIp } from '../../../server/src/dns/names';
import type { DnsView } from '../../../server/src/dns/types';
import { fixtureZones, SPF_CASES } from './helpers';


describe('SPF (RFC 7208) over zone files', () => {
  let view: DnsView;
  before(async () => {
    view = createDnsView({ mode: 'off', zones: await fixtureZones() });
  });

  for (const [ip, domain, verdict] of SPF_CASES) {
    it(`${ip} for ${domain} → ${verdict}`, async () => {
      const r = await view.spf(ip, domain);
      assert.equal(r.verdict, verdict, r.chain.join('\n'));
    });
  }

  it('carries the chain and the deciding records', async () => {
    const r = await view.spf('2001:db8:2::5', 'spf.test');
    assert.deepEqual(r.records.map((x) => x.name), ['spf.test', 'inc1.spf.test', 'inc2.spf.test']);
    assert.ok(r.records.every((x) => x.at));
    assert.ok(r.chain.some((s) => s.includes('matched ip6:2001:db8:2::/64 → pass')));
    const limit = await view.spf('203.0.113.11', 'limit.spf.test');
    assert.match(limit.detail!, /more than 10 DNS-querying terms/);
    const loop = await view.spf('192.0.2.1', 'loop.spf.test');
    assert.match(loop.detail!, /loop/);
    const t = await view.spf('192.0.2.1', 'outside.invalid');
    assert.match(t.detail!, /outside-zones/);
  });

  it('stops at the 10th lookup: 10 includes pass, the 11th is a permerror', async () => {
    const incs = (n: number) => Array.from({ length: n }, (_, i) => `include:l${i + 1}.spf.test`).join(' ');
    const all = await fixtureZones();
    all.replace(loadZoneText('/z/ten.test.zone', `@ SOA ns h 1 2 3 4 5\n@ TXT "v=spf1 ${incs(10)} -all"\n`));
    const v = createDnsView({ mode: 'off', zones: all });
    assert.equal((await v.spf('203.0.113.10', 'ten.test')).verdict, 'pass');
    assert.equal((await v.spf('203.0.113.11', 'limit.spf.test')).verdict, 'permerror');
  });

  it('an ip6 term never matches an IPv4 client, even written as an IPv4-mapped network', async () => {
    const all = await fixtureZones();
    all.replace(loadZoneText('/z/mapped.test.zone', '@ SOA ns h 1 2 3 4 5\n@ TXT "v=spf1 ip6:::ffff:192.0.2.0/120 -all"\nw TXT "v=spf1 ip6:::ffff:192.0.2.0/24 ip4:198.51.100.0/24 -all"\n'));
    const v = createDnsView({ mode: 'off', zones: all });
    assert.equal((await v.spf('192.0.2.1', 'mapped.test')).verdict, 'fail');
    assert.equal((await v.spf('::ffff:192.0.2.1', 'mapped.test')).verdict, 'fail');
    assert.equal((await v.spf('192.0.2.1', 'w.mapped.test')).verdict, 'fail');
    assert.equal((await v.spf('198.51.100.7', 'w.mapped.test')).verdict, 'pass');
    assert.equal((await v.spf('2001:db8::1', 'mapped.test')).verdict, 'fail');
  });

  it('a record text read again gives the same verdicts, a broken one the same permerror', async () => {
    const all = await fixtureZones();
    all.replace(
      loadZoneText(
        '/z/same.test.zone',
        '@ SOA ns h 1 2 3 4 5\na TXT "v=spf1 ip4:192.0.2.0/25 ip6:2001:db8:7::/48 -all"\nb TXT "v=spf1 ip4:192.0.2.0/25 ip6:2001:db8:7::/48 -all"\nbad TXT "v=spf1 ip4:192.0.2.0/33 -all"\nbad2 TXT "v=spf1 ip4:192.0.2.0/33 -all"\n',
      ),
    );
    const v = createDnsView({ mode: 'off', zones: all });
    const verdicts = [];
    for (const [ip, domain] of [['192.0.2.1', 'a.same.test'], ['192.0.2.200', 'b.same.test'], ['2001:db8:7::25', 'b.same.test'], ['2001:db8:8::25', 'a.same.test'], ['192.0.2.2', 'a.same.test']]) {
      verdicts.push((await v.spf(ip, domain)).verdict);
    }
    assert.deepEqual(verdicts, ['pass', 'fail', 'pass', 'fail', 'pass']);
    const broken = [await v.spf('192.0.2.1', 'bad.same.test'), await v.spf('192.0.2.9', 'bad2.same.test'), await v.spf('192.0.2.1', 'bad.same.test')];
    for (const r of broken) {
      assert.equal(r.verdict, 'permerror');
      assert.match(r.detail!, /bad CIDR length \/33 in 'ip4:192.0.2.0\/33'/);
      assert.match(r.chain[r.chain.length - 1], /^permerror: bad CIDR length/);
    }
  });

  it('parses mechanisms strictly', () => {
    assert.throws(() => parseSpfRecord('v=spf1 foo -all'));
    assert.throws(() => parseSpfRecord('v=spf1 ip4:192.0.2.0/33'));
    assert.throws(() => parseSpfRecord('v=spf1 redirect=a.test redirect=b.test'));
    assert.throws(() => parseSpfRecord('v=spf1 include'));
    const p = parseSpfRecord('v=spf1 a:x.test/24//64 mx//48 ip6:2001:db8::/32 unknown-mod=x ~all');
    assert.deepEqual(p.directives.map((d) => d.mechanism.kind), ['a', 'mx', 'ip6', 'all']);
  });

  it('expands macros', () => {
    const ctx = { ip: parseIp('2001:db8::cb01')!, sender: 'postmaster@example.test' };
    assert.equal(expandMacros('%{ir}.%{v}._spf.%{d2}', ctx, 'a.b.example.test'), '1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.test');
    const v4 = { ip: parseIp('192.0.2.3')!, sender: 'postmaster@example.test' };
    assert.equal(expandMacros('%{l}.%{o}.%{i}%%%_%-', v4, 'x.test'), 'postmaster.example.test.192.0.2.3% %20');
    assert.equal(expandMacros('%{s}', v4, 'x.test'), 'postmaster@example.test');
  });
});
