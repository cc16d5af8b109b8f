import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DnsCache, defaultCachePath } from '../../../server/src/dns/cache';
import type { CacheEntry } from '../../../server/src/dns/cache';
import { createDnsView } from '../../../server/src/dns/view';
import { loadZoneText, ZoneSet } from '../../../server/src/dns/zones';

const dir = mkdtempSync(join(tmpdir(), 'dns-cache-'));
const T0 = 1_700_000_000_000;

const entry = (over: Partial<CacheEntry> = {}): CacheEntry => ({
  name: 'mail.example.test',
  type: 'AAAA',
  status: 'records',
  records: [{ name: 'mail.example.test', type: 'AAAA', ttl: 300, data: '2001:db8::25' }],
  chain: [],
  fetchedAt: T0,
  ttl: 300,
  server: '127.0.0.1',
  ...over,
});

describe('DNS cache', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('saves atomically and loads back; freshness follows the TTL', async () => {
    const path = join(dir, 'sub', 'dns-cache.json');
    let now = T0 + 10_000;
    const c = new DnsCache(path, { now: () => now });
    c.put(entry());
    c.put(entry({ name: 'nx.example.test', type: 'A', status: 'nxdomain', records: [], ttl: 60 }));
    await c.save();
    assert.deepEqual(readdirSync(join(dir, 'sub')), ['dns-cache.json']); // no temp file left
    const d = await DnsCache.load(path, { now: () => now });
    assert.equal(d.size, 2);
    assert.equal(d.discarded, undefined);
    assert.deepEqual(d.get('Mail.Example.Test.', 'AAAA')!.fresh, true);
    assert.equal(d.get('nx.example.test', 'A')!.entry.status, 'nxdomain');
    now = T0 + 400_000;
    const hit = d.get('mail.example.test', 'AAAA')!;
    assert.equal(hit.fresh, false);
    assert.equal(hit.age, 400);
  });

  it('discards corrupt, foreign and other-version files without failing', async () => {
    const cases: [string, RegExp][] = [
      ['{not json', /not JSON/],
      ['{"some":"other tool"}', /not an infra-review/],
      ['{"format":"infra-review-dns-cache","version":99,"entries":[]}', /version 99/],
    ];
    const now = () => T0;
    for (const [text, why] of cases) {
      const path = join(dir, 'bad.json');
      writeFileSync(path, text);
      const c = await DnsCache.load(path, { now });
      assert.equal(c.size, 0);
      assert.match(c.discarded!, why);
      c.put(entry());
      await c.save(); // overwrites the bad file
      assert.equal((await DnsCache.load(path, { now })).size, 1);
    }
    // Bad entries are dropped one by one.
    const path = join(dir, 'mixed.json');
    writeFileSync(path, JSON.stringify({ format: 'infra-review-dns-cache', version: 1, entries: [entry(), { name: 1 }, entry({ name: 'x.example.test', records: [{ name: 'x', type: 'MX', ttl: 1, data: 'nope' }] as never })] }));
    assert.equal((await DnsCache.load(path)).size, 1);
    assert.equal((await DnsCache.load(join(dir, 'missing.json'))).discarded, undefined);
  });

  it('default location follows XDG_CACHE_HOME', () => {
    assert.equal(defaultCachePath({ XDG_CACHE_HOME: '/xdg' }), '/xdg/infra-review/dns-cache.json');
    assert.match(defaultCachePath({}), /\.cache\/infra-review\/dns-cache\.json$/);
  });

  it('mode cache answers from entries of any age, marking their age; zones shadow the cache', async () => {
    const cache = new DnsCache(undefined, { now: () => T0 + 86_400_000 });
    cache.put(entry());
    cache.put(entry({ name: 'shadowed.example.org', type: 'A', records: [{ name: 'shadowed.example.org', type: 'A', ttl: 300, data: '192.0.2.99' }] }));
    const zones = ZoneSet.of(loadZoneText('/z/example.org.zone', '@ SOA ns h 1 2 3 4 5\nshadowed A 192.0.2.1\n'));
    const view = createDnsView({ mode: 'cache', zones, cache });
    const a = await view.query('mail.example.test', 'AAAA');
    assert.equal(a.status, 'records');
    assert.deepEqual(a.status === 'records' && a.source, { kind: 'cache', fetchedAt: T0, server: '127.0.0.1' });
    const s = await view.query('shadowed.example.org', 'A');
    assert.equal(s.status === 'records' && s.records[0].data, '192.0.2.1');
    const miss = await view.query('other.example.test', 'A');
    assert.equal(miss.status === 'unknown' && miss.reason, 'disabled');
  });

  it('mode live serves a stale entry when the resolver cannot answer', async () => {
    const cache = new DnsCache(undefined, { now: () => T0 + 86_400_000 });
    cache.put(entry());
    // Port 9 on loopback: nothing listens, the connected UDP socket reports it refused → offline.
    const view = createDnsView({ mode: 'live', zones: new ZoneSet(), cache, resolvers: ['127.0.0.1:9'], timeoutMs: 300 });
    const a = await view.query('mail.example.test', 'AAAA');
    assert.equal(a.status === 'records' && a.source.kind, 'cache');
    const b = await view.query('unseen.example.test', 'AAAA');
    assert.equal(b.status, 'unknown');
    assert.ok(b.status === 'unknown' && (b.reason === 'offline' || b.reason === 'timeout'), JSON.stringify(b));
  });

  it('drops long-stale entries on save', async () => {
    const path = join(dir, 'prune.json');
    const c = new DnsCache(path, { now: () => T0 + 31 * 86_400_000 });
    c.put(entry());
    c.put(entry({ name: 'recent.example.test', fetchedAt: T0 + 30 * 86_400_000 }));
    await c.save();
    assert.deepEqual((await DnsCache.load(path)).all().map((e) => e.name), ['recent.example.test']);
  });

  it('a saved file holds plain records (no source locations)', async () => {
    const path = join(dir, 'from-view.json');
    const c = new DnsCache(path, { now: () => T0 });
    c.put(entry());
    await c.save();
    const json = JSON.parse(readFileSync(path, 'utf8'));
    assert.equal(json.format, 'infra-review-dns-cache');
    assert.equal(json.entries[0].records[0].at, undefined);
  });
});
