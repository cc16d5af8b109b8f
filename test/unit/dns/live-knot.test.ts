/**
 * The live path against a real authoritative server (knotd on 127.0.0.1) serving the very zone
 * files the offline tests read: both paths must give the same answers. Only loopback is queried.
 */
import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDnsView } from '../../../server/src/dns/view';
import type { ManagedDnsView } from '../../../server/src/dns/view';
import { DnsCache } from '../../../server/src/dns/cache';
import { exchange } from '../../../server/src/dns/client';
import { ZoneSet } from '../../../server/src/dns/zones';
import { startKnot, type KnotServer } from '../../support/knot';
import { toolOrSkip } from '../../support/tools';
import { comparable, FIXTURE_INCLUDES, FIXTURE_ZONES, fixtureZones, QUESTIONS, SPF_CASES } from './helpers';

const knotd = toolOrSkip('knotd', 'knot');

describe('live DNS (knotd on loopback) gives the answers the zone files give', { skip: knotd.skip }, () => {
  let knot: KnotServer;
  let zoneView: ManagedDnsView;
  let liveView: ManagedDnsView;
  const cacheDir = mkdtempSync(join(tmpdir(), 'dns-live-cache-'));

  before(async () => {
    knot = await startKnot(knotd.path!, FIXTURE_ZONES, { extraFiles: FIXTURE_INCLUDES });
    zoneView = createDnsView({ mode: 'off', zones: await fixtureZones() });
    liveView = createDnsView({
      mode: 'live',
      zones: new ZoneSet(),
      cache: new DnsCache(join(cacheDir, 'dns-cache.json')),
      resolvers: [knot.address],
      timeoutMs: 3000,
    });
  });
  after(async () => {
    await knot?.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  for (const [name, type] of QUESTIONS) {
    it(`${name} ${type}`, async () => {
      const live = await liveView.query(name, type);
      const zone = await zoneView.query(name, type);
      assert.deepEqual(comparable(live), comparable(zone));
      if (live.status !== 'unknown') assert.equal(live.source.kind, 'live');
    });
  }

  it('the large TXT really needed TCP, and the cache answers it next time', async () => {
    const raw = await exchange([{ host: '127.0.0.1', port: knot.port, family: 4 }], 'big.example.test', 'TXT', { timeoutMs: 3000 });
    assert.equal(raw.kind === 'response' && raw.tcp, true);
    const hit = liveView.cache.get('big.example.test', 'TXT');
    assert.ok(hit?.fresh);
    const again = await liveView.query('big.example.test', 'TXT');
    assert.equal(again.status === 'records' && again.source.kind, 'cache');
  });

  it('negative answers are cached with the SOA minimum (RFC 2308)', async () => {
    await liveView.query('nope.example.test', 'A');
    const hit = liveView.cache.get('nope.example.test', 'A');
    assert.equal(hit?.entry.status, 'nxdomain');
    assert.equal(hit?.entry.ttl, 300);
  });

  it('reverse with forward confirmation', async () => {
    for (const ip of ['2001:db8::25', '192.0.2.25', '2001:db8::10', '2001:db8::99', '2001:db8::1']) {
      const live = await liveView.reverse(ip);
      const zone = await zoneView.reverse(ip);
      assert.equal(live.confirmed, zone.confirmed, ip);
      assert.deepEqual(live.names, zone.names, ip);
    }
  });

  for (const [ip, domain, verdict] of SPF_CASES) {
    if (domain.endsWith('.invalid')) continue; // knotd refuses names it does not serve: unknown either way
    it(`SPF ${ip} for ${domain} → ${verdict}`, async () => {
      const live = await liveView.spf(ip, domain);
      const zone = await zoneView.spf(ip, domain);
      assert.equal(live.verdict, verdict, live.chain.join('\n'));
      assert.deepEqual(live.chain, zone.chain);
    });
  }

  it('a CNAME to a name the server does not serve: unknown live, unknown offline', async () => {
    const live = await liveView.query('alias-out.example.test', 'A');
    const zone = await zoneView.query('alias-out.example.test', 'A');
    assert.equal(live.status, 'unknown');
    assert.equal(zone.status, 'unknown');
  });

  it('saves the cache and a cache-mode view answers from it without the server', async () => {
    await liveView.save();
    const cache = await DnsCache.load(join(cacheDir, 'dns-cache.json'));
    assert.ok(cache.size > 10);
    const offline = createDnsView({ mode: 'cache', zones: new ZoneSet(), cache });
    const a = await offline.query('mail.example.test', 'AAAA');
    assert.equal(a.status === 'records' && a.source.kind, 'cache');
    assert.deepEqual(comparable(a), comparable(await zoneView.query('mail.example.test', 'AAAA')));
  });
});

describe('a resolver that does not answer', () => {
  it('gives unknown(timeout) within the configured time', async () => {
    const mute = dgram.createSocket('udp4');
    await new Promise<void>((r) => mute.bind(0, '127.0.0.1', r));
    try {
      const timeoutMs = 500;
      const view = createDnsView({ mode: 'live', zones: new ZoneSet(), resolvers: [`127.0.0.1:${mute.address().port}`], timeoutMs });
      const start = Date.now();
      const [a, spf] = await Promise.all([view.query('mail.example.test', 'AAAA'), view.spf('192.0.2.1', 'example.test')]);
      const elapsed = Date.now() - start;
      assert.equal(a.status === 'unknown' && a.reason, 'timeout');
      assert.equal(spf.verdict, 'temperror');
      assert.ok(elapsed < timeoutMs + 700, `took ${elapsed} ms`);
    } finally {
      mute.close();
    }
  });
});
