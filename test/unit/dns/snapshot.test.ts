import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { writeSnapshot } from '../../../server/src/dns/snapshot';
import { createDnsView } from '../../../server/src/dns/view';
import { loadZoneText, ZoneSet } from '../../../server/src/dns/zones';
import type { DnsAnswer } from '../../../server/src/dns/types';
import { comparable, fixtureZones, QUESTIONS } from './helpers';

describe('dns snapshot writer', () => {
  it('reads back to identical answers (records, chains, nxdomain, nodata), names not asked stay unknown', async () => {
    const answers: DnsAnswer[] = [];
    const source = createDnsView({ mode: 'off', zones: await fixtureZones(), onAnswer: (a) => answers.push(a) });
    const questions = [...QUESTIONS, ['deep.nope.example.test', 'A'], ['nope.example.test', 'TXT'], ['x.y.z.nowhere.example.test', 'MX']] as const;
    for (const [n, t] of questions) await source.query(n, t);
    for (const ip of ['2001:db8::25', '192.0.2.25', '2001:db8::99']) await source.reverse(ip);
    await source.spf('2001:db8:beef::1', 'example.test');

    const text = writeSnapshot(answers, { generatedAt: new Date(0), comment: ['infra-review dns snapshot test'] });
    const loaded = loadZoneText('/snap/dns-snapshot.zone', text);
    assert.deepEqual(loaded.errors, [], text);
    const back = createDnsView({ mode: 'off', zones: ZoneSet.of(loaded) });
    for (const a of answers) {
      if (a.status === 'unknown') {
        // Not written (a CNAME loop here): reads back as unknown too.
        assert.equal((await back.query(a.name, a.type)).status, 'unknown');
        continue;
      }
      assert.deepEqual(comparable(await back.query(a.name, a.type)), comparable(a), `${a.name} ${a.type}\n${text}`);
    }
    assert.equal((await back.reverse('2001:db8::25')).confirmed, 'yes');
    assert.equal((await back.spf('2001:db8:beef::1', 'example.test')).verdict, 'pass');
    const unasked = await back.query('never-asked.other.test', 'A');
    assert.equal(unasked.status, 'unknown');
    assert.match(text, /^; infra-review DNS snapshot, written 1970-01-01T00:00:00.000Z/);
  });

  it('escapes TXT strings so they read back byte for byte', async () => {
    const tricky = ['quote " backslash \\ semicolon ; paren ( )', 'tab\tünïcode', 'x'.repeat(255)];
    const answer: DnsAnswer = {
      status: 'records', name: 't.example.test', type: 'TXT', chain: [],
      records: [{ name: 't.example.test', type: 'TXT', ttl: 60, data: tricky }],
      source: { kind: 'live', fetchedAt: 0, server: '127.0.0.1' },
    };
    const back = createDnsView({ mode: 'off', zones: ZoneSet.of(loadZoneText('/snap/s.zone', writeSnapshot([answer]))) });
    const a = await back.query('t.example.test', 'TXT');
    assert.deepEqual(a.status === 'records' && a.records[0].data, tricky);
  });

  it('lists unknown answers in a comment and does not write them', () => {
    const text = writeSnapshot([{ status: 'unknown', name: 'x.example.test', type: 'A', reason: 'timeout' }]);
    assert.match(text, /;\s+x\.example\.test A: timeout/);
    assert.equal(ZoneSet.of(loadZoneText('/snap/s.zone', text)).zones.length, 0);
  });
});
