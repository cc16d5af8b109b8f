/** The client's own query encoder and response reader agree with dns-packet (no network). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as dnsPacket from 'dns-packet';
import { encodeQuestion } from '../../../server/src/dns/client';
import { interpretResponse } from '../../../server/src/dns/resolver';
import type { DecodedResponse } from '../../../server/src/dns/client';
import { decodeResponse } from '../../../server/src/dns/wire';
import type { RRType } from '../../../server/src/dns/types';

const TYPES: RRType[] = ['A', 'AAAA', 'MX', 'TXT', 'CNAME', 'PTR', 'NS', 'SOA'];

function response(qtype: RRType, extra: dnsPacket.Answer[] = []): Buffer {
  return dnsPacket.encode({
    type: 'response',
    id: 7,
    flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_DESIRED,
    questions: [{ type: qtype, name: 'Www.Example.test', class: 'IN' }],
    answers: [
      { type: 'CNAME', name: 'www.example.test', ttl: 30, data: 'host.example.test' },
      { type: 'A', name: 'host.example.test', ttl: 60, data: '198.18.0.1' },
      { type: 'AAAA', name: 'host.example.test', ttl: 60, data: '2001:db8:0:0:1:0:0:1' },
      { type: 'AAAA', name: 'host.example.test', ttl: 60, data: '::ffff:198.18.0.9' },
      { type: 'MX', name: 'host.example.test', ttl: 5, data: { preference: 10, exchange: 'mx.example.test' } },
      { type: 'TXT', name: 'host.example.test', ttl: 5, data: ['v=spf1 -all', 'x'] },
      { type: 'PTR', name: 'host.example.test', ttl: 5, data: 'host.example.test' },
      ...extra,
    ],
    authorities: [
      { type: 'SOA', name: 'example.test', ttl: 300, data: { mname: 'ns.example.test', rname: 'h.example.test', serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 5 } },
      { type: 'NS', name: 'example.test', ttl: 5, data: 'ns.example.test' },
    ],
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232 } as unknown as dnsPacket.Answer],
  });
}

describe('DNS wire format', () => {
  it('encodeQuestion writes the bytes dns-packet writes; other names are left to dns-packet', () => {
    for (const name of ['', 'a', 'x-1.site01.example', '1.0.18.198.in-addr.arpa', '_dmarc.example', '*.w.example', `${'a'.repeat(63)}.b`]) {
      for (const type of TYPES) {
        const opt = { type: 'OPT', name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] };
        const ref = dnsPacket.encode({ type: 'query', id: 4660, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name, class: 'IN' }], additionals: [opt as unknown as dnsPacket.Answer] });
        assert.deepEqual(encodeQuestion(4660, name, type, 1232), ref, `${name} ${type}`);
      }
    }
    assert.equal(encodeQuestion(1, 'a'.repeat(64), 'A', 1232), undefined);
    assert.equal(encodeQuestion(1, 'Upper.example', 'A', 1232), undefined);
    assert.equal(encodeQuestion(1, 'with space.example', 'A', 1232), undefined);
  });

  it('decodeResponse gives the resolver the same answer as dns-packet, mapped IPv6 included', () => {
    for (const type of TYPES) {
      const buf = response(type);
      const fast = decodeResponse(buf);
      assert.ok(fast, type);
      const slow = dnsPacket.decode(buf) as DecodedResponse;
      assert.deepEqual(interpretResponse('www.example.test', type, fast, 's', 0), interpretResponse('www.example.test', type, slow, 's', 0), type);
      assert.equal(fast.questions![0].name, 'Www.Example.test');
      assert.equal(fast.flag_aa, true);
      assert.equal(fast.flag_tc, false);
    }
  });

  it('decodeResponse leaves what it does not model to dns-packet: other types, truncated or odd packets', () => {
    assert.equal(decodeResponse(response('A', [{ type: 'SRV', name: 'host.example.test', ttl: 5, data: { priority: 1, weight: 1, port: 25, target: 'x.example' } }])), undefined);
    const buf = response('A');
    assert.equal(decodeResponse(buf.subarray(0, buf.length - 5)), undefined);
    assert.equal(decodeResponse(buf.subarray(0, 11)), undefined);
    const odd = Buffer.from(buf);
    odd[13] = 0x2e; // a '.' inside the first label of the question
    assert.equal(decodeResponse(odd), undefined);
  });
});
